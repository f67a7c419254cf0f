/**
 * The kind CLI, by intent. kind is the project's own build (substrate/go/kind, v0.31.0).
 */
import { runCommand } from './command.js';

export interface KindCreateOptions {
  readonly kindBinary: string;
  readonly name: string;
  readonly configFile: string;
  readonly image: string;
  readonly kubeconfig: string;
  readonly timeoutMs: number;
  readonly onOutput?: (line: string) => void;
}

/** kind labels every container of a cluster with this key (value: the cluster name). */
export const KIND_CLUSTER_LABEL = 'io.x-k8s.kind.cluster';
export const KIND_ROLE_LABEL = 'io.x-k8s.kind.role';

export async function createCluster(o: KindCreateOptions): Promise<void> {
  await runCommand(
    [
      o.kindBinary, 'create', 'cluster',
      '--name', o.name,
      '--config', o.configFile,
      // Every node runs this image (the offline build, or upstream's when asked for).
      '--image', o.image,
      '--kubeconfig', o.kubeconfig,
      // We wait for readiness ourselves, with our own checks and deadlines.
      '--wait', '0s',
      '--retain=false',
    ],
    {
      timeoutMs: o.timeoutMs,
      onOutput: (chunk) => {
        for (const line of chunk.split('\n')) {
          const l = line.trim();
          if (l) {
            o.onOutput?.(l);
          }
        }
      },
    },
  );
}

export async function deleteCluster(kindBinary: string, name: string, kubeconfig: string): Promise<void> {
  await runCommand([kindBinary, 'delete', 'cluster', '--name', name, '--kubeconfig', kubeconfig], { timeoutMs: 180_000 });
}

export async function getClusters(kindBinary: string): Promise<string[]> {
  const r = await runCommand([kindBinary, 'get', 'clusters'], { timeoutMs: 30_000 });
  return r.stdout.split('\n').map((s) => s.trim()).filter(Boolean);
}

export async function exportLogs(kindBinary: string, name: string, dir: string): Promise<void> {
  await runCommand([kindBinary, 'export', 'logs', dir, '--name', name], { timeoutMs: 300_000 });
}

/**
 * `kind load docker-image`: copy an image of the local Docker engine into the containerd of `nodes`
 * (k8s.io namespace), so pods with imagePullPolicy Never run it offline.
 */
export async function loadImage(kindBinary: string, name: string, nodes: readonly string[], image: string): Promise<void> {
  await runCommand([kindBinary, 'load', 'docker-image', '--name', name, '--nodes', nodes.join(','), image], { timeoutMs: 300_000 });
}
