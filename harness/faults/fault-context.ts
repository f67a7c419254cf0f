/**
 * Build a FaultContext for a run on the live cluster: the membership view asks etcd itself who
 * leads (etcdctl endpoint status), at the moment a fault is injected.
 */
import type { ClusterHandle } from '../cluster/cluster-handle.js';
import type { EtcdAccess } from '../cluster/etcd-access.js';
import { readEtcdView } from '../cluster/etcd-status.js';
import { kubectlJson } from '../runtime/kubectl.js';
import type { MonotonicClock } from '../probes/clock.js';
import type { History } from '../probes/history.js';
import type { MembershipView, Random } from '../targets/select.js';
import type { FaultContext } from './context.js';
import { FaultJournal } from './journal.js';

/** Lease name -> node of its holder (holderIdentity is "<node>_<uuid>"); empty when the API is down. */
export async function leaseHolders(cluster: ClusterHandle): Promise<Record<string, string | undefined>> {
  try {
    const leases = await kubectlJson<{ items: { metadata: { name: string }; spec: { holderIdentity?: string } }[] }>(
      cluster.kubectl, ['-n', 'kube-system', 'get', 'leases'], 8_000,
    );
    return Object.fromEntries(leases.items.map((l) => [l.metadata.name, l.spec.holderIdentity?.split('_')[0]]));
  } catch {
    return {};
  }
}

export async function liveMembership(cluster: ClusterHandle, etcd: EtcdAccess): Promise<MembershipView> {
  const [view, holders] = await Promise.all([readEtcdView(cluster.info.etcdctlBinary, etcd, 8_000), leaseHolders(cluster)]);
  const leaderIds = new Set(view.statuses.map((s) => s.leaderId).filter((id) => id !== '0'));
  const leaderId = leaderIds.size === 1 ? [...leaderIds][0] : undefined;
  return {
    members: view.members.map((m) => m.name),
    leader: leaderId === undefined ? undefined : view.members.find((m) => m.id === leaderId)?.name,
    leaseHolders: holders,
    // External etcd: the members are not the control planes; faults on the other components select over these.
    ...(cluster.layout.etcd.mode === 'external' ? { controlPlanes: cluster.controlPlanes } : {}),
  };
}

export function createFaultContext(o: {
  runId: string;
  cluster: ClusterHandle;
  etcd: EtcdAccess;
  clock: MonotonicClock;
  history: History;
  random: Random;
  healTimeoutMs?: number;
}): FaultContext {
  return {
    runId: o.runId,
    cluster: o.cluster,
    etcd: o.etcd,
    clock: o.clock,
    history: o.history,
    journal: FaultJournal.forCluster(o.cluster.info.name),
    random: o.random,
    membership: () => liveMembership(o.cluster, o.etcd),
    // Above the kubelet's 5-minute cap on crash-loop back-off: a member killed several times in a
    // run is restarted only after 10, 20, 40 ... 300 s, and the heal must wait for it.
    healTimeoutMs: o.healTimeoutMs ?? 360_000,
  };
}
