/**
 * Who holds the VIP of a vip-pair front, asked of each LB host itself: the address is on its
 * interface or not (`ip -4 -o addr show`). A host that cannot answer (paused: frozen, its address
 * list is stale; stopped; killed) makes no claim, so a paused old master that still has the address
 * configured is not taken for a holder. The parsing is pure (substrate/cluster/lb-pair.ts).
 */
import { holdsVip, LB_INTERFACE, vipOwner, type VipClaim } from '../../substrate/cluster/lb-pair.js';
import type { ClusterNode } from '../nodes/node-access.js';
import { runCommand } from '../runtime/command.js';
import { inspectContainer } from '../runtime/docker.js';

/** A host that takes longer than this to list its addresses is as good as silent. */
export const VIP_READ_TIMEOUT_MS = 2_000;

/**
 * Each host's claim, read in parallel, from THIS machine and without `docker exec`: the container's
 * state from Docker (a paused or stopped host makes no claim), then its addresses from inside its
 * network namespace (`nsenter -t <pid> -n ip ...`, as for the external etcd members). Why not exec:
 * an exec into a frozen container joins its frozen cgroup and hangs in D state, and with it Docker's
 * lock on the container, so the fault's own `docker inspect` and the heal's `docker unpause` timed out
 * after 30 s (lb-pair, 2026-12-07). The LB hosts are always containers the substrate started here.
 */
export async function readVipClaims(hosts: readonly Pick<ClusterNode, 'name'>[], vip: string): Promise<Record<string, VipClaim>> {
  const claims = await Promise.all(
    hosts.map(async (h): Promise<[string, VipClaim]> => {
      try {
        const st = await Promise.race([
          inspectContainer(h.name),
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error('docker inspect took too long')), VIP_READ_TIMEOUT_MS).unref()),
        ]);
        if (st.status !== 'running' || !(st.pid > 0)) {
          return [h.name, 'unknown'];
        }
        const r = await runCommand(['nsenter', '-t', String(st.pid), '-n', '--', 'ip', '-4', '-o', 'addr', 'show', 'dev', LB_INTERFACE], { timeoutMs: VIP_READ_TIMEOUT_MS });
        return [h.name, holdsVip(r.stdout, vip) ? 'holds' : 'free'];
      } catch {
        // Gone, or Docker did not answer in time: no claim (the caller reports which hosts did not answer).
        return [h.name, 'unknown'];
      }
    }),
  );
  return Object.fromEntries(claims);
}

/** The one VIP holder now, or undefined with why not. */
export async function currentVipOwner(hosts: readonly Pick<ClusterNode, 'name'>[], vip: string): Promise<{ readonly owner: string } | { readonly owner: undefined; readonly why: string }> {
  return vipOwner(await readVipClaims(hosts, vip));
}
