/**
 * What a preflight reads on the control-plane nodes themselves, through any node access (docker
 * exec, an agent pod, later SSH): the static pod manifests kubelet runs from, and the control-plane
 * processes with the flags they actually run with. The API's mirror pods say what the manifests
 * said when kubelet last synced them; the processes say what runs. Read-only: `ls` and `ps`.
 */
import type { ClusterNode } from '../nodes/node-access.js';
import type { NodeReadFact, RunningComponentFact } from './facts.js';

export const MANIFEST_DIR = '/etc/kubernetes/manifests';
export const CONTROL_PLANE_COMPONENTS = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const;

/** Pure: `ls -1` output as file names, sorted. */
export function parseManifestListing(stdout: string): string[] {
  return stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '').sort();
}

/**
 * Pure: the control-plane processes in `ps -ww -eo pid=,args=` output. A process is a component
 * when its program's base name is one (kube-apiserver, /usr/local/bin/etcd). Args are split on
 * white space, which is how kubeadm's flags are written (no value holds a space).
 */
export function parseControlPlaneProcesses(stdout: string): RunningComponentFact[] {
  const out: RunningComponentFact[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^\s*(\d+)\s+(.+)$/.exec(line);
    if (m === null) {
      continue;
    }
    const args = (m[2] ?? '').trim().split(/\s+/);
    const program = (args[0] ?? '').split('/').pop() ?? '';
    if ((CONTROL_PLANE_COMPONENTS as readonly string[]).includes(program)) {
      out.push({ component: program, pid: Number(m[1]), args: [program, ...args.slice(1)] });
    }
  }
  return out.sort((a, b) => a.component.localeCompare(b.component) || a.pid - b.pid);
}

/** Read the manifests and processes of each node (in parallel; a node that fails says why). */
export async function readNodes(nodes: readonly ClusterNode[], timeoutMs: number): Promise<NodeReadFact[]> {
  return Promise.all(
    nodes.map(async (node): Promise<NodeReadFact> => {
      try {
        // ls exits 2 when the folder does not exist (not a kubeadm node): no manifests, not an error.
        const ls = await node.run(['ls', '-1', MANIFEST_DIR], { timeoutMs, okExitCodes: [0, 2] });
        const ps = await node.run(['ps', '-ww', '-eo', 'pid=,args='], { timeoutMs });
        return { node: node.name, manifests: ls.exitCode === 0 ? parseManifestListing(ls.stdout) : [], processes: parseControlPlaneProcesses(ps.stdout) };
      } catch (e) {
        return { node: node.name, manifests: [], processes: [], error: (e as Error).message.split('\n')[0] ?? 'failed' };
      }
    }),
  );
}
