/**
 * Processes on a node, seen from the node's PID namespace (the parent of every pod's), so a fault
 * hits the real process and the harness can prove it: the PID before, the PID after. Everything runs
 * through the node access (ClusterNode.run), whichever way it reaches the node.
 */
import type { ClusterNode } from '../nodes/node-access.js';
import type { EtcdPlacement } from './layout.js';

/** The control-plane programs kubeadm runs as static pods. */
export type ControlPlaneComponent = 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler';
export const CONTROL_PLANE_COMPONENTS: readonly ControlPlaneComponent[] = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];

/** The static pods kubeadm runs on every control plane: etcd too only when it is stacked there. */
export function controlPlaneComponentsFor(etcd: EtcdPlacement): readonly ControlPlaneComponent[] {
  return etcd.mode === 'stacked' ? CONTROL_PLANE_COMPONENTS : CONTROL_PLANE_COMPONENTS.filter((c) => c !== 'etcd');
}

export const MANIFEST_DIR = '/etc/kubernetes/manifests';
/** Where a held-down static pod's manifest waits: outside the kubelet's manifest folder. */
export const HELD_MANIFEST_DIR = '/etc/kubernetes/kube-ha-chaos-held';

const EXEC_TIMEOUT_MS = 15_000;

/** The kernel keeps 15 characters of a program name (comm): pgrep -x sees "kube-controller". */
export function commName(program: string): string {
  return program.slice(0, 15);
}

/** PIDs of processes named exactly `name` (pgrep -x); empty when none runs. */
export async function pidsOf(node: ClusterNode, name: string): Promise<number[]> {
  const r = await node.run(['pgrep', '-x', commName(name)], { timeoutMs: EXEC_TIMEOUT_MS, okExitCodes: [0, 1] });
  return r.stdout.split('\n').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0);
}

/** Send a signal to every process named exactly `name`; returns whether any matched. */
export async function signalProcess(node: ClusterNode, name: string, signal: 'KILL' | 'TERM' | 'STOP' | 'CONT'): Promise<boolean> {
  const r = await node.run(['pkill', `-${signal}`, '-x', commName(name)], { timeoutMs: EXEC_TIMEOUT_MS, okExitCodes: [0, 1] });
  return r.exitCode === 0;
}

/**
 * Waits INSIDE the node: one run() of a shell loop, instead of one command per poll from the host.
 * Each `docker exec` costs ~60 ms of host CPU (docker CLI, dockerd, runc; measured 2026-12-06), so
 * polling a 9 s static-pod stop every 100 ms cost a third of a core on a 2-core machine while the
 * probes were measuring the cluster it starved. The loop is bounded by coreutils `timeout` inside
 * the node, so nothing is left running there if the harness gives up first.
 *
 * `script` runs as `sh -c script wait <args...>`; it exits 0 when the condition holds (its stdout is
 * returned, trimmed). Throws, naming `what`, when the deadline (performance.now() based) passes.
 */
export async function waitInNode(node: ClusterNode, script: string, args: readonly string[], deadlineMs: number, what: string): Promise<string> {
  const remainingMs = Math.max(0, deadlineMs - performance.now());
  const seconds = Math.max(1, Math.ceil(remainingMs / 1_000));
  const r = await node.run(['timeout', String(seconds), 'sh', '-c', script, 'wait', ...args], {
    timeoutMs: seconds * 1_000 + EXEC_TIMEOUT_MS,
    okExitCodes: [0, 124],
  });
  if (r.exitCode === 124) {
    throw new Error(`timed out after ${seconds} s waiting until ${what} (on ${node.name})`);
  }
  return r.stdout.trim();
}

// The loops poll at 50-200 ms; each iteration is a builtin test or one pgrep (a few ms of CPU in
// the node). A zombie counts as gone: it has exited, only its parent has not reaped it yet.
const PID_GONE = 'while [ -e /proc/$1 ] && ! grep -q "^State:[[:space:]]*Z" /proc/$1/status 2>/dev/null; do sleep 0.05; done';
const NONE_RUNNING = 'while pgrep -x "$1" >/dev/null; do sleep 0.1; done';
const ONE_NEW_PID = 'while :; do p=$(pgrep -x "$1"); if [ -n "$p" ] && [ "$(echo $p | wc -w)" -eq 1 ] && [ "$p" != "$2" ]; then echo "$p"; exit 0; fi; sleep 0.2; done';
// $3 is the test operator that holds WHILE waiting: '!=' waits until the state is $2, '=' until it is not.
const STATE_WAIT = 'while [ "$(sed "s/.*) //" /proc/$1/stat 2>/dev/null | cut -c1)" "$3" "$2" ]; do sleep 0.05; done';

/** Until process `pid` has exited. */
export async function waitForPidGone(node: ClusterNode, pid: number, deadlineMs: number, what: string): Promise<void> {
  await waitInNode(node, PID_GONE, [String(pid)], deadlineMs, what);
}

/** Until no process named exactly `name` runs. */
export async function waitForNoProcess(node: ClusterNode, name: string, deadlineMs: number, what: string): Promise<void> {
  await waitInNode(node, NONE_RUNNING, [commName(name)], deadlineMs, what);
}

/** Until exactly one process named `name` runs and its PID is not `oldPid`; returns the new PID. */
export async function waitForNewPid(node: ClusterNode, name: string, oldPid: number, deadlineMs: number, what: string): Promise<number> {
  const out = await waitInNode(node, ONE_NEW_PID, [commName(name), String(oldPid)], deadlineMs, what);
  const pid = Number(out);
  if (!Number.isInteger(pid) || pid <= 0) {
    throw new Error(`waiting until ${what} on ${node.name}: expected a PID, got ${JSON.stringify(out)}`);
  }
  return pid;
}

/** Until process `pid` is (or, with `not`, is no longer) in one-letter state `state` (T = stopped). */
export async function waitForProcessState(node: ClusterNode, pid: number, state: string, deadlineMs: number, what: string, opts: { not?: boolean } = {}): Promise<void> {
  await waitInNode(node, STATE_WAIT, [String(pid), state, opts.not ? '=' : '!='], deadlineMs, what);
}

export async function moveFile(node: ClusterNode, from: string, to: string): Promise<void> {
  await node.run(['sh', '-c', 'mkdir -p "$(dirname "$2")" && mv -f "$1" "$2"', 'mv', from, to], { timeoutMs: EXEC_TIMEOUT_MS });
}

export async function fileExists(node: ClusterNode, path: string): Promise<boolean> {
  const r = await node.run(['test', '-e', path], { timeoutMs: EXEC_TIMEOUT_MS, okExitCodes: [0, 1] });
  return r.exitCode === 0;
}

/** Manifests currently held away by this harness on a node (leftovers of an interrupted run). */
export async function heldManifests(node: ClusterNode): Promise<string[]> {
  const r = await node.run(['sh', '-c', `ls -1 ${HELD_MANIFEST_DIR} 2>/dev/null || true`], { timeoutMs: EXEC_TIMEOUT_MS });
  return r.stdout.split('\n').map((s) => s.trim()).filter((s) => s.endsWith('.yaml'));
}

/** Everything the health check needs from one node, read with a single command. */
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

export async function readNodeFacts(node: ClusterNode): Promise<NodeFacts> {
  const r = await node.run(['sh', '-c', FACTS_SCRIPT], { timeoutMs: EXEC_TIMEOUT_MS });
  return parseNodeFacts(r.stdout);
}
