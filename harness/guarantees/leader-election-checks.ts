/**
 * The leader-election checks over Lease observations and work operations.
 * Conventions, probe names and the shared helpers: control-plane-checks.ts.
 */
import type { History, Operation } from '../probes/history.js';
import { invokedIn } from '../checks/availability.js';
import { handoverAfter, holderNode, leaseSequenceReport, microTimeMs, releaseRecordBetween } from '../checks/lease-holders.js';
import { leaseLogReport } from '../checks/lease-logs.js';
import { lastBefore } from '../checks/observed-states.js';
import { runStages, verdict } from '../checks/verdict.js';
import { baselineWindow, ms, outerWindow, rateStage, requireFaults, threshold, type CheckedGuarantee, type RateRequirement } from './check-helpers.js';
import { LEADER_ELECTION_DEFAULTS } from './component-flags.js';
import { noResult, type ControlPlaneCheck, type ControlPlaneCheckContext } from './control-plane-checks.js';
import { deriveLeaseBounds, leaseBoundKey, type LeaseBoundName } from './control-plane-thresholds.js';
import { componentElections } from './leader-election-config.js';

const LEASE_RATE: RateRequirement = { kind: 'polls', poller: 'lease', minName: 'minLeasePollsPerSecond' };

/** A bound for one Lease, and the threshold name it is reported under. */
export interface LeaseBound {
  readonly key: string;
  readonly ms: number;
}

/**
 * The bound `name` for `lease`, from that lease's own component's flags (`maxAbruptHandoverMs.<lease>`):
 * never another lease's. A lease whose component's flags were not read is judged by the duration its
 * own record states (leaseDurationSeconds, with client-go's default retry), or by client-go's
 * defaults when no record says one.
 */
export function leaseBound(history: History, g: CheckedGuarantee, ctx: ControlPlaneCheckContext, name: LeaseBoundName, lease: string): LeaseBound {
  const key = leaseBoundKey(name, lease);
  const own = g.thresholds[key];
  if (own !== undefined) {
    return { key, ms: own };
  }
  // A release record says 1 s; the holder's own records say its real duration.
  const stated = history.leaseObservations(lease).find((o) => o.holder !== '' && o.durationS !== undefined && o.durationS > 1)?.durationS;
  if (stated !== undefined && stated * 1_000 !== LEADER_ELECTION_DEFAULTS.leaseDurationMs) {
    const b = deriveLeaseBounds(lease, { ...LEADER_ELECTION_DEFAULTS, leaseDurationMs: stated * 1_000 }, ctx.derived.probes, ctx.derived.allowances);
    return { key, ms: b.values[name] };
  }
  return { key: name, ms: threshold(g, name) };
}

/** Renewal interval a live holder keeps (client-go renews every retry period): twice that separates alive from dead. */
function renewAdvanceMs(ctx: ControlPlaneCheckContext, lease: string): number {
  return 2 * (ctx.derived.flags.leaderElection[lease]?.retryPeriodMs ?? ctx.derived.leaderElection.retryPeriodMs);
}

/**
 * Before any fault, every leader-election lease has a holder that keeps renewing, and each
 * leader-electing component has its Lease: one Lease per component, so a component running with
 * --leader-elect=false (no Lease, every instance active) fails here with the reason, not later as a
 * lease holder nobody can find.
 */
export const checkLeasesHeldInBaseline: ControlPlaneCheck = (history, g, ctx) =>
  runStages(g.id, [
    () => rateStage(history, g, [LEASE_RATE]),
    () => {
      const base = baselineWindow(history);
      if (base === undefined) {
        return verdict(g.id, 'inconclusive', 'no baseline window');
      }
      const inBase = history.leaseObservations().filter((o) => o.atMs >= base.startMs && o.atMs < base.endMs);
      const leases = [...new Set(inBase.map((o) => o.lease))].sort();
      const measured = { leases: leases.length };
      const heldNow = (l: string): boolean => inBase.some((o) => o.lease === l && o.holder !== '');
      const problems: string[] = [];
      for (const e of componentElections(ctx.derived.flags)) {
        for (const l of e.leases) {
          if (l.electing > 0 && !leases.includes(l.lease)) {
            problems.push(`no Lease ${l.lease} was seen although ${e.component} runs with --leader-elect`);
          } else if (l.electing === 0 && !heldNow(l.lease)) {
            problems.push(`${e.problem ?? `${e.component} runs without leader election`}: without a Lease nothing keeps its instances from acting at once`);
          }
        }
      }
      if (problems.length > 0) {
        return verdict(g.id, 'fail', problems.join('; '), { ...measured, componentsWithoutLease: problems.length }, { componentsWithoutLease: 0 });
      }
      if (leases.length === 0) {
        return verdict(g.id, 'inconclusive', 'no leader-election lease was observed in the baseline', measured);
      }
      for (const l of leases) {
        const obs = inBase.filter((o) => o.lease === l);
        const last = obs[obs.length - 1];
        if (last === undefined || last.holder === '') {
          return verdict(g.id, 'fail', `lease ${l} had no holder at the end of the baseline`, measured);
        }
        const holders = new Set(obs.map((o) => o.holder));
        if (holders.size > 1) {
          return verdict(g.id, 'fail', `lease ${l} changed holder ${holders.size - 1} time(s) in the baseline, before any fault`, measured);
        }
        const renewals = new Set(obs.map((o) => o.renewTimeIso)).size;
        const span = (last.atMs - (obs[0]?.atMs ?? last.atMs));
        if (span > 2 * renewAdvanceMs(ctx, l) && renewals < 2) {
          return verdict(g.id, 'fail', `lease ${l}'s holder did not renew during ${ms(span)} of baseline`, measured);
        }
      }
      return verdict(g.id, 'pass', `${leases.length} leader-election leases (${leases.join(', ')}) each held and renewed by one holder`, measured);
    },
  ]);

/**
 * Configuration, before any fault: every component that elects a leader runs with leader election on
 * every instance, and all its instances compete for one Lease, so exactly one acts. Judged from the
 * flags read from the static pod manifests; the instances' own logs, when the case read them, are
 * reported beside (a rotated log may have lost its old lines, so they corroborate, never decide).
 */
export const checkSingleActiveInstance: ControlPlaneCheck = (history, g, ctx) => {
  const elections = componentElections(ctx.derived.flags);
  if (elections.length === 0) {
    return verdict(g.id, 'inconclusive', 'no leader-electing component\'s flags were read (kube-scheduler, kube-controller-manager static pod manifests)');
  }
  const max = threshold(g, 'maxActiveInstances');
  const measured: Record<string, number> = {};
  const limits: Record<string, number> = {};
  const logs = history.ofKind('lease-log');
  const logNote = (component: string, leases: readonly string[]): string => {
    const mine = logs.filter((e) => leases.some((l) => e.lease === `kube-system/${l}`));
    if (mine.length === 0) {
      return '';
    }
    const running = new Set(mine.map((e) => e.node)).size;
    const electing = new Set(mine.filter((e) => e.event === 'attempting' || e.event === 'acquired').map((e) => e.node)).size;
    measured[`instancesLoggingElection.${component}`] = electing;
    return ` (its logs: ${running} instance(s) logging, ${electing} of them logged trying to acquire the lease)`;
  };
  const problems: string[] = [];
  const fine: string[] = [];
  for (const e of elections) {
    measured[`activeInstances.${e.component}`] = e.activeInstances;
    limits[`maxActiveInstances.${e.component}`] = max;
    const note = logNote(e.component, e.leases.map((l) => l.lease));
    if (e.activeInstances > max && e.problem !== undefined) {
      problems.push(`${e.problem}${note}`);
    } else {
      const l = e.leases[0];
      fine.push(`${e.component}: ${e.instances} instance(s) elect on kube-system/${l?.lease ?? e.component}, one acts${note}`);
    }
  }
  return problems.length > 0
    ? verdict(g.id, 'fail', problems.join('; '), measured, limits)
    : verdict(g.id, 'pass', fine.join('; '), measured, limits);
};

/**
 * An abrupt death of a lease holder (process killed, node lost) is followed by a new holder within
 * lease duration + 2 x retry x (1 + jitter). Applies to every lease whose holder ran on a faulted
 * node AND stopped renewing; leases whose holder kept renewing were not hit by the fault.
 */
export const checkAbruptHolderDeathHandsOver: ControlPlaneCheck = (history, g, ctx) =>
  runStages(g.id, [
    () => rateStage(history, g, [LEASE_RATE]),
    () => {
      const r = requireFaults(history, g);
      return r.ok ? verdict(g.id, 'pass', '') : r.verdict;
    },
    () => {
      const obs = history.leaseObservations();
      const times: number[] = [];
      const hit: string[] = [];
      const limits: Record<string, number> = {};
      const measured: Record<string, number> = {};
      const late: string[] = [];
      let released = 0;
      for (const f of history.faultWindows()) {
        for (const lease of history.leaseNames()) {
          const h = handoverAfter(obs, lease, f.issuedAtMs, renewAdvanceMs(ctx, lease));
          const node = holderNode(h.before?.holder ?? '');
          if (node === undefined || !f.targets.includes(node) || h.holderKeptRenewing) {
            continue;
          }
          // Each lease against its own component's flags: a scheduler is never judged by the
          // controller-manager's (longer) lease, nor the other way round.
          const bound = leaseBound(history, g, ctx, 'maxAbruptHandoverMs', lease);
          limits[bound.key] = bound.ms;
          hit.push(`${lease}@${f.faultId}`);
          if (h.handoverMs === undefined) {
            return noResult(g, history, f.issuedAtMs, bound.ms, `no new holder of ${lease} after its holder on ${node} died (fault ${f.faultId})`, limits);
          }
          if (h.releasedAtMs !== undefined) {
            released += 1;
          }
          times.push(h.handoverMs);
          measured[`handoverMs.${lease}`] = Math.max(measured[`handoverMs.${lease}`] ?? 0, h.handoverMs);
          if (h.handoverMs > bound.ms) {
            late.push(`${lease} was taken over only after ${ms(h.handoverMs)}, over the ${ms(bound.ms)} bound of its own flags (lease + 2 x retry x 2.2)`);
          }
        }
      }
      if (hit.length === 0) {
        return verdict(g.id, 'inconclusive', 'no fault stopped a lease holder (no lease was held on a faulted node, or its holder kept renewing)', {}, limits);
      }
      Object.assign(measured, { leasesHandedOver: times.length, handoverMsMax: Math.max(...times), handoverMsMin: Math.min(...times), releasedInstead: released });
      return late.length === 0
        ? verdict(g.id, 'pass', `${hit.join(', ')}: a new holder took over after ${times.map((t) => ms(t)).join(', ')}`, measured, limits)
        : verdict(g.id, 'fail', late.join('; '), measured, limits);
    },
  ]);

/**
 * A clean stop (SIGTERM) of a lease holder. `mustRelease`: the component releases its lease on the
 * way out (kube-scheduler), so a candidate takes it at its next try; otherwise (kube-controller-manager,
 * kubernetes#132599) the verdict reports whether it released and judges only the abrupt bound.
 */
export function gracefulStop(leaseOf: (ctx: ControlPlaneCheckContext) => string, mustRelease: boolean): ControlPlaneCheck {
  return (history, g, ctx) => {
    const lease = leaseOf(ctx);
    return runStages(g.id, [
      () => rateStage(history, g, [LEASE_RATE]),
      () => {
        const r = requireFaults(history, g);
        if (!r.ok) {
          return r.verdict;
        }
        for (const f of r.faults) {
          const before = lastBefore(history.leaseObservations(lease), f.issuedAtMs);
          const node = holderNode(before?.holder ?? '');
          if (node === undefined || !f.targets.includes(node)) {
            return verdict(g.id, 'inconclusive', `fault ${f.faultId} hit ${f.targets.join(', ')}, but ${lease} was held on ${node ?? 'no node'}`);
          }
        }
        return verdict(g.id, 'pass', '');
      },
      () => {
        // This lease's own bounds (its component's flags), not the slowest lease's.
        const release = leaseBound(history, g, ctx, 'maxReleaseHandoverMs', lease);
        const abrupt = leaseBound(history, g, ctx, 'maxAbruptHandoverMs', lease);
        const releaseBound = release.ms;
        const abruptBound = abrupt.ms;
        const limits = mustRelease ? { [release.key]: releaseBound } : { [abrupt.key]: abruptBound };
        const times: number[] = [];
        let releases = 0;
        for (const f of history.faultWindows()) {
          const h = handoverAfter(history.leaseObservations(), lease, f.issuedAtMs, renewAdvanceMs(ctx, lease));
          if (h.handoverMs === undefined) {
            return noResult(g, history, f.issuedAtMs, mustRelease ? releaseBound : abruptBound, `no new holder of ${lease} after its holder was stopped (fault ${f.faultId})`, limits);
          }
          times.push(h.handoverMs);
          // A release the polls missed (taken over within one poll interval) is in the watch's records.
          const releasedFrom = microTimeMs(h.before?.renewTimeIso);
          const takenAt = microTimeMs(h.next?.acquireTimeIso);
          const watchedRelease =
            releasedFrom !== undefined && takenAt !== undefined && releaseRecordBetween(history.leaseWatchObservations(), lease, releasedFrom, takenAt, threshold(g, 'clockSkewMs')) !== undefined;
          if (h.releasedAtMs !== undefined || watchedRelease) {
            releases += 1;
          }
        }
        const worst = Math.max(...times);
        const measured = { handoverMs: worst, releasedLease: releases, stops: times.length };
        if (mustRelease) {
          return worst <= releaseBound
            ? verdict(g.id, 'pass', `${lease} was ${releases === times.length ? 'released and ' : ''}taken over ${ms(worst)} after the clean stop`, measured, limits)
            : verdict(g.id, 'fail', `${lease} was taken over only ${ms(worst)} after the clean stop, over the ${ms(releaseBound)} release bound: ${releases === 0 ? 'it was not released' : 'it was released, but late'}`, measured, limits);
        }
        if (worst > abruptBound) {
          return verdict(g.id, 'fail', `${lease} was taken over only ${ms(worst)} after the clean stop, over even the ${ms(abruptBound)} expiry bound`, measured, limits);
        }
        return verdict(
          g.id,
          'pass',
          releases === times.length
            ? `${lease} was released on the clean stop and taken over after ${ms(worst)}`
            : `${lease} was NOT released on the clean stop (kubernetes#132599): the new holder took over only when the lease expired, after ${ms(worst)}`,
          measured,
          limits,
        );
      },
    ]);
  };
}

/** Never two holders at once: the lease records obey leader election's rules throughout the run. */
/** Allowance between a lease's acquireTime (set before the update) and the log line after it. */
const LEASE_UPDATE_ROUND_TRIP_MS = 1_000;

export const checkNoTwoHolders: ControlPlaneCheck = (history, g) =>
  runStages(g.id, [
    () => rateStage(history, g, [LEASE_RATE]),
    () => {
      const skew = threshold(g, 'clockSkewMs');
      const gap = threshold(g, 'maxObserverGapMs');
      const rep = leaseSequenceReport(history.leaseObservations(), { clockSkewMs: skew, maxObserverGapMs: gap, watched: history.leaseWatchObservations() });
      const measured: Record<string, number> = {
        handovers: rep.handovers,
        verifiedHandovers: rep.verifiedHandovers,
        unverifiableHandovers: rep.unverifiableHandovers,
        missedHolders: rep.missedHolders,
        violations: rep.violations.length,
      };
      if (rep.minExpiryMarginMs !== undefined) {
        measured['minExpiryMarginMs'] = rep.minExpiryMarginMs;
      }
      const limits = { maxViolations: 0, clockSkewMs: skew, maxObserverGapMs: gap };
      const v = rep.violations[0];
      if (v !== undefined) {
        return verdict(g.id, 'fail', `${rep.violations.length} violation(s); first: lease ${v.lease} at ${ms(v.atMs)}: ${v.detail} (${v.rule})`, measured, limits);
      }
      if (rep.verifiedHandovers === 0) {
        return verdict(
          g.id,
          'inconclusive',
          rep.handovers === 0 ? 'no handover was observed: nothing to check' : `none of ${rep.handovers} handovers could be verified (the observer was blind right before each)`,
          measured,
          limits,
        );
      }
      return verdict(g.id, 'pass', `${rep.verifiedHandovers} handover(s) verified: each new holder acquired only after the previous lease expired or was released${rep.missedHolders > 0 ? `; ${rep.missedHolders} holder(s) came and went between polls` : ''}`, measured, limits);
    },
    // The instances' own logs, when the case read them: who believed it led, and when.
    () => {
      const events = history.ofKind('lease-log');
      if (events.length === 0) {
        return verdict(g.id, 'pass', '');
      }
      const first = events[0]!;
      const rep = leaseLogReport(events, history.leaseObservations(), history.faultWindows(), {
        // The log line follows the lease update that set acquireTime: one API round trip later.
        clockSkewMs: threshold(g, 'clockSkewMs') + LEASE_UPDATE_ROUND_TRIP_MS,
        runStartWallMs: Date.parse(first.wallIso) - first.atMs,
      });
      const measured = { loggedAcquisitions: rep.acquisitions, loggedAcquisitionsInRecord: rep.matched, loggedHandoversChecked: rep.handoversChecked, logViolations: rep.violations.length };
      const v = rep.violations[0];
      if (v !== undefined) {
        return verdict(g.id, 'fail', `the instances' own logs: ${rep.violations.length} violation(s); first: lease ${v.lease} at ${ms(v.atMs)}: ${v.detail} (${v.rule})`, measured, { maxLogViolations: 0 });
      }
      return verdict(g.id, 'pass', `the instances' own logs agree: ${rep.matched} acquisition(s) found in the lease record, ${rep.handoversChecked} handover(s) in order`, measured, { maxLogViolations: 0 });
    },
  ]);

/** Work started during the fault (pod scheduled, deployment scaled) completes once a new leader runs. */
export const checkWorkContinuesAfterHandover: ControlPlaneCheck = (history, g, ctx) =>
  runStages(g.id, [
    () => {
      const r = requireFaults(history, g);
      return r.ok ? verdict(g.id, 'pass', '') : r.verdict;
    },
    () => {
      const limits: Record<string, number> = {};
      // Each kind of work waits for the leader of the component that does it: a pod for the
      // scheduler, a scaled Deployment's pods for the controller-manager (and then the scheduler).
      const boundFor = (o: Operation): LeaseBound => {
        const leases = o.op === 'schedule-pod' ? [ctx.leases.scheduler] : o.op === 'scale-deployment' ? [ctx.leases.controllerManager, ctx.leases.scheduler] : [];
        const bounds = leases.map((l) => leaseBound(history, g, ctx, 'maxWorkCompletionAfterFaultMs', l));
        const b = bounds.length === 0 ? { key: 'maxWorkCompletionAfterFaultMs', ms: threshold(g, 'maxWorkCompletionAfterFaultMs') } : bounds.reduce((x, y) => (y.ms > x.ms ? y : x));
        limits[b.key] = b.ms;
        return b;
      };
      const work = history.operations({ probe: ctx.names.work });
      const judged: { op: Operation; latencyMs: number; bound: LeaseBound }[] = [];
      for (const f of history.faultWindows()) {
        for (const o of invokedIn(work, outerWindow(f, history))) {
          const bound = boundFor(o);
          if (o.outcome !== 'ok') {
            return verdict(g.id, 'fail', `${o.op} started at ${ms(o.invokedAtMs)} during fault ${f.faultId} did not complete: ${o.error ?? o.outcome}`, { workOps: judged.length }, limits);
          }
          judged.push({ op: o, latencyMs: o.completedAtMs - Math.max(o.invokedAtMs, f.issuedAtMs), bound });
        }
      }
      if (judged.length === 0) {
        return verdict(g.id, 'inconclusive', `no ${ctx.names.work} operation was started during a fault`, {}, limits);
      }
      const worst = judged.reduce((a, b) => (b.latencyMs > a.latencyMs ? b : a));
      const measured: Record<string, number> = { workOps: judged.length, workCompletionMsMax: worst.latencyMs };
      for (const op of new Set(judged.map((j) => j.op.op))) {
        measured[`${op}.maxMs`] = Math.max(...judged.filter((j) => j.op.op === op).map((j) => j.latencyMs));
      }
      const over = judged.find((j) => j.latencyMs > j.bound.ms);
      return over === undefined
        ? verdict(g.id, 'pass', `${judged.length} work operation(s) started during the fault completed, the slowest (${worst.op.op}) ${ms(worst.latencyMs)} after the fault`, measured, limits)
        : verdict(g.id, 'fail', `${over.op.op} completed only ${ms(over.latencyMs)} after the fault, over the ${ms(over.bound.ms)} bound (${over.bound.key})`, measured, limits);
    },
  ]);
