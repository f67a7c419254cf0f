/**
 * The gray-failure rules, in the harness's own chain (node-iptables.ts: KUBE-HA-CHAOS, jumped to
 * first from INPUT and OUTPUT, one removal undoes everything): a blackhole of etcd's client port
 * between a member and the apiservers that use it, and random loss on the peer port. Rule builders
 * and parsers are pure, so the rule sets are unit-tested; the few I/O functions run through the node
 * access like the partition does.
 */
import type { ClusterNode } from '../nodes/node-access.js';
import { CHAOS_CHAIN } from './node-iptables.js';
import { readStaticPodCommand } from './static-pod-flags.js';

const T = 15_000;

/** Who reaches a member's client port: its own apiserver (over lo), and apiservers on other nodes. */
export interface EtcdClientPaths {
  /**
   * Source = destination ranges of the member's own apiserver's connection, which stays on the node
   * (over lo): 127.0.0.0/8 when its --etcd-servers name 127.0.0.1 / localhost, the node's own /32
   * when they name its address. Empty when the node's apiserver does not use this member.
   */
  readonly local: readonly string[];
  /** Other control-plane nodes whose apiserver lists the member's address. */
  readonly remoteClients: readonly { readonly node: string; readonly ip: string }[];
}

/** The host parts of an apiserver's --etcd-servers (https://127.0.0.1:2379,https://10.0.0.2:2379). */
export function etcdServerHosts(etcdServers: string): { host: string; port: number }[] {
  return etcdServers
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const u = new URL(s.includes('://') ? s : `https://${s}`);
      return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || (u.protocol === 'http:' ? 80 : 443)) };
    });
}

/**
 * Pure: which apiservers use the member on `memberNode` (address `memberIp`) through `port`, given
 * every control plane's --etcd-servers (node -> flag value; undefined when the node runs no apiserver).
 * IPv6 loopback (::1) is not covered (the chain is IPv4 only) and is refused by the injector.
 */
export function etcdClientPaths(
  memberNode: string,
  memberIp: string,
  port: number,
  etcdServersByNode: Readonly<Record<string, string | undefined>>,
  ipsByNode: Readonly<Record<string, string>>,
): EtcdClientPaths {
  const local = new Set<string>();
  const remoteClients: { node: string; ip: string }[] = [];
  for (const [node, servers] of Object.entries(etcdServersByNode)) {
    if (servers === undefined) {
      continue;
    }
    const hosts = etcdServerHosts(servers).filter((h) => h.port === port);
    if (node === memberNode) {
      if (hosts.some((h) => h.host === '127.0.0.1' || h.host === 'localhost')) {
        local.add('127.0.0.0/8');
      }
      if (hosts.some((h) => h.host === memberIp)) {
        local.add(`${memberIp}/32`);
      }
    } else if (hosts.some((h) => h.host === memberIp)) {
      const ip = ipsByNode[node];
      if (ip !== undefined) {
        remoteClients.push({ node, ip });
      }
    }
  }
  return { local: [...local].sort(), remoteClients: remoteClients.sort((a, b) => a.node.localeCompare(b.node)) };
}

/** How many rules blackholeClientRules adds for `paths` (the proof the fault hit counts them). */
export function blackholeRuleCount(paths: EtcdClientPaths): number {
  return paths.local.length + paths.remoteClients.length * 2;
}

/**
 * iptables-restore input that (re)creates our chain with DROP rules for the client `port`: the local
 * apiserver's connection (source and destination both a local range: it never leaves the node) and
 * to/from each remote client's address. `--ports` matches source or destination port, so requests
 * and replies both go, in OUTPUT and INPUT alike. No REJECT: nothing is reset, the client only waits.
 * The harness's own etcd probes reach the member from the Docker host's address, which no rule names.
 */
export function blackholeClientRules(paths: EtcdClientPaths, port: number): string {
  const lines = ['*filter', `:${CHAOS_CHAIN} - [0:0]`, `-I INPUT 1 -j ${CHAOS_CHAIN}`, `-I OUTPUT 1 -j ${CHAOS_CHAIN}`];
  for (const range of paths.local) {
    lines.push(`-A ${CHAOS_CHAIN} -s ${range} -d ${range} -p tcp -m multiport --ports ${port} -j DROP`);
  }
  for (const c of paths.remoteClients) {
    lines.push(`-A ${CHAOS_CHAIN} -s ${c.ip}/32 -p tcp -m multiport --ports ${port} -j DROP`);
    lines.push(`-A ${CHAOS_CHAIN} -d ${c.ip}/32 -p tcp -m multiport --ports ${port} -j DROP`);
  }
  lines.push('COMMIT', '');
  return lines.join('\n');
}

/** The comment on the counting rules of the loss chain (they match and count, they drop nothing). */
export const SEEN_COMMENT = 'kube-ha-chaos-seen';

/**
 * iptables-restore input for random loss on `port` to and from each peer: per direction one counting
 * rule (no target: every packet of the flow is counted and goes on) followed by a `statistic` DROP,
 * so the counters say how many packets were seen and how many were dropped.
 */
export function packetLossRules(peers: readonly string[], port: number, probability: number): string {
  if (!(probability > 0 && probability < 1)) {
    throw new RangeError(`loss probability must be in (0, 1), got ${probability}`);
  }
  const p = probability.toFixed(4);
  const lines = ['*filter', `:${CHAOS_CHAIN} - [0:0]`, `-I INPUT 1 -j ${CHAOS_CHAIN}`, `-I OUTPUT 1 -j ${CHAOS_CHAIN}`];
  for (const peer of peers) {
    for (const dir of ['-s', '-d']) {
      lines.push(`-A ${CHAOS_CHAIN} ${dir} ${peer}/32 -p tcp -m multiport --ports ${port} -m comment --comment ${SEEN_COMMENT}`);
      lines.push(`-A ${CHAOS_CHAIN} ${dir} ${peer}/32 -p tcp -m multiport --ports ${port} -m statistic --mode random --probability ${p} -j DROP`);
    }
  }
  lines.push('COMMIT', '');
  return lines.join('\n');
}

/** Packets the loss rules counted: seen by the counting rules, dropped by the statistic rules. */
export interface LossCounters {
  readonly seenPackets: number;
  readonly droppedPackets: number;
}

/**
 * Pure: sums the counters of `iptables -S KUBE-HA-CHAOS -v` (each rule line carries `-c <packets>
 * <bytes>`). A counting rule passes every packet on, so a dropped packet was also seen: the share
 * dropped is dropped / seen.
 */
export function parseLossCounters(out: string): LossCounters {
  let seenPackets = 0;
  let droppedPackets = 0;
  for (const line of out.split('\n')) {
    if (!line.startsWith(`-A ${CHAOS_CHAIN} `)) {
      continue;
    }
    const c = /-c (\d+) (\d+)/.exec(line);
    const packets = c === null ? 0 : Number(c[1]);
    if (line.includes('statistic') && line.includes('-j DROP')) {
      droppedPackets += packets;
    } else if (line.includes(SEEN_COMMENT)) {
      seenPackets += packets;
    }
  }
  return { seenPackets, droppedPackets };
}

/** Whether a node can run the `statistic` match, and what said so. */
export interface StatisticSupport {
  readonly supported: boolean;
  /** One sentence: what was found (userspace extension, kernel match, kernel config). */
  readonly reason: string;
}

/** The in-node probe parseStatisticSupport reads: read-only (help text, /proc), changes nothing. */
export const STATISTIC_PROBE_SCRIPT = [
  'if iptables -m statistic --help >/dev/null 2>&1; then echo userspace=yes; else echo userspace=no; fi',
  'if grep -qx statistic /proc/net/ip_tables_matches 2>/dev/null; then echo kernel=listed; else echo kernel=unlisted; fi',
  'c=$( (zcat /proc/config.gz 2>/dev/null || cat /boot/config-$(uname -r) 2>/dev/null) | grep "^CONFIG_NETFILTER_XT_MATCH_STATISTIC=" | cut -d= -f2); echo config=${c:-unknown}',
  'echo kernel-release=$(uname -r)',
  'echo iptables=$(iptables --version 2>/dev/null)',
].join('; ');

/**
 * Pure: the verdict on the probe's output. The userspace extension alone is not enough (iptables
 * prints help for matches the kernel lacks): the kernel must list the match (built in, or its module
 * loaded), or its config must say it is built (=y) or a loadable module (=m, autoloaded on first use).
 */
export function parseStatisticSupport(out: string): StatisticSupport {
  const kv = new Map(
    out
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const),
  );
  const where = `kernel ${kv.get('kernel-release') ?? '?'}, ${kv.get('iptables') || 'iptables ?'}`;
  if (kv.get('userspace') !== 'yes') {
    return { supported: false, reason: `iptables in the node has no statistic extension (iptables -m statistic --help failed; ${where})` };
  }
  const config = kv.get('config') ?? 'unknown';
  if (kv.get('kernel') === 'listed') {
    return { supported: true, reason: `the kernel lists the statistic match in /proc/net/ip_tables_matches (CONFIG_NETFILTER_XT_MATCH_STATISTIC=${config}; ${where})` };
  }
  if (config === 'y' || config === 'm') {
    return { supported: true, reason: `CONFIG_NETFILTER_XT_MATCH_STATISTIC=${config} (${config === 'm' ? 'a module, loaded on first use' : 'built in'}; ${where})` };
  }
  return {
    supported: false,
    reason: `the kernel neither lists the statistic match in /proc/net/ip_tables_matches nor says it was built (CONFIG_NETFILTER_XT_MATCH_STATISTIC=${config}; ${where})`,
  };
}

/** Runs the read-only statistic probe in a node. */
export async function statisticSupport(node: ClusterNode): Promise<StatisticSupport> {
  const r = await node.run(['sh', '-c', STATISTIC_PROBE_SCRIPT], { timeoutMs: T });
  return parseStatisticSupport(r.stdout);
}

/** Applies rules built above in ONE atomic iptables-restore (the fault starts at one instant). */
export async function applyChaosRules(node: ClusterNode, rules: string): Promise<void> {
  await node.run(['iptables-restore', '-w', '5', '--noflush'], { timeoutMs: T, stdin: rules });
}

/** The chain's rules with their counters (`iptables -S -v`); empty when the chain is gone. */
export async function chainRulesWithCounters(node: ClusterNode): Promise<string> {
  const r = await node.run(['iptables', '-w', '5', '-S', CHAOS_CHAIN, '-v'], { timeoutMs: T, okExitCodes: [0, 1] });
  return r.exitCode === 0 ? r.stdout : '';
}

/**
 * Each control plane's apiserver --etcd-servers, read from its static pod manifest (undefined on a
 * node that runs no apiserver, or whose apiserver does not set the flag).
 */
export async function readEtcdServers(controlPlanes: readonly ClusterNode[]): Promise<Record<string, string | undefined>> {
  const out: Record<string, string | undefined> = {};
  for (const n of controlPlanes) {
    const cmd = await readStaticPodCommand(n, 'kube-apiserver').catch(() => undefined);
    out[n.name] = cmd === undefined ? undefined : flagValue(cmd.command, 'etcd-servers');
  }
  return out;
}

/** Pure: `--name=value` or `--name value` from an argv; the last one wins, as with pflag. */
export function flagValue(argv: readonly string[], name: string): string | undefined {
  let v: string | undefined;
  argv.forEach((a, i) => {
    if (a.startsWith(`--${name}=`)) {
      v = a.slice(name.length + 3);
    } else if (a === `--${name}` && argv[i + 1] !== undefined) {
      v = argv[i + 1];
    }
  });
  return v;
}
