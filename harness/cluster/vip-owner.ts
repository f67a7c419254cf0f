/**
 * Who holds the VIP of a vip-pair front, asked of each LB host itself: the address is on its
 * interface or not (`ip -4 -o addr show`). A host that cannot answer (paused: frozen, its address
 * list is stale; stopped; killed) makes no claim, so a paused old master that still has the address
 * configured is not taken for a holder. The parsing is pure (substrate/cluster/lb-pair.ts).
 */
import { holdsVip, LB_INTERFACE, vipOwner, type VipClaim } from '../../substrate/cluster/lb-pair.js';
import type { ClusterNode } from '../nodes/node-access.js';

/** A host that takes longer than this to list its addresses is as good as silent. */
export const VIP_READ_TIMEOUT_MS = 2_000;

/** Each host's claim, read in parallel. */
export async function readVipClaims(hosts: readonly Pick<ClusterNode, 'name' | 'run'>[], vip: string): Promise<Record<string, VipClaim>> {
  const claims = await Promise.all(
    hosts.map(async (h): Promise<[string, VipClaim]> => {
      try {
        const r = await h.run(['ip', '-4', '-o', 'addr', 'show', 'dev', LB_INTERFACE], { timeoutMs: VIP_READ_TIMEOUT_MS });
        return [h.name, holdsVip(r.stdout, vip) ? 'holds' : 'free'];
      } catch {
        // Paused, stopped or gone: no claim (the caller reports which hosts did not answer).
        return [h.name, 'unknown'];
      }
    }),
  );
  return Object.fromEntries(claims);
}

/** The one VIP holder now, or undefined with why not. */
export async function currentVipOwner(hosts: readonly Pick<ClusterNode, 'name' | 'run'>[], vip: string): Promise<{ readonly owner: string } | { readonly owner: undefined; readonly why: string }> {
  return vipOwner(await readVipClaims(hosts, vip));
}
