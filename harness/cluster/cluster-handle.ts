/**
 * A handle on the running cluster for suites: its nodes by role, how to reach its API (kubectl),
 * etcd (etcdctl) and its load balancer. Built from what `cluster up` recorded plus Docker's view.
 */
import { kindContainers } from '../runtime/docker.js';
import type { KubectlContext } from '../runtime/kubectl.js';

/** What `cluster up` records (substrate/cluster/cluster-state.ts) and the global setup provides. */
export interface ClusterInfo {
  readonly name: string;
  readonly topology: string;
  readonly topologyFile: string;
  readonly nodeImage: string;
  readonly kindBinary: string;
  readonly kubectlBinary: string;
  readonly etcdctlBinary: string;
  readonly kubeconfig: string;
  readonly createdAt: string;
}

export interface ClusterHandle {
  readonly info: ClusterInfo;
  readonly kubectl: KubectlContext;
  readonly controlPlanes: readonly string[];
  readonly workers: readonly string[];
  readonly loadBalancer: string;
}

export async function openCluster(info: ClusterInfo): Promise<ClusterHandle> {
  const containers = await kindContainers(info.name);
  const byRole = (role: string): string[] => containers.filter((c) => c.role === role).map((c) => c.name);
  const lb = byRole('external-load-balancer')[0];
  if (lb === undefined) {
    throw new Error(`cluster ${info.name} has no external load balancer: not an HA topology`);
  }
  return {
    info,
    kubectl: { kubectlBinary: info.kubectlBinary, kubeconfig: info.kubeconfig },
    controlPlanes: byRole('control-plane'),
    workers: byRole('worker'),
    loadBalancer: lb,
  };
}
