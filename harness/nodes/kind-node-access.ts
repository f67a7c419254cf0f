/**
 * The node access of a kind cluster: its containers, found by kind's cluster label, with kind's role
 * label mapped onto NodeRole, reached through Docker (harness/runtime/docker-nodes.ts).
 *
 * `nodeAccessForCluster` is the one place that decides how a cluster's machines are reached. Every
 * cluster today is a kind cluster this harness created; issue 11's targets (a kubeconfig context plus
 * ssh or agent access) will be chosen here, from what the target says, and nowhere else.
 */
import { ETCD_CLUSTER_LABEL, ETCD_ROLE, ETCD_ROLE_LABEL } from '../../substrate/cluster/etcd-members.js';
import { LB_CLUSTER_LABEL, LB_ROLE, LB_ROLE_LABEL } from '../../substrate/cluster/lb-pair.js';
import { dockerNode, dockerNodeAccess, type DockerInventoryEntry } from '../runtime/docker-nodes.js';
import { kindContainers, labelledContainers } from '../runtime/docker.js';
import type { ClusterNode, NodeProvider, NodeRole } from './node-access.js';

/** Pure: kind's `io.x-k8s.kind.role` label value as roles (kind v0.31 knows these three). */
export function rolesOfKindLabel(label: string): NodeRole[] {
  switch (label) {
    case 'control-plane':
      return ['control-plane'];
    case 'worker':
      return ['worker'];
    case 'external-load-balancer':
      return ['load-balancer'];
    default:
      // A container with the cluster's label and a role kind does not document: listed (so a paused
      // one is still seen and healed), but never chosen as a target of any role.
      return [];
  }
}

/**
 * Pure: the containers of a kind cluster as machines: kind's own (by kind's labels) and the external
 * etcd members `cluster up` started beside them (by ours: role `external-etcd`, listed with NodeRole
 * `etcd`). A member's image has no userland, so its commands run from the host in its netns.
 * The LB hosts of a vip-pair front (ours: role `vip-lb`) are load balancers like kind's own, with
 * a userland (keepalived, haproxy, ip): their commands run in them.
 */
export function kindInventory(
  kind: readonly { name: string; state: string; role: string }[],
  members: readonly { name: string; state: string; role: string }[],
  lbHosts: readonly { name: string; state: string; role: string }[] = [],
): DockerInventoryEntry[] {
  return [
    ...kind.map((c) => ({ name: c.name, roles: rolesOfKindLabel(c.role), state: c.state })),
    ...members.filter((c) => c.role === ETCD_ROLE).map((c) => ({ name: c.name, roles: ['etcd'] as NodeRole[], state: c.state, commands: 'host-netns' as const })),
    ...lbHosts.filter((c) => c.role === LB_ROLE).map((c) => ({ name: c.name, roles: ['load-balancer'] as NodeRole[], state: c.state })),
  ];
}

export function kindNodeAccess(cluster: string): NodeProvider {
  return dockerNodeAccess({
    description: `docker containers of kind cluster ${cluster}`,
    inventory: async () => {
      const [kind, members, lbHosts] = await Promise.all([
        kindContainers(cluster),
        labelledContainers([`${ETCD_CLUSTER_LABEL}=${cluster}`, `${ETCD_ROLE_LABEL}=${ETCD_ROLE}`], ETCD_ROLE_LABEL),
        labelledContainers([`${LB_CLUSTER_LABEL}=${cluster}`, `${LB_ROLE_LABEL}=${LB_ROLE}`], LB_ROLE_LABEL),
      ]);
      return kindInventory(kind, members, lbHosts);
    },
  });
}

/** How the machines of cluster `name` are reached. */
export function nodeAccessForCluster(name: string): NodeProvider {
  return kindNodeAccess(name);
}

/**
 * Control-plane nodes from bare names, for callers that still pass `cluster.controlPlanes` (names)
 * where a node is needed (openEtcdAccess). Only right for kind clusters, which is every cluster
 * today; pass `cluster.controlPlaneNodes` instead and this goes away.
 */
export function kindControlPlanesNamed(names: readonly string[]): ClusterNode[] {
  return names.map((n) => dockerNode(n, ['control-plane']));
}
