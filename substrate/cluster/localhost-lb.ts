/**
 * The localhost-nginx front as data (issue 10): kubespray's "localhost load balancer". Every worker
 * runs nginx listening on 127.0.0.1:6443 inside its own network namespace, spreading TCP over every
 * control plane's apiserver; that worker's kubelet and kube-proxy talk to https://localhost:6443. A
 * control plane talks to its own apiserver (kubeadm already writes the node's own address into a
 * control plane's kubelet.conf; 127.0.0.1:6443 there IS its apiserver). Pure, so what the nodes run
 * is unit-tested; the I/O is localhost-lb-up.ts.
 *
 * Read from kubespray (roles/kubernetes/node/templates/loadbalancer/nginx.conf.j2,
 * manifests/nginx-proxy.manifest.j2, roles/kubernetes/node/defaults/main.yml,
 * roles/kubespray_defaults/defaults/main/main.yml, roles/kubernetes/kubeadm/tasks/main.yml):
 * - `stream { upstream kube_apiserver { least_conn; server <cp>:6443; ... } server { listen
 *   127.0.0.1:6443; proxy_pass kube_apiserver; proxy_timeout 10m; proxy_connect_timeout 1s; } }`,
 *   two worker processes, no `zone` in the upstream. kubespray writes no max_fails / fail_timeout, so
 *   nginx's defaults apply: max_fails=1, fail_timeout=10s (nginx docs, ngx_stream_upstream_module
 *   "server"); we write them out, as lb-pair.ts writes haproxy's check defaults out.
 * - an http server on 8081 answering /healthz 200 (the sample inventory sets
 *   loadbalancer_apiserver_healthcheck_port: 8081), used as the pod's liveness and readiness probe.
 * - the worker's kubelet.conf `server:` becomes https://localhost:6443 and the kubelet is restarted;
 *   the kube-proxy ConfigMap's kubeconfig `server:` becomes https://127.0.0.1:6443 on every node
 *   (kubespray's FIXME notes why: pointing it at one control plane would make that one a SPOF).
 *
 * Choices, and why:
 * - nginx runs as a STATIC POD with hostNetwork (kubespray's own way), not as a Docker container
 *   joined to the worker's netns (`--network container:<worker>`). The worker container is the
 *   machine: a static pod's nginx is a process of that machine, frozen when the machine is paused,
 *   gone when it is stopped, started again by the kubelet when it comes back, and reached by the
 *   faults like any node process. A container beside the node would outlive a paused or stopped node,
 *   and after a node restart it would be left in the old, dead namespace.
 * - The upstream lists the control planes' ADDRESSES (kubespray: each host's access IP), read once
 *   the nodes exist; a control plane that comes back on another address leaves nginx with a stale
 *   upstream, which health reports (the upstream must equal the current addresses).
 * - The apiserver certificate already covers localhost and 127.0.0.1: kind v0.31's kubeadm
 *   template puts both in apiServer.certSANs (checked on a running cluster's kubeadm-config).
 * - The worker process count is kubespray's (2). Without a `zone`, each worker process keeps its
 *   own failure counters (nginx docs, "zone"), which the guarantee maths below takes into account.
 * - No worker_rlimit_nofile (kubespray: 65535): the hard RLIMIT_NOFILE here is 20000 and raising it
 *   needs CAP_SYS_RESOURCE, which this project's VMs lack; nginx would log a setrlimit alert.
 */
import type { PassiveCheckSettings } from '../../harness/guarantees/nginx-passive-checks.js';
import { createHash } from 'node:crypto';
import { NGINX_CONF_DIR, NGINX_STREAM_MODULE } from '../images/nginx-image.js';

export const APISERVER_PORT = 6443;
/** nginx listens here in every worker's own network namespace. */
export const NGINX_LISTEN_ADDRESS = '127.0.0.1';
/** kubespray's sample loadbalancer_apiserver_healthcheck_port. */
export const NGINX_HEALTHCHECK_PORT = 8081;
/** The worker's directory holding nginx.conf (kubespray's nginx_config_dir), mounted into the pod. */
export const NODE_NGINX_CONF_DIR = '/etc/nginx';
export const NODE_NGINX_CONF = `${NODE_NGINX_CONF_DIR}/nginx.conf`;
/** Static pod manifest on every worker (kubelet's staticPodPath). */
export const NGINX_MANIFEST = '/etc/kubernetes/manifests/nginx-proxy.yaml';
export const NGINX_POD_NAME = 'nginx-proxy';
/** kubespray's label of the pod. */
export const NGINX_POD_LABEL = { 'k8s-app': 'kube-nginx' } as const;
/** The server a worker's kubelet uses (kubespray kube_apiserver_endpoint on a non-control-plane node). */
export const WORKER_KUBELET_SERVER = `https://localhost:${APISERVER_PORT}`;
/** The server kube-proxy uses on every node (kubespray rewrites the kube-proxy ConfigMap to it). */
export const KUBE_PROXY_SERVER = `https://127.0.0.1:${APISERVER_PORT}`;

/** nginx's passive health-check settings and the proxy timeouts that decide what a client sees. */
export type NginxUpstreamSettings = PassiveCheckSettings;

/** kubespray's values, with nginx's defaults for what kubespray leaves unset, written out. */
export const KUBESPRAY_NGINX: NginxUpstreamSettings = {
  maxFails: 1,
  failTimeoutS: 10,
  connectTimeoutMs: 1_000,
  proxyTimeoutS: 600,
  nextUpstream: true,
  nextUpstreamTries: 0,
  workerProcesses: 2,
  sharedZone: false,
};

export interface LocalhostLbPlan {
  readonly cluster: string;
  readonly image: string;
  /** Worker node names: each runs one nginx. */
  readonly workers: readonly string[];
  /** Every control plane's address, in node-name order. */
  readonly upstreams: readonly string[];
  readonly settings: NginxUpstreamSettings;
}

export function planLocalhostLb(input: { cluster: string; image: string; workers: readonly string[]; controlPlaneAddresses: readonly string[]; settings?: NginxUpstreamSettings }): LocalhostLbPlan {
  if (input.workers.length === 0) {
    throw new Error('the localhost-nginx front runs nginx on every worker: the cluster has none');
  }
  if (input.controlPlaneAddresses.length === 0 || input.controlPlaneAddresses.some((a) => !/^\d+\.\d+\.\d+\.\d+$/.test(a))) {
    throw new Error(`nginx needs every control plane's IPv4 address, found ${JSON.stringify(input.controlPlaneAddresses)}`);
  }
  return { cluster: input.cluster, image: input.image, workers: [...input.workers], upstreams: [...input.controlPlaneAddresses], settings: input.settings ?? KUBESPRAY_NGINX };
}

/** nginx.conf of every worker (Debian nginx 1.22, stream module loaded explicitly). */
export function renderNginxConf(plan: LocalhostLbPlan): string {
  const s = plan.settings;
  const servers = plan.upstreams.map((ip) => `    server ${ip}:${APISERVER_PORT} max_fails=${s.maxFails} fail_timeout=${s.failTimeoutS}s;`).join('\n');
  return `# generated by kube-ha-chaos for ${plan.cluster}: the localhost apiserver front of this worker
# (kubespray's nginx-proxy; substrate/cluster/localhost-lb.ts says what is taken from it and why)
# Debian installs the stream module as a dynamic module; a closure image has no modules-enabled/ links.
load_module ${NGINX_STREAM_MODULE};

user nobody nogroup;
error_log stderr notice;
pid /tmp/nginx.pid;
worker_processes ${s.workerProcesses};
worker_shutdown_timeout 10s;

events {
  multi_accept on;
  use epoll;
  worker_connections 16384;
}

stream {
  upstream kube_apiserver {
    least_conn;
${s.sharedZone ? '    zone kube_apiserver 64k;\n' : ''}${servers}
  }

  server {
    listen ${NGINX_LISTEN_ADDRESS}:${APISERVER_PORT};
    proxy_pass kube_apiserver;
    proxy_timeout ${s.proxyTimeoutS}s;
    proxy_connect_timeout ${s.connectTimeoutMs}ms;
    proxy_next_upstream ${s.nextUpstream ? 'on' : 'off'};
    proxy_next_upstream_tries ${s.nextUpstreamTries};
  }
}

http {
  access_log off;
  tcp_nodelay on;
  keepalive_timeout 5m;
  keepalive_requests 100;
  reset_timedout_connection on;
  server_tokens off;
  autoindex off;

  # the pod's liveness and readiness probe (kubespray's healthcheck port)
  server {
    listen ${NGINX_HEALTHCHECK_PORT};
    location /healthz {
      return 200;
    }
    location /stub_status {
      stub_status on;
    }
  }
}
`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The static pod of every worker; the config's hash as an annotation, so a new config restarts it. */
export function renderNginxManifest(plan: LocalhostLbPlan, nginxConf: string): string {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: NGINX_POD_NAME,
      namespace: 'kube-system',
      labels: { ...NGINX_POD_LABEL },
      annotations: { 'kube-ha-chaos/nginx-conf-sha256': sha256Hex(nginxConf) },
    },
    spec: {
      hostNetwork: true,
      dnsPolicy: 'ClusterFirstWithHostNet',
      priorityClassName: 'system-node-critical',
      containers: [
        {
          name: NGINX_POD_NAME,
          image: plan.image,
          // Loaded into the node's containerd by `cluster up`; offline, a pull could only fail.
          imagePullPolicy: 'Never',
          resources: { requests: { cpu: '25m', memory: '32M' } },
          livenessProbe: { httpGet: { path: '/healthz', port: NGINX_HEALTHCHECK_PORT, host: NGINX_LISTEN_ADDRESS } },
          readinessProbe: { httpGet: { path: '/healthz', port: NGINX_HEALTHCHECK_PORT, host: NGINX_LISTEN_ADDRESS } },
          volumeMounts: [{ name: 'etc-nginx', mountPath: NGINX_CONF_DIR, readOnly: true }],
        },
      ],
      volumes: [{ name: 'etc-nginx', hostPath: { path: NODE_NGINX_CONF_DIR, type: 'Directory' } }],
    },
  };
  return `# generated by kube-ha-chaos: nginx-proxy, the localhost apiserver front of this worker\n${JSON.stringify(pod, null, 2)}\n`;
}

/**
 * Pure: the upstream servers of `upstream kube_apiserver` in an nginx config (the file, or `nginx -T`
 * output, which prints it), as `ip:port`, in order. Throws when there is no such block.
 */
export function parseNginxUpstreams(text: string, upstream = 'kube_apiserver'): string[] {
  const noComments = text.split('\n').map((l) => l.replace(/#.*$/, '')).join('\n');
  const start = new RegExp(`\\bupstream\\s+${upstream}\\s*\\{`).exec(noComments);
  if (start === null) {
    throw new Error(`no "upstream ${upstream}" block in the nginx config`);
  }
  const body = noComments.slice(start.index + start[0].length, noComments.indexOf('}', start.index));
  const out: string[] = [];
  for (const stmt of body.split(';')) {
    const m = /^\s*server\s+(\S+)/.exec(stmt);
    if (m?.[1] !== undefined) {
      out.push(m[1]);
    }
  }
  return out;
}

/** Pure: why the upstream list differs from the control planes' addresses now, or undefined. */
export function upstreamProblem(upstreams: readonly string[], controlPlaneAddresses: readonly string[]): string | undefined {
  const want = controlPlaneAddresses.map((a) => `${a}:${APISERVER_PORT}`).sort();
  const have = [...upstreams].sort();
  if (want.length === have.length && want.every((w, i) => w === have[i])) {
    return undefined;
  }
  const missing = want.filter((w) => !have.includes(w));
  const extra = have.filter((h) => !want.includes(h));
  return `nginx upstream ${have.join(', ') || '(none)'} is not the control planes ${want.join(', ')}${missing.length > 0 ? ` (missing ${missing.join(', ')})` : ''}${extra.length > 0 ? ` (stale ${extra.join(', ')})` : ''}`;
}

/** One TCP socket as `ss -tnp` prints it. */
export interface SsSocket {
  readonly state: string;
  readonly local: string;
  readonly peer: string;
  /** Process names owning the socket (`users:(("kubelet",pid=183,fd=10))`). */
  readonly processes: readonly string[];
}

/**
 * Pure: `ss -Htnp` or `ss -Htnp state established` (no State column then) or `ss -Htlnp` lines.
 * Unknown lines are skipped.
 */
export function parseSs(output: string): SsSocket[] {
  const out: SsSocket[] = [];
  for (const line of output.split('\n')) {
    const t = line.trim();
    if (t === '') {
      continue;
    }
    const parts = t.split(/\s+/);
    const hasState = !/^\d+$/.test(parts[0] ?? '');
    const [state, , , local, peer] = hasState ? parts : ['ESTAB', ...parts];
    if (local === undefined || peer === undefined || !local.includes(':')) {
      continue;
    }
    const processes = [...t.matchAll(/\("([^"]+)",pid=\d+/g)].map((m) => m[1] as string);
    out.push({ state: state ?? '', local, peer, processes });
  }
  return out;
}

/** Pure: is nginx listening on 127.0.0.1:6443 (from `ss -Htlnp`)? */
export function nginxListens(ssListen: string): boolean {
  return parseSs(ssListen).some((s) => s.local === `${NGINX_LISTEN_ADDRESS}:${APISERVER_PORT}` && s.processes.includes('nginx'));
}

/**
 * Pure: from `ss -Htnp state established` in a worker's netns, where `process` talks to the
 * apiservers: through nginx (to 127.0.0.1:6443) and/or straight to an apiserver (to <cp>:6443).
 */
export function apiConnectionsOf(sockets: readonly SsSocket[], process: string): { viaNginx: number; direct: string[] } {
  let viaNginx = 0;
  const direct: string[] = [];
  for (const s of sockets) {
    if (!s.processes.includes(process)) {
      continue;
    }
    if (s.peer === `${NGINX_LISTEN_ADDRESS}:${APISERVER_PORT}` || s.peer === `[::1]:${APISERVER_PORT}`) {
      viaNginx += 1;
    } else if (s.peer.endsWith(`:${APISERVER_PORT}`)) {
      direct.push(s.peer);
    }
  }
  return { viaNginx, direct };
}

/** Pure: nginx's own connections to the apiservers (its upstream side), by control-plane address. */
export function nginxUpstreamConnections(sockets: readonly SsSocket[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of sockets) {
    if (s.processes.includes('nginx') && s.peer.endsWith(`:${APISERVER_PORT}`) && !s.peer.startsWith(`${NGINX_LISTEN_ADDRESS}:`)) {
      const ip = s.peer.slice(0, s.peer.lastIndexOf(':'));
      out[ip] = (out[ip] ?? 0) + 1;
    }
  }
  return out;
}

/**
 * Pure: the kube-proxy ConfigMap's kubeconfig text with its server replaced (kubespray does this with
 * sed on `server:`; here only the cluster's server line).
 */
export function withServerLine(kubeconfigText: string, server: string): string {
  let n = 0;
  const out = kubeconfigText.replace(/^(\s*server:\s*)\S+\s*$/gm, (_m, head: string) => {
    n += 1;
    return `${head}${server}`;
  });
  if (n === 0) {
    throw new Error('the kubeconfig has no server: line to point at the front');
  }
  return out;
}
