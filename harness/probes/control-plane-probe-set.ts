/**
 * The probes of the control-plane failover suites, wired in one place with the cadence the
 * thresholds assume (ControlPlaneProbeSettings), so a suite cannot run its probes at one rate and
 * judge them against bounds derived for another:
 *
 * | probe / observer      | records                                              | cadence setting       |
 * |-----------------------|------------------------------------------------------|-----------------------|
 * | api-write (target lb) | ConfigMap creates through the LB                     | apiIntervalMs         |
 * | apiserver-readyz      | GET /readyz straight to each apiserver (target node) | directIntervalMs      |
 * | apiserver-write       | server-side apply straight to each apiserver         | 5 x directIntervalMs  |
 * | api-read (target lb)  | GET of the probe namespace through the LB            | apiIntervalMs         |
 * | lease observations    | every leader-election Lease in kube-system           | leaseIntervalMs       |
 * | lb-backend            | haproxy's view of each apiserver                     | lbPollIntervalMs      |
 * | endpoints             | default/kubernetes addresses                         | endpointsIntervalMs   |
 * | node                  | each node's Ready condition and InternalIP           | nodeIntervalMs        |
 * | workload-http         | GET to the workload's NodePort (target node)         | httpIntervalMs        |
 *
 * Every request has `requestTimeoutMs` as its deadline. The observers fall back to each apiserver
 * directly when the LB does not answer.
 */
import type { KubeApiCredentials } from '../runtime/kubeconfig.js';
import type { ControlPlaneProbeSettings } from '../guarantees/control-plane-thresholds.js';
import { apiWriteProbe } from './api-write-probe.js';
import { apiserverProbe } from './apiserver-probe.js';
import { endpointsPoller } from './endpoints-poller.js';
import { httpProbe, type HttpTarget } from './http-probe.js';
import { lbBackendPoller } from './lb-backend-poller.js';
import { leaseObserver } from './lease-observer.js';
import { nodeConditionPoller } from './node-condition-poller.js';
import type { Probe, ProbeContext } from './probe.js';

/** Which probes to run (all on by default except the workload probe, which needs targets). */
export interface ControlPlaneProbeChoice {
  readonly apiWrite?: boolean;
  readonly apiservers?: boolean;
  readonly leases?: boolean;
  readonly lbBackends?: boolean;
  readonly endpoints?: boolean;
  readonly nodes?: boolean;
}

/** What the probe set needs. */
export interface ControlPlaneProbeSetOptions {
  readonly creds: KubeApiCredentials;
  readonly runId: string;
  /** Namespace of the probe objects (ConfigMaps), e.g. 'kube-ha-chaos-probes'. */
  readonly namespace: string;
  /** Node name -> https://<nodeIP>:6443 (harness/cluster/control-plane-config.ts directApiservers). */
  readonly apiservers: ReadonlyMap<string, string>;
  /** The load balancer's container name and IP (for haproxy's stats). */
  readonly lb: { readonly name: string; readonly ip: string };
  /** The cadence the catalogue's thresholds were derived with (the same object goes to the catalogue). */
  readonly settings: ControlPlaneProbeSettings;
  /**
   * Run every worker at this fraction of its configured interval (default 1). The rate precondition
   * wants 90 % of the configured rate in the baseline; on a loaded 2-core machine aiming a little
   * faster (e.g. 0.8, as the etcd-quorum suite does) keeps that margin. Faster sampling only makes
   * the derived bounds slightly conservative (they include one interval).
   */
  readonly aimFraction?: number;
  /** NodePort URLs of the test workload, one per node to probe through. */
  readonly workload?: readonly HttpTarget[];
  readonly include?: ControlPlaneProbeChoice;
}

/** Builds the probes (not started): pass them to a ProbeSet. */
export function controlPlaneProbes(ctx: ProbeContext, o: ControlPlaneProbeSetOptions): Probe[] {
  const aim = o.aimFraction ?? 1;
  if (!(aim > 0 && aim <= 1)) {
    throw new RangeError(`aimFraction must be in (0, 1], got ${aim}`);
  }
  const scaled = (ms: number): number => Math.max(1, Math.round(ms * aim));
  const s: ControlPlaneProbeSettings = {
    ...o.settings,
    apiIntervalMs: scaled(o.settings.apiIntervalMs),
    directIntervalMs: scaled(o.settings.directIntervalMs),
    leaseIntervalMs: scaled(o.settings.leaseIntervalMs),
    lbPollIntervalMs: scaled(o.settings.lbPollIntervalMs),
    endpointsIntervalMs: scaled(o.settings.endpointsIntervalMs),
    nodeIntervalMs: scaled(o.settings.nodeIntervalMs),
    httpIntervalMs: scaled(o.settings.httpIntervalMs),
  };
  const on = (k: keyof ControlPlaneProbeChoice): boolean => o.include?.[k] !== false;
  const sources = { creds: o.creds, direct: o.apiservers };
  const probes: Probe[] = [];
  if (on('apiWrite')) {
    probes.push(apiWriteProbe(ctx, { creds: o.creds, runId: o.runId, namespace: o.namespace, intervalMs: s.apiIntervalMs, timeoutMs: s.requestTimeoutMs }));
  }
  if (on('apiservers')) {
    probes.push(
      apiserverProbe(ctx, {
        creds: o.creds,
        servers: o.apiservers,
        runId: o.runId,
        namespace: o.namespace,
        intervalMs: s.directIntervalMs,
        timeoutMs: s.requestTimeoutMs,
        write: { intervalMs: 5 * s.directIntervalMs },
        lbRead: { intervalMs: s.apiIntervalMs },
      }),
    );
  }
  if (on('leases')) {
    probes.push(leaseObserver(ctx, { sources, intervalMs: s.leaseIntervalMs, timeoutMs: s.requestTimeoutMs }));
  }
  if (on('lbBackends')) {
    probes.push(lbBackendPoller(ctx, { lb: o.lb.name, lbIp: o.lb.ip, intervalMs: s.lbPollIntervalMs, timeoutMs: s.requestTimeoutMs }));
  }
  if (on('endpoints')) {
    probes.push(endpointsPoller(ctx, { sources, intervalMs: s.endpointsIntervalMs, timeoutMs: s.requestTimeoutMs }));
  }
  if (on('nodes')) {
    probes.push(nodeConditionPoller(ctx, { sources, intervalMs: s.nodeIntervalMs, timeoutMs: Math.max(s.requestTimeoutMs, 2_000) }));
  }
  if (o.workload !== undefined && o.workload.length > 0) {
    probes.push(httpProbe(ctx, { targets: o.workload, intervalMs: s.httpIntervalMs, timeoutMs: s.requestTimeoutMs }));
  }
  return probes;
}
