/**
 * The harness's own iptables chain in a node's network namespace. Every rule the harness adds lives
 * in KUBE-HA-CHAOS (filter table), jumped to from INPUT and OUTPUT, so one removal undoes them all
 * and a leftover is easy to see. kube-proxy and podnet never touch it.
 */
import type { ClusterNode } from '../nodes/node-access.js';

export const CHAOS_CHAIN = 'KUBE-HA-CHAOS';
const T = 15_000;

async function iptables(node: ClusterNode, args: readonly string[], okExitCodes: readonly number[] = [0]): Promise<number> {
  const r = await node.run(['iptables', '-w', '5', ...args], { timeoutMs: T, okExitCodes });
  return r.exitCode;
}

export async function chainExists(node: ClusterNode): Promise<boolean> {
  return (await iptables(node, ['-S', CHAOS_CHAIN], [0, 1])) === 0;
}

/** Rules of the chain as `iptables -S` prints them (empty when the chain does not exist). */
export async function chainRules(node: ClusterNode): Promise<string[]> {
  const r = await node.run(['iptables', '-w', '5', '-S', CHAOS_CHAIN], { timeoutMs: T, okExitCodes: [0, 1] });
  return r.exitCode === 0 ? r.stdout.split('\n').filter((l) => l.startsWith('-A ')) : [];
}

/**
 * iptables-restore input that (re)creates the chain with DROP rules for `peers` on `ports` and jumps
 * to it first from INPUT and OUTPUT. Pure, so the rule set is unit-tested. --ports matches source or
 * destination port: requests and replies both go.
 */
export function partitionRules(peers: readonly string[], ports: readonly number[]): string {
  const portList = ports.join(',');
  const lines = ['*filter', `:${CHAOS_CHAIN} - [0:0]`, `-I INPUT 1 -j ${CHAOS_CHAIN}`, `-I OUTPUT 1 -j ${CHAOS_CHAIN}`];
  for (const peer of peers) {
    lines.push(`-A ${CHAOS_CHAIN} -s ${peer}/32 -p tcp -m multiport --ports ${portList} -j DROP`);
    lines.push(`-A ${CHAOS_CHAIN} -d ${peer}/32 -p tcp -m multiport --ports ${portList} -j DROP`);
  }
  lines.push('COMMIT', '');
  return lines.join('\n');
}

/**
 * Drop TCP traffic between this node and `peers` on `ports`, in both directions, in ONE atomic
 * iptables-restore (the partition starts at one instant, not rule by rule across several execs).
 * The caller makes sure no chain of ours is left (the pre-fault health check refuses a node that
 * still has one), so the jumps are never doubled.
 */
export async function isolateFromPeers(node: ClusterNode, peers: readonly string[], ports: readonly number[]): Promise<void> {
  await node.run(['iptables-restore', '-w', '5', '--noflush'], { timeoutMs: T, stdin: partitionRules(peers, ports) });
}

/** Remove the jumps and the chain; idempotent. */
export async function removeChain(node: ClusterNode): Promise<void> {
  for (const hook of ['INPUT', 'OUTPUT']) {
    while ((await iptables(node, ['-C', hook, '-j', CHAOS_CHAIN], [0, 1, 2])) === 0) {
      await iptables(node, ['-D', hook, '-j', CHAOS_CHAIN]);
    }
  }
  if (await chainExists(node)) {
    await iptables(node, ['-F', CHAOS_CHAIN]);
    await iptables(node, ['-X', CHAOS_CHAIN]);
  }
}
