/**
 * Catalogue entries of the localhost-nginx front (issue 10), for the lead to wire into the
 * apiserver-failover catalogue: each statement is generated from the settings the workers' nginx runs
 * with (the cluster state's localhostLb.settings), through the pure maths of nginx-passive-checks.ts,
 * so the text and the expected numbers can never disagree with the config.
 *
 * Ids are `<area>.<property>` and stable forever; never renumber or reuse one.
 */
import { nginxClientView, type ApiserverFailure, type NginxClientView, type PassiveCheckSettings } from './nginx-passive-checks.js';

/** nginx open source: passive checks only (max_fails / fail_timeout on `server`, per-worker state without `zone`). */
export const NGINX_STREAM_UPSTREAM = 'https://nginx.org/en/docs/stream/ngx_stream_upstream_module.html#server';
/** proxy_next_upstream (on), proxy_next_upstream_tries (0), proxy_connect_timeout, proxy_timeout. */
export const NGINX_STREAM_PROXY = 'https://nginx.org/en/docs/stream/ngx_stream_proxy_module.html#proxy_next_upstream';
/** kubespray's template of the worker-local nginx (least_conn, proxy_connect_timeout 1s, proxy_timeout 10m). */
export const KUBESPRAY_NGINX_TEMPLATE = 'https://github.com/kubernetes-sigs/kubespray/blob/master/roles/kubernetes/node/templates/loadbalancer/nginx.conf.j2';
/** kubespray's HA mode doc: the localhost load balancer on every non-control-plane node. */
export const KUBESPRAY_HA_MODE = 'https://github.com/kubernetes-sigs/kubespray/blob/master/docs/operations/ha-mode.md';

export const LOCALHOST_NGINX_IDS = [
  'apiserver-failover.nginx-retries-refused-apiserver',
  'apiserver-failover.nginx-bounds-unreachable-apiserver',
  'apiserver-failover.nginx-does-not-detect-hung-apiserver',
] as const;
export type LocalhostNginxGuaranteeId = (typeof LOCALHOST_NGINX_IDS)[number];

export interface LocalhostNginxEntry {
  readonly id: LocalhostNginxGuaranteeId;
  readonly failure: ApiserverFailure;
  readonly statement: string;
  readonly source: string;
  readonly alsoSee: readonly string[];
  /**
   * What the maths expects clients to see. `promised` is false for the hang: nginx promises nothing
   * there, so a client-visible error is a `finding` with these numbers, not a failure.
   */
  readonly expected: NginxClientView;
  readonly promised: boolean;
}

export interface LocalhostNginxInput {
  readonly settings: PassiveCheckSettings;
  readonly upstreams: number;
  /** The fault's hold (an apiserver held down or hung). */
  readonly outageMs: number;
  /** The probes' per-request deadline. */
  readonly clientTimeoutMs: number;
  /** A healthy request's duration through nginx (baseline median), if known. */
  readonly healthyRequestMs?: number;
}

export function localhostNginxCatalogue(input: LocalhostNginxInput): LocalhostNginxEntry[] {
  const view = (failure: ApiserverFailure): NginxClientView => nginxClientView({ ...input, failed: 1, failure });
  const refused = view('refused');
  const unreachable = view('unreachable');
  const hang = view('hang');
  return [
    {
      id: 'apiserver-failover.nginx-retries-refused-apiserver',
      failure: 'refused',
      statement: `localhost-nginx front, one apiserver killed or held down (its node up): ${refused.statement}`,
      source: NGINX_STREAM_UPSTREAM,
      alsoSee: [NGINX_STREAM_PROXY, KUBESPRAY_NGINX_TEMPLATE],
      expected: refused,
      promised: true,
    },
    {
      id: 'apiserver-failover.nginx-bounds-unreachable-apiserver',
      failure: 'unreachable',
      statement: `localhost-nginx front, one control-plane node gone (connects unanswered): ${unreachable.statement}`,
      source: NGINX_STREAM_PROXY,
      alsoSee: [NGINX_STREAM_UPSTREAM, KUBESPRAY_NGINX_TEMPLATE],
      expected: unreachable,
      promised: true,
    },
    {
      id: 'apiserver-failover.nginx-does-not-detect-hung-apiserver',
      failure: 'hang',
      statement: `localhost-nginx front, one apiserver hung (SIGSTOP, node paused): ${hang.statement}`,
      source: NGINX_STREAM_UPSTREAM,
      alsoSee: [NGINX_STREAM_PROXY, KUBESPRAY_HA_MODE],
      expected: hang,
      promised: false,
    },
  ];
}
