/**
 * The harness's own iptables chain in a node's network namespace. Every rule the harness adds lives
 * in KUBE-HA-CHAOS (filter table), jumped to from INPUT and OUTPUT, so one removal undoes them all
 * and a leftover is easy to see. kube-proxy and podnet never touch it.
 */
import { execInContainer } from '../runtime/docker.js';

export const CHAOS_CHAIN = 'KUBE-HA-CHAOS';
const T = 15_000;

async function iptables(node: string, args: readonly string[], okExitCodes: readonly number[] = [0]): Promise<number> {
  const r = await execInContainer(node, ['iptables', '-w', '5', ...args], { timeoutMs: T, okExitCodes });
  return r.exitCode;
}

export async function chainExists(node: string): Promise<boolean> {
  return (await iptables(node, ['-S', CHAOS_CHAIN], [0, 1])) === 0;
}

/** Rules of the chain as `iptables -S` prints them (empty when the chain does not exist). */
export async function chainRules(node: string): Promise<string[]> {
  const r = await execInContainer(node, ['iptables', '-w', '5', '-S', CHAOS_CHAIN], { timeoutMs: T, okExitCodes: [0, 1] });
  return r.exitCode === 0 ? r.stdout.split('\n').filter((l) => l.startsWith('-A ')) : [];
}

/** Drop TCP traffic to and from `peers` on `ports` (either side), in both directions. */
export async function isolateFromPeers(node: string, peers: readonly string[], ports: readonly number[]): Promise<void> {
  if (!(await chainExists(node))) {
    await iptables(node, ['-N', CHAOS_CHAIN]);
  }
  for (const hook of ['INPUT', 'OUTPUT']) {
    if ((await iptables(node, ['-C', hook, '-j', CHAOS_CHAIN], [0, 1])) !== 0) {
      await iptables(node, ['-I', hook, '1', '-j', CHAOS_CHAIN]);
    }
  }
  const portList = ports.join(',');
  for (const peer of peers) {
    // --ports matches source or destination port: requests and replies both go.
    await iptables(node, ['-A', CHAOS_CHAIN, '-s', peer, '-p', 'tcp', '-m', 'multiport', '--ports', portList, '-j', 'DROP']);
    await iptables(node, ['-A', CHAOS_CHAIN, '-d', peer, '-p', 'tcp', '-m', 'multiport', '--ports', portList, '-j', 'DROP']);
  }
}

/** Remove the jumps and the chain; idempotent. */
export async function removeChain(node: string): Promise<void> {
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
