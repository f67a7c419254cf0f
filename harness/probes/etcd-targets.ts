/**
 * Which etcd members probes talk to, and the key layout they share.
 *
 * Every probe opens its OWN clients (one per member) and closes them when it stops: etcd3 resets
 * a host's channels after a failed call, and a shared client would let one probe's timeout cancel
 * another probe's queued call.
 */
import type { EtcdMemberClient, EtcdTlsFiles } from '../runtime/etcd.js';
import { openEtcdGatewayMember } from '../runtime/etcd-gateway.js';

/** The members to probe: node name -> client URL, and the TLS files (etcd-access.ts's EtcdAccess fits). */
export interface EtcdTargets {
  readonly tls: EtcdTlsFiles;
  readonly endpoints: ReadonlyMap<string, string>;
}

/** Root of every key the probes write; a run's keys live under `<root><runId>/`. */
export const PROBE_KEY_ROOT = '/kube-ha-chaos/probe/';

/** The prefix of one run's probe keys (always ends with '/'). */
export function probeKeyPrefix(runId: string): string {
  if (runId === '' || runId.includes('/')) {
    throw new Error(`runId must be non-empty and contain no '/': ${JSON.stringify(runId)}`);
  }
  return `${PROBE_KEY_ROOT}${runId}/`;
}

/** A member's node name with its own client. */
export interface MemberClient {
  readonly member: string;
  readonly client: EtcdMemberClient;
}

/**
 * Opens one client per member, in the endpoints' order. Each member's certificate is verified
 * against its node name (kubeadm's etcd certificates carry it; see EtcdMemberOptions.serverName).
 */
export function openMemberClients(targets: EtcdTargets, callTimeoutMs: number, only?: readonly string[]): MemberClient[] {
  const members = [...targets.endpoints].filter(([m]) => only === undefined || only.includes(m));
  return members.map(([member, endpoint]) => ({ member, client: openEtcdGatewayMember({ endpoint, tls: targets.tls, callTimeoutMs, serverName: member }) }));
}
