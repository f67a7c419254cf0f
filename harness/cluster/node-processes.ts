/**
 * Processes inside a kind node, seen from the node's PID namespace (the parent of every pod's), so
 * a fault hits the real process and the harness can prove it: the PID before, the PID after.
 */
import { execInContainer } from '../runtime/docker.js';

/** The control-plane programs kubeadm runs as static pods. */
export type ControlPlaneComponent = 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler';
export const CONTROL_PLANE_COMPONENTS: readonly ControlPlaneComponent[] = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];

export const MANIFEST_DIR = '/etc/kubernetes/manifests';
/** Where a held-down static pod's manifest waits: outside the kubelet's manifest folder. */
export const HELD_MANIFEST_DIR = '/etc/kubernetes/kube-ha-chaos-held';

const EXEC_TIMEOUT_MS = 15_000;

/** The kernel keeps 15 characters of a program name (comm): pgrep -x sees "kube-controller". */
export function commName(program: string): string {
  return program.slice(0, 15);
}

/** PIDs of processes named exactly `name` (pgrep -x); empty when none runs. */
export async function pidsOf(node: string, name: string): Promise<number[]> {
  const r = await execInContainer(node, ['pgrep', '-x', commName(name)], { timeoutMs: EXEC_TIMEOUT_MS, okExitCodes: [0, 1] });
  return r.stdout.split('\n').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0);
}

/** Send a signal to every process named exactly `name`; returns whether any matched. */
export async function signalProcess(node: string, name: string, signal: 'KILL' | 'TERM' | 'STOP' | 'CONT'): Promise<boolean> {
  const r = await execInContainer(node, ['pkill', `-${signal}`, '-x', commName(name)], { timeoutMs: EXEC_TIMEOUT_MS, okExitCodes: [0, 1] });
  return r.exitCode === 0;
}

/** One-letter process state from /proc/<pid>/stat (R, S, D, T = stopped, Z, ...), or undefined if gone. */
export async function processState(node: string, pid: number): Promise<string | undefined> {
  const r = await execInContainer(node, ['cat', `/proc/${pid}/stat`], { timeoutMs: EXEC_TIMEOUT_MS, okExitCodes: [0, 1] });
  if (r.exitCode !== 0) {
    return undefined;
  }
  // "pid (comm) S ..." — comm may hold spaces, so take the field after the last ')'.
  return r.stdout.slice(r.stdout.lastIndexOf(')') + 2, r.stdout.lastIndexOf(')') + 3) || undefined;
}

export async function moveFile(node: string, from: string, to: string): Promise<void> {
  await execInContainer(node, ['sh', '-c', 'mkdir -p "$(dirname "$2")" && mv -f "$1" "$2"', 'mv', from, to], { timeoutMs: EXEC_TIMEOUT_MS });
}

export async function fileExists(node: string, path: string): Promise<boolean> {
  const r = await execInContainer(node, ['test', '-e', path], { timeoutMs: EXEC_TIMEOUT_MS, okExitCodes: [0, 1] });
  return r.exitCode === 0;
}

/** Manifests currently held away by this harness on a node (leftovers of an interrupted run). */
export async function heldManifests(node: string): Promise<string[]> {
  const r = await execInContainer(node, ['sh', '-c', `ls -1 ${HELD_MANIFEST_DIR} 2>/dev/null || true`], { timeoutMs: EXEC_TIMEOUT_MS });
  return r.stdout.split('\n').map((s) => s.trim()).filter((s) => s.endsWith('.yaml'));
}

/** Everything the health check needs from one node, read with a single exec. */
export interface NodeFacts {
  readonly pids: Readonly<Record<string, readonly number[]>>;
  /** Processes of the control plane in state T (stopped by SIGSTOP). */
  readonly stoppedPids: readonly number[];
  readonly heldManifests: readonly string[];
  readonly chaosChainPresent: boolean;
}

const FACTS_SCRIPT = `
for p in etcd kube-apiserver kube-controller-manager kube-scheduler; do
  comm=$(echo "$p" | cut -c1-15)
  echo "pid $p $(pgrep -x "$comm" | tr '\\n' ' ')"
  for pid in $(pgrep -x "$comm"); do
    s=$(sed 's/.*) //' /proc/$pid/stat 2>/dev/null | cut -c1)
    [ "$s" = T ] && echo "stopped $pid"
  done
done
for f in $(ls -1 ${HELD_MANIFEST_DIR} 2>/dev/null); do echo "held $f"; done
iptables -w 5 -S KUBE-HA-CHAOS >/dev/null 2>&1 && echo chain
true
`;

/** Pure parse of FACTS_SCRIPT's output. */
export function parseNodeFacts(out: string): NodeFacts {
  const pids: Record<string, number[]> = {};
  const stoppedPids: number[] = [];
  const held: string[] = [];
  let chain = false;
  for (const line of out.split('\n')) {
    const [word, ...rest] = line.trim().split(/\s+/);
    if (word === 'pid' && rest[0]) {
      pids[rest[0]] = rest.slice(1).map(Number).filter((n) => n > 0);
    } else if (word === 'stopped' && rest[0]) {
      stoppedPids.push(Number(rest[0]));
    } else if (word === 'held' && rest[0]) {
      held.push(rest[0]);
    } else if (word === 'chain') {
      chain = true;
    }
  }
  return { pids, stoppedPids, heldManifests: held, chaosChainPresent: chain };
}

export async function readNodeFacts(node: string): Promise<NodeFacts> {
  const r = await execInContainer(node, ['sh', '-c', FACTS_SCRIPT], { timeoutMs: EXEC_TIMEOUT_MS });
  return parseNodeFacts(r.stdout);
}
