/**
 * What an operator does to kubeadm's stacked etcd members during a disaster drill, node by node:
 * stop a static pod by moving its manifest out of the kubelet's folder (the documented way to stop
 * a static pod), destroy a member's data directory, install a restored one, rewrite and put back a
 * manifest. Only through ClusterNode.run, so it works over any node access with a shell.
 *
 * The drill's manifests go to their own folder, not HELD_MANIFEST_DIR: `npm run heal` puts held
 * manifests back, which is right for a fault and wrong here (an etcd started on a wiped data
 * directory must not be started by a heal). A drill that stops half-way leaves its cluster marked
 * dirty instead, and the next run recreates it.
 */
import { readFileSync } from 'node:fs';
import type { ClusterNode } from '../nodes/node-access.js';
import { fileExists, MANIFEST_DIR, moveFile, pidsOf, waitForNewPid, waitForNoProcess } from '../cluster/node-processes.js';
import { runCommand } from '../runtime/command.js';
import { manifestFlag } from './restore-plan.js';

export const DRILL_MANIFEST_DIR = '/etc/kubernetes/kube-ha-chaos-drill';
const STEP_TIMEOUT_MS = 30_000;

export type StaticPodComponent = 'etcd' | 'kube-apiserver';

/** Stops `component` on every node (manifest moved away) and waits until its process is gone. */
export async function stopStaticPods(nodes: readonly ClusterNode[], component: StaticPodComponent, timeoutMs: number): Promise<Record<string, number>> {
  const pids: Record<string, number> = {};
  for (const n of nodes) {
    pids[n.name] = (await pidsOf(n, component))[0] ?? 0;
  }
  await Promise.all(nodes.map((n) => moveFile(n, `${MANIFEST_DIR}/${component}.yaml`, `${DRILL_MANIFEST_DIR}/${component}.yaml`)));
  const deadline = performance.now() + timeoutMs;
  await Promise.all(nodes.map((n) => waitForNoProcess(n, component, deadline, `${component} stops`)));
  return pids;
}

/** Puts `component`'s manifest back on every node and waits for a process with a new PID. */
export async function startStaticPods(nodes: readonly ClusterNode[], component: StaticPodComponent, oldPids: Readonly<Record<string, number>>, timeoutMs: number): Promise<Record<string, number>> {
  await Promise.all(nodes.map(async (n) => {
    if (await fileExists(n, `${DRILL_MANIFEST_DIR}/${component}.yaml`)) {
      await moveFile(n, `${DRILL_MANIFEST_DIR}/${component}.yaml`, `${MANIFEST_DIR}/${component}.yaml`);
    }
  }));
  const deadline = performance.now() + timeoutMs;
  const pids: Record<string, number> = {};
  await Promise.all(nodes.map(async (n) => {
    pids[n.name] = await waitForNewPid(n, component, oldPids[n.name] ?? 0, deadline, `${component} runs again`);
  }));
  return pids;
}

/** The etcd data directory of the node's member, from its manifest (kubeadm: /var/lib/etcd). */
export async function etcdDataDir(node: ClusterNode, manifestDir = MANIFEST_DIR): Promise<string> {
  const manifest = (await node.run(['cat', `${manifestDir}/etcd.yaml`], { timeoutMs: STEP_TIMEOUT_MS })).stdout;
  const dir = manifestFlag(manifest, 'data-dir');
  if (dir === undefined || !dir.startsWith('/') || dir === '/') {
    throw new Error(`${node.name}: the etcd manifest names no usable --data-dir (${JSON.stringify(dir)})`);
  }
  return dir;
}

/** Destroys the member's data (`member/` under the data dir: its WAL and backend). Returns the bytes it held. */
export async function wipeMemberData(node: ClusterNode, dataDir: string): Promise<number> {
  const r = await node.run(['sh', '-c', 'b=$(du -sb "$1/member" 2>/dev/null | cut -f1); rm -rf "$1/member"; test ! -e "$1/member" && echo "${b:-0}"', 'wipe', dataDir], { timeoutMs: STEP_TIMEOUT_MS });
  return Number(r.stdout.trim()) || 0;
}

/** Installs a data directory restored on the host (a tar of its contents) as the member's. */
export async function installMemberData(node: ClusterNode, dataDir: string, hostDir: string, tarFile: string): Promise<void> {
  await runCommand(['tar', '-C', hostDir, '-cf', tarFile, '.'], { timeoutMs: STEP_TIMEOUT_MS });
  await node.run(['sh', '-c', 'rm -rf "$1/member" && mkdir -p "$1" && tar -x -C "$1" && chmod 700 "$1" && test -d "$1/member/wal"', 'install', dataDir], { timeoutMs: 2 * STEP_TIMEOUT_MS, stdin: readFileSync(tarFile) });
}

export async function readDrillManifest(node: ClusterNode, component: StaticPodComponent): Promise<string> {
  return (await node.run(['cat', `${DRILL_MANIFEST_DIR}/${component}.yaml`], { timeoutMs: STEP_TIMEOUT_MS })).stdout;
}

/** Replaces the held manifest's text (kept 0600 like kubeadm's), before it is put back. */
export async function writeDrillManifest(node: ClusterNode, component: StaticPodComponent, text: string): Promise<void> {
  await node.run(['sh', '-c', 'umask 077 && cat > "$1.new" && mv -f "$1.new" "$1"', 'write', `${DRILL_MANIFEST_DIR}/${component}.yaml`], { timeoutMs: STEP_TIMEOUT_MS, stdin: text });
}

/** Manifests a drill left in its folder on a node (an interrupted drill). */
export async function drillLeftovers(node: ClusterNode): Promise<string[]> {
  const r = await node.run(['sh', '-c', `ls -1 ${DRILL_MANIFEST_DIR} 2>/dev/null || true`], { timeoutMs: STEP_TIMEOUT_MS });
  return r.stdout.split('\n').map((s) => s.trim()).filter((s) => s.endsWith('.yaml'));
}
