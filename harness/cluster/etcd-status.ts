/**
 * etcd membership and leadership as the members themselves report it (etcdctl from the host).
 */
import { etcdctlJson, type EtcdEndpointStatus, type EtcdMember } from '../runtime/etcdctl.js';
import type { EtcdAccess } from './etcd-access.js';

export interface EtcdClusterView {
  readonly members: readonly { readonly id: string; readonly name: string; readonly isLearner: boolean }[];
  /** One entry per endpoint that answered. */
  readonly statuses: readonly { readonly endpoint: string; readonly memberId: string; readonly leaderId: string; readonly raftTerm: number; readonly revision: number }[];
}

/** etcdctl prints 64-bit ids as JSON numbers (precision lost in JS) or strings; normalise to hex. */
export function memberIdHex(id: string | number): string {
  return typeof id === 'number' ? BigInt(Math.round(id)).toString(16) : /^\d+$/.test(id) ? BigInt(id).toString(16) : id;
}

export async function readEtcdView(etcdctlBinary: string, access: EtcdAccess, timeoutMs = 10_000): Promise<EtcdClusterView> {
  const ctx = { etcdctlBinary, ...access.tls };
  const endpoints = [...access.endpoints.values()];
  const list = await etcdctlJson<{ members: EtcdMember[] }>(ctx, endpoints, ['member', 'list', '--hex=true'], timeoutMs);
  const status = await etcdctlJson<EtcdEndpointStatus[]>(ctx, endpoints, ['endpoint', 'status', '--hex=true'], timeoutMs);
  return {
    members: list.members.map((m) => ({ id: String(m.ID), name: m.name, isLearner: m.isLearner === true })),
    statuses: status.map((s) => ({
      endpoint: s.Endpoint,
      memberId: String(s.Status.header.member_id),
      leaderId: String(s.Status.leader),
      raftTerm: s.Status.raftTerm,
      revision: s.Status.header.revision,
    })),
  };
}
