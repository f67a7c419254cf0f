/**
 * What `cluster up` created, kept next to the kubeconfig so later commands (and the suites) know the
 * topology, image and binaries without asking kind again.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterInfo } from '../../harness/cluster/cluster-handle.js';
import { cachePath } from '../paths.js';

/** The same record the suites receive (harness/cluster/cluster-handle.ts ClusterInfo). */
export type ClusterState = ClusterInfo;

export function clusterDir(name: string): string {
  return cachePath('clusters', name);
}

export function kubeconfigPath(name: string): string {
  return join(clusterDir(name), 'kubeconfig');
}

export function readClusterState(name: string): ClusterState | undefined {
  const f = join(clusterDir(name), 'state.json');
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as ClusterState) : undefined;
}

export function writeClusterState(s: ClusterState): void {
  mkdirSync(clusterDir(s.name), { recursive: true, mode: 0o700 });
  writeFileSync(join(clusterDir(s.name), 'state.json'), `${JSON.stringify(s, null, 2)}\n`, { mode: 0o600 });
}

export function removeClusterState(name: string): void {
  rmSync(clusterDir(name), { recursive: true, force: true });
}
