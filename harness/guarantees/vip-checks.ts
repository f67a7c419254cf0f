/**
 * The lb-failover checks of a vip-pair front: when the LB host holding the VIP is lost, the VIP moves
 * to the other host within VRRP's bound (judged by harness/checks/vip-failover.ts on the VIP probe's
 * connects and owner polls), and the API through the VIP is back within that bound plus one request
 * deadline. Conventions and helpers: control-plane-checks.ts.
 */
import type { FaultWindow, History } from '../probes/history.js';
import { invokedIn, longestOutage } from '../checks/availability.js';
import { judgeVipFailover, type ConnectSample, type OwnerSample, type VipFailoverJudgement, type VipFaultKind } from '../checks/vip-failover.js';
import { VIP_PROBE_SETTINGS } from './control-plane-thresholds.js';
import { runStages, verdict, type Verdict } from '../checks/verdict.js';
import { ms, requireFaults, threshold, type CheckedGuarantee } from './check-helpers.js';
import { throughLb, type ControlPlaneCheck } from './control-plane-checks.js';

/** The VIP probe's names in the history (harness/probes/vip-probe.ts). */
export const VIP_CONNECT_PROBE_NAME = 'vip-connect';

/** kill / stop / pause, from the fault id (inject.ts names a fault `<spec kind>-<hex>`). */
export function vipFaultKindOf(faultId: string): VipFaultKind | undefined {
  if (faultId.startsWith('kill-container-')) {
    return 'kill';
  }
  if (faultId.startsWith('stop-container-')) {
    return 'stop';
  }
  return faultId.startsWith('pause-container-') ? 'pause' : undefined;
}

/** The last single holder seen before `atMs`. */
export function vipOwnerBefore(history: History, atMs: number): string | undefined {
  return history
    .ofKind('vip-owner')
    .filter((o) => o.atMs < atMs)
    .at(-1)?.owner;
}

function connectSamples(history: History): ConnectSample[] {
  return history.operations({ probe: VIP_CONNECT_PROBE_NAME }).map((o) => ({ invokedAtMs: o.invokedAtMs, completedAtMs: o.completedAtMs, ok: o.outcome === 'ok' }));
}

function ownerSamples(history: History): OwnerSample[] {
  return history.ofKind('vip-owner').map((o) => ({ atMs: o.atMs, owner: o.owner }));
}

/** The owner poll's interval, from its observations (median gap), or the probe's setting. */
function ownerPollIntervalMs(history: History): number {
  const at = history.ofKind('vip-owner').map((o) => o.atMs);
  const gaps = at.slice(1).map((t, i) => t - (at[i] as number)).sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)] ?? VIP_PROBE_SETTINGS.ownerIntervalMs;
}

/** A frozen holder: the move, timed by the owner polls, must fit the bound plus one poll interval. */
function judgePausedHolder(j: VipFailoverJudgement, boundMs: number, pollMs: number): { readonly status: 'pass' | 'fail' | 'inconclusive'; readonly reason: string } {
  const movedAfter = j.measured.ownerMovedAfterMs;
  const accepted = j.measured.connects - j.measured.failedConnects;
  if (movedAfter === undefined) {
    return { status: 'fail', reason: `the VIP never moved off ${j.ownerBefore ?? '?'} while it was frozen` };
  }
  const limit = Math.round(boundMs + pollMs);
  const how = `the VIP moved ${j.ownerBefore ?? '?'} -> ${j.ownerAfter ?? '?'}, first seen ${movedAfter} ms after the freeze (owner polled every ${Math.round(pollMs)} ms; bound ${limit} ms = ${boundMs} + one poll); ${accepted} of ${j.measured.connects} connects to the VIP succeeded, because a frozen host's kernel still completes TCP handshakes: a connect check cannot see a hung LB`;
  return movedAfter > limit ? { status: 'fail', reason: `${how}: too late` } : { status: 'pass', reason: how };
}

/** Why this history cannot judge a VIP failover of `f`, or undefined. */
function notAVipFailover(history: History, g: CheckedGuarantee, f: FaultWindow, owner: string | undefined): Verdict | undefined {
  if (vipFaultKindOf(f.faultId) === undefined) {
    return verdict(g.id, 'inconclusive', `fault ${f.faultId} (${f.summary}) does not take an LB host down`);
  }
  if (owner === undefined) {
    return verdict(g.id, 'inconclusive', `no single VIP holder was seen before fault ${f.faultId}: nothing to fail over from`);
  }
  if (!f.targets.includes(owner) || f.targets.length !== 1) {
    return verdict(g.id, 'inconclusive', `fault ${f.faultId} hit ${f.targets.join(', ')}, but ${owner} held the VIP: this guarantee is about losing the holder alone`);
  }
  return history.operations({ probe: VIP_CONNECT_PROBE_NAME }).length === 0 ? verdict(g.id, 'inconclusive', 'no VIP connect probe in this history') : undefined;
}

/**
 * The VIP moves off the lost holder to the other host (the proof the fault hit), and clients'
 * connects to the VIP fail for no longer than VRRP's bound: Master_Down_Interval when the holder is
 * killed or frozen, Skew_Time when it stops cleanly (priority 0).
 */
export const checkVipFailsOver: ControlPlaneCheck = (history, g, ctx) =>
  runStages(g.id, [
    () => (ctx.derived.flags.vrrp === undefined ? verdict(g.id, 'inconclusive', 'no vip-pair front: no keepalived.conf was read from LB hosts') : verdict(g.id, 'pass', '')),
    () => {
      const r = requireFaults(history, g);
      if (!r.ok) {
        return r.verdict;
      }
      const vrrp = ctx.derived.flags.vrrp;
      const limits = { maxVipFailoverMs: threshold(g, 'maxVipFailoverMs'), maxVipCleanFailoverMs: threshold(g, 'maxVipCleanFailoverMs'), minAttemptsInWindow: threshold(g, 'minAttemptsInWindow') };
      const parts: string[] = [];
      let measured: Record<string, number> = {};
      for (const f of r.faults) {
        const owner = vipOwnerBefore(history, f.issuedAtMs);
        const unfit = notAVipFailover(history, g, f, owner);
        if (unfit !== undefined) {
          return unfit;
        }
        const kind = vipFaultKindOf(f.faultId) as VipFaultKind;
        const boundMs = kind === 'stop' ? limits.maxVipCleanFailoverMs : limits.maxVipFailoverMs;
        // From the issue, not the confirmation: clients may lose the VIP before `docker kill` returns.
        const j = judgeVipFailover({
          kind,
          injectedAtMs: f.issuedAtMs,
          windowEndMs: f.healIssuedAtMs ?? f.healedAtMs ?? history.endMs(),
          ownerBefore: owner,
          connects: connectSamples(history),
          owners: ownerSamples(history),
          advertIntervalS: vrrp?.advertIntervalS ?? 1,
          backupPriority: vrrp?.backupPriority ?? 100,
          allowanceMs: 0,
          minConnects: limits.minAttemptsInWindow,
          boundMs,
        });
        measured = {
          ...measured,
          ...(j.measured.connectOutageMs === undefined ? {} : { vipOutageMs: j.measured.connectOutageMs }),
          ...(j.measured.ownerMovedAfterMs === undefined ? {} : { ownerMovedAfterMs: j.measured.ownerMovedAfterMs }),
          vipConnects: j.measured.connects,
          vipFailedConnects: j.measured.failedConnects,
          vipStrayFailedConnects: j.measured.strayFailedConnects,
        };
        if (kind === 'pause') {
          // A frozen host's processes stop, its kernel does not: it still completes TCP handshakes on
          // the VIP (measured: every connect succeeded through a 3.3 s freeze), so connects cannot time
          // this move. The owner polls can, to their interval; the API probe shows what clients lost.
          const pause = judgePausedHolder(j, boundMs, ownerPollIntervalMs(history));
          if (pause.status !== 'pass') {
            return verdict(g.id, pause.status, `fault ${f.faultId}: ${pause.reason}`, measured, limits);
          }
          parts.push(pause.reason);
          continue;
        }
        if (j.outcome !== 'pass') {
          return verdict(g.id, j.outcome, `fault ${f.faultId}: ${j.reason}`, measured, limits);
        }
        parts.push(j.reason);
      }
      return verdict(g.id, 'pass', parts.join('; '), measured, limits);
    },
  ]);

/**
 * The API through the VIP (what kubectl and the workers' kubelets use) is back within the failover
 * bound plus one request deadline: a request sent to the lost holder waits out its deadline, the
 * next goes to the new holder. Measured as the longest outage of the through-VIP API probes.
 */
export const checkApiSurvivesVipFailover: ControlPlaneCheck = (history, g, ctx) =>
  runStages(g.id, [
    () => {
      const r = requireFaults(history, g);
      if (!r.ok) {
        return r.verdict;
      }
      const bound = threshold(g, 'maxApiOutageThroughVipMs');
      const minAttempts = threshold(g, 'minAttemptsInWindow');
      const limits = { maxApiOutageThroughVipMs: bound, minAttemptsInWindow: minAttempts };
      if (ctx.derived.flags.vrrp === undefined) {
        return verdict(g.id, 'inconclusive', 'no vip-pair front: no keepalived.conf was read from LB hosts', {}, limits);
      }
      const lb = throughLb(history, ctx);
      let worst = 0;
      let failed = 0;
      for (const f of r.faults) {
        const w = { startMs: f.issuedAtMs, endMs: f.healIssuedAtMs ?? f.healedAtMs ?? history.endMs() };
        const attempts = invokedIn(lb, w);
        if (attempts.length < minAttempts) {
          return verdict(g.id, 'inconclusive', `only ${attempts.length} API requests through the VIP while ${f.summary} (need ${minAttempts})`, {}, limits);
        }
        const o = longestOutage(lb, w);
        failed = Math.max(failed, o?.nonOkCount ?? 0);
        if (o !== undefined && !o.ended) {
          return verdict(g.id, 'fail', `the API through the VIP did not answer again before the heal of ${f.faultId} (${o.nonOkCount} requests failed from ${ms(o.startMs - f.issuedAtMs)} after the fault)`, { apiOutageThroughVipMs: Math.round(o.durationMs) }, limits);
        }
        worst = Math.max(worst, o?.durationMs ?? 0);
      }
      const measured = { apiOutageThroughVipMs: Math.round(worst), failedInLongestOutage: failed };
      return worst > bound
        ? verdict(g.id, 'fail', `the API through the VIP was out for ${ms(worst)}, over the ${ms(bound)} bound`, measured, limits)
        : verdict(g.id, 'pass', `the API through the VIP was out for at most ${ms(worst)} (${failed} requests failed in that outage), within ${ms(bound)}`, measured, limits);
    },
  ]);
