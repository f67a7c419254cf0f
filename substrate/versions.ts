/** Typed access to substrate/versions.json: every pinned input of the offline build. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

export interface Versions {
  readonly kind: string;
  readonly kubernetes: string;
  readonly etcd: string;
  readonly coredns: string;
  readonly pause: string;
  readonly debianSuite: string;
  readonly debianMirror: string;
  readonly images: {
    readonly etcd: string;
    readonly coredns: string;
    readonly pause: string;
    readonly podnet: string;
    readonly workload: string;
    readonly haproxy: string;
    readonly nodeRepository: string;
    readonly baseRepository: string;
  };
  readonly upstreamNodeImage: string;
}

let cached: Versions | undefined;
export function versions(): Versions {
  cached ??= JSON.parse(readFileSync(join(repoRoot(), 'substrate/versions.json'), 'utf8')) as Versions;
  return cached;
}

/** "v1.34.10" -> { major: 1, minor: 34, patch: 10 } */
export function parseSemver(v: string): { major: number; minor: number; patch: number } {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(v);
  if (!m) {
    throw new Error(`not a version: ${v}`);
  }
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

/** The registry.k8s.io references kubeadm uses for the control-plane images of this version. */
export function kubernetesImageRefs(kubeVersion: string): Record<'apiserver' | 'controllerManager' | 'scheduler' | 'proxy', string> {
  return {
    apiserver: `registry.k8s.io/kube-apiserver:${kubeVersion}`,
    controllerManager: `registry.k8s.io/kube-controller-manager:${kubeVersion}`,
    scheduler: `registry.k8s.io/kube-scheduler:${kubeVersion}`,
    proxy: `registry.k8s.io/kube-proxy:${kubeVersion}`,
  };
}
