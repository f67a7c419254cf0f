/**
 * etcd membership and leadership as the members themselves report it (etcdctl from the host).
 */
import { etcdctlJson, memberIdHex, type EtcdEndpointStatus, type EtcdMember } from '../runtime/etcdctl.js';
import type { EtcdAccess } from './etcd-access.js';

export interface EtcdClusterView {
  readonly members: readonly { readonly id: string; readonly name: string; readonly isLearner: boolean }[];
  /** One entry per endpoint that answered. */
  readonly statuses: readonly { readonly endpoint: string; readonly memberId: string; readonly leaderId: string; readonly raftTerm: number; readonly revision: number }[];
}


export async function readEtcdView(etcdctlBinary: string, access: EtcdAccess, timeoutMs = 10_000): Promise<EtcdClusterView> {
  const ctx = { etcdctlBinary, ...access.tls };
  const endpoints = [...access.endpoints.values()];
  const list = await etcdctlJson<{ members: EtcdMember[] }>(ctx, endpoints, ['member', 'list', '--hex=true'], timeoutMs);
  const status = await etcdctlJson<EtcdEndpointStatus[]>(ctx, endpoints, ['endpoint', 'status', '--hex=true'], timeoutMs);
  return {
    members: list.members.map((m) => ({ id: memberIdHex(m.ID), name: m.name, isLearner: m.isLearner === true })),
    statuses: status.map((s) => ({
      endpoint: s.Endpoint,
      memberId: memberIdHex(s.Status.header.member_id),
      leaderId: memberIdHex(s.Status.leader),
      raftTerm: s.Status.raftTerm,
      revision: s.Status.header.revision,
    })),
  };
}
