/**
 * Small pieces every control-plane check shares: the windows a fault defines, threshold lookup, the
 * probe-rate precondition, and number formatting for reasons.
 *
 * Window conventions (the same as etcd-quorum-checks.ts):
 * - durations FROM a fault run from `issuedAtMs` (the fault took effect no earlier), so a measured
 *   time is an upper bound on the true one: safe to compare with a maximum;
 * - "nothing may succeed" uses the CONFIRMED window [injectedAtMs, healIssuedAtMs);
 * - "everything must keep working" uses the OUTER window [issuedAtMs, healedAtMs).
 */
import { LEASE_WATCH_VIA, type FaultWindow, type History, type PollerKind } from '../probes/history.js';
import { probeRate, type TimeWindow } from '../checks/availability.js';
import { verdict, type Verdict } from '../checks/verdict.js';

/** The part of a Guarantee a check reads. */
export interface CheckedGuarantee {
  readonly id: string;
  readonly thresholds: Readonly<Record<string, number>>;
}

/** A threshold the guarantee must carry (a missing one is a catalogue bug, so it throws). */
export function threshold(g: CheckedGuarantee, name: string): number {
  const v = g.thresholds[name];
  if (v === undefined) {
    throw new Error(`guarantee ${g.id} has no threshold ${name}`);
  }
  return v;
}

export const ms = (n: number): string => `${Math.round(n).toLocaleString('en-US')} ms`;
export const pct = (r: number): string => `${(r * 100).toFixed(r >= 0.9995 || r === 0 ? 0 : 1)}%`;

/** The baseline phase, or (without phase marks) everything before the first fault. */
export function baselineWindow(history: History): TimeWindow | undefined {
  const p = history.phase('baseline');
  if (p !== undefined) {
    return { startMs: p.startMs, endMs: p.endMs };
  }
  const first = history.faultWindows()[0];
  return first === undefined ? undefined : { startMs: history.startMs(), endMs: first.issuedAtMs };
}

/** Whole fault window, from issue to confirmed heal (or the end of the history). */
export function outerWindow(f: FaultWindow, history: History): TimeWindow {
  return { startMs: f.issuedAtMs, endMs: f.healedAtMs ?? history.endMs() };
}

/** The window in which the fault was confirmed in effect. */
export function confirmedWindow(f: FaultWindow, history: History): TimeWindow {
  return { startMs: f.injectedAtMs, endMs: f.healIssuedAtMs ?? f.healedAtMs ?? history.endMs() };
}

/**
 * How long a fault was held: from its issue to the issue of its heal (the undo). The heal's own
 * verification afterwards (waiting until every process, lease and node is back, which after a hang of
 * all apiservers took ~40 s on ha-3cp) is recovery, not outage. Falls back to the confirmed heal,
 * then to the end of the history.
 */
export function heldMs(f: FaultWindow, history: History): number {
  return (f.healIssuedAtMs ?? f.healedAtMs ?? history.endMs()) - f.issuedAtMs;
}

/** The recorded faults, or an inconclusive verdict when there are none. */
export function requireFaults(history: History, g: CheckedGuarantee): { readonly ok: true; readonly faults: readonly FaultWindow[] } | { readonly ok: false; readonly verdict: Verdict } {
  const faults = history.faultWindows();
  return faults.length === 0 ? { ok: false, verdict: verdict(g.id, 'inconclusive', 'no fault was recorded in this history') } : { ok: true, faults };
}

/** One probe whose baseline rate is a precondition. */
export type RateRequirement =
  | {
      readonly kind: 'ops';
      /** Probe name in the history. */
      readonly probe: string;
      /** Threshold name of the minimum rate (per target when perTarget). */
      readonly minName: string;
      /** Judge each target's worker separately (per-apiserver probes). */
      readonly perTarget?: boolean;
      /** A probe that may be absent (then it is skipped rather than inconclusive). */
      readonly optional?: boolean;
    }
  | {
      readonly kind: 'polls';
      readonly poller: PollerKind;
      readonly minName: string;
      readonly optional?: boolean;
    };

/**
 * Whether `count` samples over `seconds` meet a rate floor, judged in whole samples: a 4 s baseline
 * at 2 Hz holds 8 slots, and 0.9 of that is 7.2, so 7 samples (one slot lost to timer jitter) is
 * enough while 6 is not. Comparing raw rates instead would call one late tick in a short window
 * "too sparse" (7/4 s = 1.75/s < 1.8/s), which says nothing about the probe's resolution.
 */
export function meetsRateFloor(count: number, seconds: number, minPerSecond: number): boolean {
  return seconds > 0 && count >= Math.max(1, Math.floor(minPerSecond * seconds + 1e-9));
}

/** Distinct poll instants (observations or poll errors) of one poller inside a window. */
function pollCount(history: History, poller: PollerKind, w: TimeWindow): number {
  const instants = new Set<number>();
  const inW = (t: number): boolean => t >= w.startMs && t < w.endMs;
  for (const e of history.entries()) {
    // A lease watch's records are not polls (history.ts, LEASE_WATCH_VIA).
    if (e.kind === poller && 'atMs' in e && inW(e.atMs) && !(e.kind === 'lease' && e.via === LEASE_WATCH_VIA)) {
      instants.add(e.atMs);
    } else if (e.kind === 'poll-error' && e.poller === poller && inW(e.atMs)) {
      instants.add(e.atMs);
    }
  }
  return instants.size;
}

/**
 * Assumption stage: every required probe sampled the baseline at least at its minimum rate (a sparse
 * probe cannot resolve the times the guarantee bounds). Passes with an empty reason.
 */
export function rateStage(history: History, g: CheckedGuarantee, reqs: readonly RateRequirement[]): Verdict {
  const base = baselineWindow(history);
  if (base === undefined) {
    return verdict(g.id, 'inconclusive', 'no baseline phase (and no fault) recorded: cannot judge the probe rates');
  }
  const measured: Record<string, number> = {};
  const limits: Record<string, number> = {};
  for (const r of reqs) {
    const min = threshold(g, r.minName);
    limits[r.minName] = min;
    if (r.kind === 'ops') {
      const ops = history.operations({ probe: r.probe });
      if (ops.length === 0) {
        if (r.optional === true) {
          continue;
        }
        return verdict(g.id, 'inconclusive', `probe ${r.probe} recorded nothing: it must run for this guarantee`, measured, limits);
      }
      // Per target: the workers that ran in the baseline (a target that only appears later, e.g. a
      // request to a node a fault took down, has no baseline rate to judge).
      const inBase = ops.filter((o) => o.invokedAtMs >= base.startMs && o.invokedAtMs < base.endMs);
      const targets = r.perTarget === true ? [...new Set(inBase.map((o) => o.target))] : [undefined];
      if (targets.length === 0) {
        return verdict(g.id, 'inconclusive', `probe ${r.probe} recorded nothing in the baseline`, measured, limits);
      }
      for (const t of targets) {
        const pr = probeRate(t === undefined ? ops : ops.filter((o) => o.target === t), base);
        const rate = pr.opsPerSecond;
        const key = `baseline.${r.probe}${t === undefined ? '' : `.${t}`}.opsPerSecond`;
        measured[key] = rate;
        if (!meetsRateFloor(pr.count, (base.endMs - base.startMs) / 1_000, min)) {
          return verdict(g.id, 'inconclusive', `probe ${r.probe}${t === undefined ? '' : ` (${t})`} ran at ${rate.toFixed(2)}/s in the baseline (${pr.count} in ${((base.endMs - base.startMs) / 1_000).toFixed(1)} s), below ${min.toFixed(2)}/s even in whole samples: too sparse to trust`, measured, limits);
        }
      }
    } else {
      const any = history.entries().some((e) => e.kind === r.poller || (e.kind === 'poll-error' && e.poller === r.poller));
      if (!any) {
        if (r.optional === true) {
          continue;
        }
        return verdict(g.id, 'inconclusive', `no ${r.poller} observations were recorded: the ${r.poller} poller must run for this guarantee`, measured, limits);
      }
      const seconds = (base.endMs - base.startMs) / 1_000;
      const count = pollCount(history, r.poller, base);
      const rate = seconds > 0 ? count / seconds : 0;
      measured[`baseline.${r.poller}.pollsPerSecond`] = rate;
      if (!meetsRateFloor(count, seconds, min)) {
        return verdict(g.id, 'inconclusive', `the ${r.poller} poller ran at ${rate.toFixed(2)}/s in the baseline (${count} in ${seconds.toFixed(1)} s), below ${min.toFixed(2)}/s even in whole samples`, measured, limits);
      }
    }
  }
  return verdict(g.id, 'pass', '', measured, limits);
}
