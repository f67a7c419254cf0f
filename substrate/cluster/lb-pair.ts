/**
 * The vip-pair front as data (issue 10): two LB hosts on the cluster network, each running haproxy
 * (TCP 6443 spread over every control plane's apiserver) and keepalived (VRRP; the host that wins
 * holds the VIP, which kubeadm's controlPlaneEndpoint, every kubeconfig and every kubelet use).
 * Names, fixed addresses, both config files and the `docker run` of each host. Pure, so what the
 * hosts run is unit-tested.
 *
 * Choices, and why:
 * - VRRP version 3 (RFC 5798), unicast. RFC 5798 §6.1: Skew_Time = ((256 - Priority) *
 *   Master_Adver_Interval) / 256 and Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time;
 *   a master that shuts down sends priority 0 and the backup takes over after Skew_Time only
 *   (§6.4.3 "Shutdown"). Unicast (keepalived's unicast_src_ip / unicast_peer): the pair is on a
 *   Docker bridge that other clusters' VRRP could share; unicast makes the two peers explicit and
 *   independent of how the bridge floods 224.0.0.18. (Multicast works on this host too, measured
 *   2026-12-07: the same pair without the unicast lines elected one master over 224.0.0.18 and the
 *   backup took over on SIGKILL; we do not depend on it.)
 * - Both hosts start in BACKUP with priorities 150 and 100 (lb1 wins the first election; preemption
 *   on, keepalived's default, so lb1 takes the VIP back once it returns): the states of kubeadm's
 *   ha-considerations.md example, without its MASTER start state, so a restarted lb1 does not claim
 *   the VIP before it has heard its peer.
 * - A track script checks the local haproxy (`pgrep -x haproxy`, every second, 2 falls): weight -60
 *   takes lb1 to 90 < 100, so a host whose haproxy died hands the VIP over (kubeadm's example tracks
 *   the apiserver through the VIP instead; that moves nothing when every apiserver is down).
 * - haproxy binds *:6443, every address including the VIP once keepalived adds it, so the backup needs
 *   no net.ipv4.ip_nonlocal_bind (a bind to the VIP itself would).
 * - The backends are kind's control-plane containers by name, resolved through Docker's embedded DNS
 *   with `init-addr none`, exactly as kind's own LB config (kind v0.31
 *   pkg/cluster/internal/loadbalancer/config.go): the pair starts before kind creates the nodes, and a
 *   backend comes UP once it resolves and answers. Health checks as kind's: HTTPS GET /healthz
 *   (check-ssl verify none) with haproxy's defaults written out, inter 2s fall 3 rise 2 (haproxy 2.6
 *   configuration manual, 5.2 "inter", "fall", "rise").
 */
import { join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { ipv4ToNumber } from '../../harness/cluster/layout.js';
import { ETCD_CLUSTER_LABEL, ETCD_ROLE_LABEL } from './etcd-members.js';
import { MEMBER_ADDRESS_BLOCK } from './etcd-network.js';
import { HAPROXY_CFG, KEEPALIVED_CONF } from '../images/lb-image.js';

/** Our role label value on an LB host container (the cluster label is the etcd members' one). */
export const LB_ROLE = 'vip-lb' as const;
export const LB_CLUSTER_LABEL = ETCD_CLUSTER_LABEL;
export const LB_ROLE_LABEL = ETCD_ROLE_LABEL;

/** apiserver port on the VIP and on every control plane (kind's APIServerInternalPort). */
export const APISERVER_PORT = 6443;
/** The harness reads each backend's UP/DOWN here, as on kind's LB (runtime-images.ts HAPROXY_STATS_PORT). */
export const LB_STATS_PORT = 8404;
/** Where the LB image's entrypoint reads the two config files (haproxy's: where kind's LB has it). */
export const LB_HAPROXY_CFG_PATH = HAPROXY_CFG;
export const LB_KEEPALIVED_CONF_PATH = KEEPALIVED_CONF;
/** The container's only interface on the cluster network. */
export const LB_INTERFACE = 'eth0';
/** VRRP router id of the pair (any 1-255; with unicast it only has to match between the two). */
export const VIRTUAL_ROUTER_ID = 51;
export const LB_PRIORITIES = [150, 100] as const;
/** Taken off a host's priority while its haproxy is not running: 150 - 60 < 100. */
export const TRACK_WEIGHT = -60;
/** haproxy's defaults, written out (kind's template leaves them implicit). */
export const HEALTH_CHECK = { interMs: 2_000, fall: 3, rise: 2 } as const;

/** LB hosts take fixed addresses past the etcd member block (etcd-network.ts memberAddresses). */
const LB_OFFSET = 10 + MEMBER_ADDRESS_BLOCK + 2;

export interface LbHostPlan {
  /** Container name and hostname: `<prefix>-lb1`, `<prefix>-lb2`. */
  readonly name: string;
  readonly ip: string;
  readonly priority: number;
  /** Host directory with its keepalived.conf and haproxy.cfg, mounted read-only. */
  readonly hostConfigDir: string;
}

export interface LbPairPlan {
  readonly cluster: string;
  readonly network: string;
  readonly image: string;
  readonly vip: string;
  readonly advertIntervalS: number;
  readonly hosts: readonly [LbHostPlan, LbHostPlan];
  /** The apiservers behind it: kind's control-plane container names. */
  readonly backends: readonly string[];
}

export interface LbPairInput {
  readonly cluster: string;
  readonly namePrefix: string;
  readonly network: string;
  readonly image: string;
  readonly vip: string;
  readonly advertIntervalS: number;
  readonly addresses: readonly [string, string];
  readonly backends: readonly string[];
  readonly configRoot: string;
}

export function lbHostName(prefix: string, index: number): string {
  return `${prefix}-lb${index}`;
}

/** kind's control-plane node names: `<cluster>-control-plane`, `<cluster>-control-plane2`, ... */
export function kindControlPlaneNames(cluster: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${cluster}-control-plane${i === 0 ? '' : i + 1}`);
}

function numberToIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/**
 * Two fixed addresses for the LB hosts: past the dynamic range (where Docker hands out node
 * addresses) and past the addresses external etcd members may take. Throws, naming the fix, when
 * they do not fit or one is used.
 */
export function lbAddresses(subnet: string, ipRange: string, usedAddresses: readonly string[]): [string, string] {
  const [netBase, netBits] = subnet.split('/');
  const [dynBase, dynBits] = ipRange.split('/');
  const net = ipv4ToNumber(netBase ?? '');
  const dyn = ipv4ToNumber(dynBase ?? '');
  if (net === undefined || dyn === undefined || !netBits || !dynBits) {
    throw new Error(`cannot place LB hosts on subnet ${JSON.stringify(subnet)} with dynamic range ${JSON.stringify(ipRange)}`);
  }
  const netSize = 2 ** (32 - Number(netBits));
  const dynSize = 2 ** (32 - Number(dynBits));
  const netStart = net - (net % netSize);
  const dynStart = dyn - (dyn % dynSize);
  const base = (dynStart === netStart ? dynStart + dynSize : netStart) + LB_OFFSET;
  const out: string[] = [];
  for (const a of [base + 1, base + 2]) {
    if (a >= netStart + netSize - 1 || (a >= dynStart && a < dynStart + dynSize)) {
      throw new Error(`the LB hosts' fixed addresses do not fit in ${subnet} outside its dynamic range ${ipRange}: \`npm run cluster -- down\` so up creates the network afresh`);
    }
    const ip = numberToIpv4(a);
    if (usedAddresses.includes(ip)) {
      throw new Error(`LB host address ${ip} is already used by a container on ${subnet}: remove that container (docker ps --filter network=kind) and re-run`);
    }
    out.push(ip);
  }
  return [out[0] as string, out[1] as string];
}

export function planLbPair(input: LbPairInput): LbPairPlan {
  if (input.addresses[0] === input.addresses[1] || input.addresses.includes(input.vip)) {
    throw new Error(`the LB hosts and the VIP need three different addresses, found ${input.addresses.join(', ')} and VIP ${input.vip}`);
  }
  if (input.backends.length === 0) {
    throw new Error('an LB pair needs at least one apiserver behind it');
  }
  const host = (i: 0 | 1): LbHostPlan => {
    const name = lbHostName(input.namePrefix, i + 1);
    return { name, ip: input.addresses[i], priority: LB_PRIORITIES[i], hostConfigDir: join(input.configRoot, name) };
  };
  return {
    cluster: input.cluster,
    network: input.network,
    image: input.image,
    vip: input.vip,
    advertIntervalS: input.advertIntervalS,
    hosts: [host(0), host(1)],
    backends: [...input.backends],
  };
}

/** The other host of the pair. */
export function peerOf(plan: LbPairPlan, host: LbHostPlan): LbHostPlan {
  return plan.hosts[0].name === host.name ? plan.hosts[1] : plan.hosts[0];
}

/** keepalived.conf of one LB host (keepalived 2.2, Debian bookworm). */
export function renderKeepalivedConf(plan: LbPairPlan, host: LbHostPlan): string {
  const peer = peerOf(plan, host);
  return `# generated by kube-ha-chaos for ${plan.cluster}: VRRP for the apiserver VIP ${plan.vip} (substrate/cluster/lb-pair.ts says why)
global_defs {
  router_id ${host.name}
  # RFC 5798: Master_Down_Interval = 3 * advert_int + (256 - priority) * advert_int / 256
  vrrp_version 3
  # the track script runs as root, and keepalived refuses scripts others could write
  script_user root
  enable_script_security
}

vrrp_script haproxy_alive {
  script "/usr/bin/pgrep -x haproxy"
  interval 1
  timeout 1
  fall 2
  rise 2
  weight ${TRACK_WEIGHT}
}

vrrp_instance kube_apiserver {
  state BACKUP
  interface ${LB_INTERFACE}
  virtual_router_id ${VIRTUAL_ROUTER_ID}
  priority ${host.priority}
  advert_int ${plan.advertIntervalS}
  unicast_src_ip ${host.ip}
  unicast_peer {
    ${peer.ip}
  }
  virtual_ipaddress {
    ${plan.vip}/32 dev ${LB_INTERFACE}
  }
  track_script {
    haproxy_alive
  }
}
`;
}

/** haproxy.cfg of both LB hosts: kind's LB config with the health-check timers written out, plus the stats listener. */
export function renderHaproxyCfg(plan: LbPairPlan): string {
  const servers = plan.backends
    .map((b) => `  server ${b} ${b}:${APISERVER_PORT} check check-ssl verify none inter ${HEALTH_CHECK.interMs / 1_000}s fall ${HEALTH_CHECK.fall} rise ${HEALTH_CHECK.rise} resolvers docker resolve-prefer ipv4`)
    .join('\n');
  return `# generated by kube-ha-chaos for ${plan.cluster}: the apiserver front behind VIP ${plan.vip}
# (kind v0.31's LB config, pkg/cluster/internal/loadbalancer/config.go, with haproxy's check defaults written out)
global
  # hard RLIMIT_NOFILE is 20000 here and raising it needs CAP_SYS_RESOURCE: size for it
  maxconn 4096

resolvers docker
  parse-resolv-conf

defaults
  mode tcp
  option dontlognull
  timeout connect 5s
  timeout client 50s
  timeout server 50s
  # start before the control planes exist: a backend is used once its name resolves and it answers
  default-server init-addr none

frontend control-plane
  # every local address, the VIP included once keepalived adds it (no ip_nonlocal_bind needed)
  bind *:${APISERVER_PORT}
  default_backend kube-apiservers

backend kube-apiservers
  option httpchk GET /healthz
${servers}

# read-only stats for the harness: each apiserver's UP/DOWN state as this haproxy sees it
listen kube-ha-chaos-stats
  bind *:${LB_STATS_PORT}
  mode http
  timeout client 10s
  timeout connect 5s
  timeout server 10s
  stats enable
  stats uri /stats
  stats refresh 0
`;
}

/**
 * `docker run` of one LB host.
 * - NET_ADMIN: keepalived adds and removes the VIP and opens its VRRP socket (IPPROTO 112, a raw
 *   socket: NET_RAW, which Docker grants by default). Nothing else: not privileged.
 * - --restart=no: a lost LB host stays lost until the heal starts it; a restart policy would bring a
 *   SIGKILLed lb1 back within a second and, with preemption, take the VIP back mid-measurement.
 * - --tmpfs /run: a started host begins with an empty /run, as a rebooted one does. Measured: after a
 *   SIGKILL, `docker start` found keepalived's stale /run/keepalived.pid naming a live PID (haproxy's,
 *   in the new container) and keepalived exited with "daemon is already running".
 */
export function lbRunArgv(plan: LbPairPlan, host: LbHostPlan): string[] {
  return [
    'run', '--detach',
    '--name', host.name,
    '--hostname', host.name,
    '--network', plan.network,
    '--ip', host.ip,
    '--cap-add', 'NET_ADMIN',
    '--restart=no',
    '--tmpfs', '/run',
    '--label', `${LB_CLUSTER_LABEL}=${plan.cluster}`,
    '--label', `${LB_ROLE_LABEL}=${LB_ROLE}`,
    '--volume', `${join(host.hostConfigDir, 'haproxy.cfg')}:${LB_HAPROXY_CFG_PATH}:ro`,
    '--volume', `${join(host.hostConfigDir, 'keepalived.conf')}:${LB_KEEPALIVED_CONF_PATH}:ro`,
    plan.image,
  ];
}

/** The docker filters that find every LB host container of a cluster. */
export function lbFilters(cluster: string): string[] {
  return ['--filter', `label=${LB_CLUSTER_LABEL}=${cluster}`, '--filter', `label=${LB_ROLE_LABEL}=${LB_ROLE}`];
}

/**
 * Pure: does `ip -4 -o addr show` output list `vip` on an interface? (One line per address:
 * `2: eth0    inet 172.18.128.100/32 scope global eth0\       valid_lft forever ...`.)
 */
export function holdsVip(ipAddrOutput: string, vip: string): boolean {
  return ipAddrOutput.split('\n').some((line) => {
    const m = /\binet\s+(\d+\.\d+\.\d+\.\d+)\/\d+/.exec(line);
    return m?.[1] === vip;
  });
}

/** What each LB host says about the VIP: holds it, does not, or cannot tell (paused, stopped). */
export type VipClaim = 'holds' | 'free' | 'unknown';

/** Pure: the one holder, or why there is not exactly one. */
export function vipOwner(claims: Readonly<Record<string, VipClaim>>): { readonly owner: string } | { readonly owner: undefined; readonly why: string } {
  const holders = Object.entries(claims).filter(([, c]) => c === 'holds').map(([n]) => n).sort();
  if (holders.length === 1) {
    return { owner: holders[0] as string };
  }
  if (holders.length > 1) {
    return { owner: undefined, why: `${holders.join(' and ')} both hold the VIP (split brain)` };
  }
  const unknown = Object.entries(claims).filter(([, c]) => c === 'unknown').map(([n]) => n).sort();
  return { owner: undefined, why: unknown.length > 0 ? `no LB host that answers holds the VIP (${unknown.join(', ')} did not answer)` : 'no LB host holds the VIP' };
}

/** The URL every client of a vip-pair cluster uses. */
export function vipServerUrl(vip: string): string {
  return `https://${vip}:${APISERVER_PORT}`;
}

/**
 * Pure: a kubeconfig's text with every cluster's server replaced by `server`. kind writes the host
 * kubeconfig with its own LB's published port (127.0.0.1:<port>); on a vip-pair cluster the host
 * reaches the VIP directly over the Docker bridge, and kind's LB is removed.
 */
export function kubeconfigWithServer(text: string, server: string): string {
  const doc = parseYaml(text) as { clusters?: { cluster?: { server?: string } }[] } | null;
  if (doc === null || typeof doc !== 'object' || !Array.isArray(doc.clusters) || doc.clusters.length === 0) {
    throw new Error('the kubeconfig kind wrote lists no cluster');
  }
  for (const c of doc.clusters) {
    if (c.cluster === undefined) {
      throw new Error('a cluster entry of the kubeconfig kind wrote has no cluster field');
    }
    c.cluster.server = server;
  }
  return stringifyYaml(doc);
}
