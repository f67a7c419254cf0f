/**
 * What a client of a vip-pair front sees, and who serves it: TCP connects to VIP:6443 from the host
 * (several workers, short deadline, no retry: an `op` each, probe `vip-connect`, target `vip`), and
 * polls of which LB host has the VIP on its interface (a `vip-owner` entry each, with every host's
 * claim). A connect, not an HTTPS request: the failover under test is the VIP's move (VRRP and
 * gratuitous ARP), and a TLS handshake through haproxy to an apiserver would fold the apiserver's
 * latency into it; the API probe beside it measures what the API's clients see.
 *
 * The cadence is the one scripts/bench-vip-failover.ts measured against an independent prober
 * (agreement within 150 ms): 4 workers 40 ms apart with a 200 ms deadline resolve the failover to
 * about 60 ms; the owner poll (a docker exec per host) runs at 1 Hz (control-plane-thresholds.ts says why).
 */
import { readVipClaims } from '../cluster/vip-owner.js';
import { tcpConnect } from '../runtime/tcp.js';
import { vipOwner } from '../../substrate/cluster/lb-pair.js';
import type { ClusterNode } from '../nodes/node-access.js';
import { VIP_PROBE_SETTINGS } from '../guarantees/control-plane-thresholds.js';
import { workersProbe, type WorkerSpec } from './poller.js';
import type { Probe, ProbeContext } from './probe.js';

/** The probe's names in the history. */
export const VIP_CONNECT_PROBE = 'vip-connect';
export const VIP_OWNER_POLLER = 'vip-owner';


export interface VipProbeOptions {
  readonly vip: string;
  readonly port: number;
  /** The LB hosts, asked who holds the VIP. */
  readonly hosts: readonly Pick<ClusterNode, 'name' | 'run'>[];
  readonly connectWorkers?: number;
  /** Each worker's interval; the workers are staggered so together they connect every interval / workers. */
  readonly connectIntervalMs?: number;
  readonly connectTimeoutMs?: number;
  readonly ownerIntervalMs?: number;
}

/** Builds the probe (not started). */
export function vipProbe(ctx: ProbeContext, o: VipProbeOptions): Probe {
  const workers = o.connectWorkers ?? VIP_PROBE_SETTINGS.connectWorkers;
  const intervalMs = o.connectIntervalMs ?? VIP_PROBE_SETTINGS.connectIntervalMs;
  const timeoutMs = o.connectTimeoutMs ?? VIP_PROBE_SETTINGS.connectTimeoutMs;
  const connect = (stagger: number): WorkerSpec => {
    let first = true;
    return {
      label: `${VIP_CONNECT_PROBE}-${stagger}`,
      intervalMs,
      task: async () => {
        if (first) {
          // Staggered starts spread the workers over the interval (else they connect in bursts).
          first = false;
          await new Promise((r) => setTimeout(r, (stagger * intervalMs) / workers));
        }
        const invokedAtMs = ctx.clock.nowMs();
        const r = await tcpConnect(o.vip, o.port, timeoutMs);
        const completedAtMs = ctx.clock.nowMs();
        ctx.history.record({
          kind: 'op',
          probe: VIP_CONNECT_PROBE,
          op: 'tcp-connect',
          target: 'vip',
          invokedAtMs,
          completedAtMs,
          outcome: r.outcome === 'ok' ? 'ok' : r.outcome === 'timeout' ? 'unknown' : 'fail',
          ...(r.outcome === 'fail' ? { error: r.error } : r.outcome === 'timeout' ? { error: `no connect within ${timeoutMs} ms` } : {}),
        });
      },
    };
  };
  const owner: WorkerSpec = {
    label: VIP_OWNER_POLLER,
    intervalMs: o.ownerIntervalMs ?? VIP_PROBE_SETTINGS.ownerIntervalMs,
    task: async () => {
      const claims = await readVipClaims(o.hosts, o.vip);
      const atMs = ctx.clock.nowMs();
      const v = vipOwner(claims);
      ctx.history.record({ kind: 'vip-owner', atMs, vip: o.vip, claims: Object.entries(claims).map(([h, c]) => `${h}=${c}`).sort(), ...(v.owner === undefined ? { why: v.why } : { owner: v.owner }) });
    },
  };
  return workersProbe(ctx, { name: VIP_CONNECT_PROBE, workers: [...Array.from({ length: workers }, (_, i) => connect(i)), owner] });
}
