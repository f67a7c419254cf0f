/**
 * The checks of the control-plane failover guarantees (apiserver-failover, lb-failover,
 * leader-election, workload-continuity, control-plane-node-loss). Each composes the pure measures in
 * harness/checks/ into a staged verdict: probe-rate precondition -> the fault is the one the
 * guarantee is about -> main property -> secondary properties, stopping at the first stage that does
 * not pass (runStages). Bounds come from the guarantee's thresholds (control-plane-thresholds.ts).
 *
 * Names the checks select by (the probes default to them; see ControlPlaneProbeNames):
 * operations `api-write` / `api-read` with target 'lb' (through the load balancer),
 * `apiserver-readyz` / `apiserver-write` with target = node (each apiserver directly),
 * `workload-http` with target = node (the NodePort's node), `control-loop-work` ops `schedule-pod`
 * and `scale-deployment`; observations of kinds lease, node, lb-backend, endpoints, pods.
 */
import type { FaultWindow, History, Operation } from '../probes/history.js';
import { availabilityStats, invokedIn, longestOutage, timeToFirstSuccess, type TimeWindow } from '../checks/availability.js';
import { handoverAfter, holderNode, leaseSequenceReport } from '../checks/lease-holders.js';
import { acknowledgedWithin, attemptedWithin } from '../checks/no-split-brain.js';
import { firstAfter, firstEjectedAfter, firstFullyUpAfter, firstWithAddressAfter, firstWithoutAddressAfter, isBackendEjected, isNodeReady, lastBefore, nodeIpChanges } from '../checks/observed-states.js';
import { podDisruption, undisrupted } from '../checks/pod-disruption.js';
import { runStages, verdict, type Verdict } from '../checks/verdict.js';
import { baselineWindow, confirmedWindow, heldMs, ms, outerWindow, pct, rateStage, requireFaults, threshold, type CheckedGuarantee, type RateRequirement } from './check-helpers.js';
import type { DerivedControlPlaneThresholds } from './control-plane-thresholds.js';

/** Probe names the checks select operations by. */
export interface ControlPlaneProbeNames {
  readonly apiWrite: string;
  readonly apiRead: string;
  readonly apiserverReadyz: string;
  readonly apiserverWrite: string;
  readonly workloadHttp: string;
  readonly work: string;
}

/** Defaults: what api-write-probe, apiserver-probe, http-probe and control-loop-work record. */
export const DEFAULT_CONTROL_PLANE_PROBE_NAMES: ControlPlaneProbeNames = {
  apiWrite: 'api-write',
  apiRead: 'api-read',
  apiserverReadyz: 'apiserver-readyz',
  apiserverWrite: 'apiserver-write',
  workloadHttp: 'workload-http',
  work: 'control-loop-work',
};

/** What the checks need besides the history and the guarantee's thresholds. */
export interface ControlPlaneCheckContext {
  readonly names: ControlPlaneProbeNames;
  readonly derived: DerivedControlPlaneThresholds;
  /** Node name -> InternalIP (default/kubernetes lists IPs); falls back to the node observations. */
  readonly nodeIps: ReadonlyMap<string, string>;
  /** The control-plane nodes (apiservers); falls back to the targets of the /readyz probe. */
  readonly apiservers: readonly string[];
  /** Lease names of the two core components (from their --leader-elect-resource-name). */
  readonly leases: { readonly scheduler: string; readonly controllerManager: string };
}

/** A check over a history, given its guarantee and context. */
export type ControlPlaneCheck = (history: History, g: CheckedGuarantee, ctx: ControlPlaneCheckContext) => Verdict;

// ---- helpers ---------------------------------------------------------------------------------

/** Operations through the load balancer (API writes and reads). */
function throughLb(history: History, ctx: ControlPlaneCheckContext): Operation[] {
  return [...history.operations({ probe: ctx.names.apiWrite, target: 'lb' }), ...history.operations({ probe: ctx.names.apiRead, target: 'lb' })];
}

function apiserversOf(history: History, ctx: ControlPlaneCheckContext): string[] {
  return ctx.apiservers.length > 0 ? [...ctx.apiservers] : [...new Set(history.operations({ probe: ctx.names.apiserverReadyz }).map((o) => o.target))].sort();
}

function ipOf(history: History, ctx: ControlPlaneCheckContext, node: string): string | undefined {
  const known = ctx.nodeIps.get(node);
  if (known !== undefined) {
    return known;
  }
  const first = history.faultWindows()[0]?.issuedAtMs ?? history.endMs();
  return lastBefore(history.nodeObservations(node).filter((o) => o.internalIp !== undefined), first)?.internalIp ?? history.nodeObservations(node).find((o) => o.internalIp !== undefined)?.internalIp;
}

/** Rate requirement for the through-LB probes: whichever of api-write / api-read ran. */
function apiRates(history: History, ctx: ControlPlaneCheckContext): RateRequirement[] {
  const present = [ctx.names.apiWrite, ctx.names.apiRead].filter((p) => history.operations({ probe: p }).length > 0);
  return (present.length === 0 ? [ctx.names.apiWrite] : present).map((probe): RateRequirement => ({ kind: 'ops', probe, minName: 'minApiOpsPerSecond' }));
}

const directRate = (ctx: ControlPlaneCheckContext): RateRequirement => ({ kind: 'ops', probe: ctx.names.apiserverReadyz, minName: 'minDirectOpsPerSecond', perTarget: true });

/** When the faulted apiserver was first seen failing and first seen serving again after the fault. */
function downSpan(history: History, ctx: ControlPlaneCheckContext, node: string, f: FaultWindow): { downAtMs?: number; backAtMs?: number } {
  const ops = invokedIn(history.operations({ probe: ctx.names.apiserverReadyz, target: node }), { startMs: f.issuedAtMs, endMs: Number.POSITIVE_INFINITY });
  const down = ops.find((o) => o.outcome !== 'ok');
  if (down === undefined) {
    return {};
  }
  const back = ops.find((o) => o.outcome === 'ok' && o.invokedAtMs > down.invokedAtMs);
  return { downAtMs: down.invokedAtMs, ...(back === undefined ? {} : { backAtMs: back.completedAtMs }) };
}

/** "observed for X ms without result": fail once the bound has passed, else the history is too short. */
function noResult(g: CheckedGuarantee, history: History, fromMs: number, bound: number, what: string, limits: Record<string, number>): Verdict {
  const observedFor = history.endMs() - fromMs;
  return observedFor >= bound
    ? verdict(g.id, 'fail', `${what} within ${ms(observedFor)}`, {}, limits)
    : verdict(g.id, 'inconclusive', `the history ends ${ms(observedFor)} later, before ${what.replace(/^no /, 'any ')} could be expected (bound ${ms(bound)})`, {}, limits);
}

/** Each fault must name exactly one node. */
function singleTargetFaults(history: History, g: CheckedGuarantee, also?: (f: FaultWindow, target: string) => string | undefined): Verdict {
  const r = requireFaults(history, g);
  if (!r.ok) {
    return r.verdict;
  }
  for (const f of r.faults) {
    const t = f.targets[0];
    if (f.targets.length !== 1 || t === undefined) {
      return verdict(g.id, 'inconclusive', `fault ${f.faultId} hit ${f.targets.length} nodes (${f.targets.join(', ')}); this guarantee is about exactly one`);
    }
    const problem = also?.(f, t);
    if (problem !== undefined) {
      return verdict(g.id, 'inconclusive', problem);
    }
  }
  return verdict(g.id, 'pass', '', { faults: r.faults.length });
}

// ---- apiserver-failover ----------------------------------------------------------------------

/** Before any fault every apiserver answers, haproxy routes to each, and default/kubernetes lists each. */
export const checkApiserverBaselineHealthy: ControlPlaneCheck = (history, g, ctx) =>
  runStages(g.id, [
    () => rateStage(history, g, [...apiRates(history, ctx), directRate(ctx), { kind: 'polls', poller: 'lb-backend', minName: 'minLbPollsPerSecond' }, { kind: 'polls', poller: 'endpoints', minName: 'minEndpointsPollsPerSecond', optional: true }]),
    () => {
      const base = baselineWindow(history);
      if (base === undefined) {
        return verdict(g.id, 'inconclusive', 'no baseline window');
      }
      const min = threshold(g, 'minBaselineSuccessRatio');
      const servers = apiserversOf(history, ctx);
      const measured: Record<string, number> = { apiservers: servers.length };
      let worst = 1;
      let worstNode = '';
      for (const n of servers) {
        const st = availabilityStats(history.operations({ probe: ctx.names.apiserverReadyz, target: n }), base);
        if (st.successRatio === undefined) {
          return verdict(g.id, 'inconclusive', `no /readyz probe of ${n} in the baseline`, measured);
        }
        if (st.successRatio < worst) {
          worst = st.successRatio;
          worstNode = n;
        }
      }
      const lb = availabilityStats(throughLb(history, ctx), base).successRatio ?? 0;
      measured['minApiserverReadyzRatio'] = worst;
      measured['throughLbSuccessRatio'] = lb;
      const limits = { minBaselineSuccessRatio: min };
      if (worst < min) {
        return verdict(g.id, 'fail', `${worstNode} answered /readyz only ${pct(worst)} of the time in the baseline`, measured, limits);
      }
      if (lb < min) {
        return verdict(g.id, 'fail', `requests through the LB succeeded only ${pct(lb)} in the baseline`, measured, limits);
      }
      const inBase = (o: { atMs: number }): boolean => o.atMs >= base.startMs && o.atMs < base.endMs;
      const notUp = history.backendStates().filter(inBase).filter((s) => s.status !== 'UP');
      const first = notUp[0];
      if (first !== undefined) {
        return verdict(g.id, 'fail', `haproxy had ${first.server} ${first.status} (${first.checkStatus ?? '?'}) in the baseline`, { ...measured, backendNotUpObservations: notUp.length }, limits);
      }
      const eps = history.endpointsObservations().filter(inBase);
      for (const n of servers) {
        const ip = ipOf(history, ctx, n);
        if (ip !== undefined && eps.some((e) => !e.addresses.includes(ip))) {
          return verdict(g.id, 'fail', `default/kubernetes did not list ${n} (${ip}) throughout the baseline`, measured, limits);
        }
      }
      return verdict(g.id, 'pass', `all ${servers.length} apiservers ready (worst ${pct(worst)}), haproxy had every backend UP, through-LB ${pct(lb)}`, measured, limits);
    },
  ]);

/**
 * One apiserver dies: haproxy ejects it within its health-check bound, and from then on every
 * request through the LB succeeds. `silent` selects the bound for a backend that stops answering
 * (paused or stopped node) rather than refusing.
 */
export function lbEjectsDeadApiserver(silent: boolean): ControlPlaneCheck {
  const boundName = silent ? 'maxEjectionSilentMs' : 'maxEjectionMs';
  return (history, g, ctx) =>
    runStages(g.id, [
      () => rateStage(history, g, [...apiRates(history, ctx), { kind: 'polls', poller: 'lb-backend', minName: 'minLbPollsPerSecond' }]),
      () =>
        singleTargetFaults(history, g, (f, t) => {
          if (!history.backendServers().includes(t)) {
            return `fault ${f.faultId} hit ${t}, which is not one of haproxy's backends (${history.backendServers().join(', ') || 'none seen'})`;
          }
          const before = lastBefore(history.backendStates(t), f.issuedAtMs);
          return before === undefined || isBackendEjected(before.status) ? `${t} was not serving in haproxy before fault ${f.faultId} (${before?.status ?? 'never seen'})` : undefined;
        }),
      () => {
        const bound = threshold(g, boundName);
        const minRatio = threshold(g, 'minSuccessRatioAfterEjection');
        const ops = throughLb(history, ctx);
        const limits = { [boundName]: bound, minSuccessRatioAfterEjection: minRatio };
        const ejections: number[] = [];
        let worstAfter = 1;
        let failedBefore = 0;
        let worstOutage = 0;
        let attemptsAfter = 0;
        for (const f of history.faultWindows()) {
          const t = f.targets[0] ?? '';
          const ej = firstEjectedAfter(history.backendStates(), t, f.issuedAtMs);
          if (ej === undefined || ej.atMs > (f.healedAtMs ?? Number.POSITIVE_INFINITY)) {
            // Not ejected while faulted. Fine only if the apiserver was back before an ejection was due.
            const span = downSpan(history, ctx, t, f);
            if (span.downAtMs !== undefined && span.backAtMs !== undefined && span.backAtMs - f.issuedAtMs < bound) {
              return verdict(g.id, 'inconclusive', `${t} was down only ${ms(span.backAtMs - f.issuedAtMs)} after fault ${f.faultId}, too short to require an ejection (bound ${ms(bound)}): hold it down longer`, {}, limits);
            }
            return noResult(g, history, f.issuedAtMs, bound, `haproxy did not mark ${t} DOWN after fault ${f.faultId}`, limits);
          }
          const ejMs = ej.atMs - f.issuedAtMs;
          ejections.push(ejMs);
          // Until the heal is CONFIRMED: a one-shot kill's heal is issued at once (it waits for the
          // restart), and a held-down apiserver stays ejected until it is back.
          const after: TimeWindow = { startMs: ej.atMs, endMs: f.healedAtMs ?? history.endMs() };
          const st = availabilityStats(ops, after);
          attemptsAfter += st.total;
          worstAfter = Math.min(worstAfter, st.successRatio ?? 1);
          failedBefore += invokedIn(ops, { startMs: f.issuedAtMs, endMs: ej.atMs }).filter((o) => o.outcome !== 'ok').length;
          worstOutage = Math.max(worstOutage, longestOutage(ops, outerWindow(f, history))?.durationMs ?? 0);
        }
        const worstEj = Math.max(...ejections);
        const measured = { ejectionMs: worstEj, throughLbSuccessRatioAfterEjection: worstAfter, throughLbFailuresBeforeEjection: failedBefore, throughLbLongestOutageMs: worstOutage, throughLbAttemptsAfterEjection: attemptsAfter };
        if (worstEj > bound) {
          return verdict(g.id, 'fail', `haproxy ejected the dead apiserver only after ${ms(worstEj)}, over the ${ms(bound)} bound`, measured, limits);
        }
        if (attemptsAfter === 0) {
          return verdict(g.id, 'inconclusive', 'no request went through the LB between the ejection and the heal', measured, limits);
        }
        if (worstAfter < minRatio) {
          return verdict(g.id, 'fail', `after the ejection only ${pct(worstAfter)} of requests through the LB succeeded, below ${pct(minRatio)}`, measured, limits);
        }
        return verdict(g.id, 'pass', `haproxy ejected the dead apiserver after ${ms(worstEj)} (${failedBefore} requests through the LB failed before that); afterwards ${pct(worstAfter)} succeeded`, measured, limits);
      },
    ]);
}

/** While one apiserver is down, the others keep answering: only the faulted one shows failures. */
export const checkOnlyFaultedApiserverDown: ControlPlaneCheck = (history, g, ctx) =>
  runStages(g.id, [
    () => rateStage(history, g, [directRate(ctx)]),
    () => singleTargetFaults(history, g, (f, t) => (apiserversOf(history, ctx).includes(t) ? undefined : `fault ${f.faultId} hit ${t}, which has no /readyz probe`)),
    () => {
      const min = threshold(g, 'minOtherApiserversSuccessRatio');
      const minAttempts = threshold(g, 'minAttemptsInWindow');
      const limits = { minOtherApiserversSuccessRatio: min, minAttemptsInWindow: minAttempts };
      let worstOther = 1;
      let worstOtherNode = '';
      let worstWrite = 1;
      let faultedFailures = 0;
      for (const f of history.faultWindows()) {
        const t = f.targets[0] ?? '';
        const span = downSpan(history, ctx, t, f);
        if (span.downAtMs === undefined) {
          return verdict(g.id, 'inconclusive', `${t} never failed a /readyz probe after fault ${f.faultId}: was the fault applied?`, {}, limits);
        }
        // While the faulted apiserver was actually down (a killed one is back long before its
        // one-shot fault's window says so, a held one only after the heal).
        const w: TimeWindow = { startMs: span.downAtMs, endMs: span.backAtMs ?? f.healedAtMs ?? history.endMs() };
        faultedFailures += invokedIn(history.operations({ probe: ctx.names.apiserverReadyz, target: t }), w).filter((o) => o.outcome !== 'ok').length;
        for (const n of apiserversOf(history, ctx).filter((x) => x !== t)) {
          const st = availabilityStats(history.operations({ probe: ctx.names.apiserverReadyz, target: n }), w);
          if (st.total < minAttempts) {
            return verdict(g.id, 'inconclusive', `only ${st.total} /readyz probes of ${n} during fault ${f.faultId} (need ${minAttempts})`, {}, limits);
          }
          if ((st.successRatio ?? 0) < worstOther) {
            worstOther = st.successRatio ?? 0;
            worstOtherNode = n;
          }
          const wr = availabilityStats(history.operations({ probe: ctx.names.apiserverWrite, target: n }), w).successRatio;
          worstWrite = Math.min(worstWrite, wr ?? 1);
        }
      }
      const measured = { faultedApiserverFailures: faultedFailures, otherApiserversMinReadyzRatio: worstOther, otherApiserversMinWriteRatio: worstWrite };
      if (worstOther < min) {
        return verdict(g.id, 'fail', `${worstOtherNode} answered only ${pct(worstOther)} of /readyz probes while another apiserver was down`, measured, limits);
      }
      if (worstWrite < min) {
        return verdict(g.id, 'fail', `writes straight to the surviving apiservers succeeded only ${pct(worstWrite)}`, measured, limits);
      }
      return verdict(g.id, 'pass', `only the faulted apiserver failed (${faultedFailures} failed probes); the others answered ${pct(worstOther)}`, measured, limits);
    },
  ]);

/** The faulted apiserver's static pod comes back: time from the kill (or from the heal of a hold) to /readyz ok. */
export const checkStaticPodRestarts: ControlPlaneCheck = (history, g, ctx) =>
  runStages(g.id, [
    () => rateStage(history, g, [directRate(ctx)]),
    () => singleTargetFaults(history, g, (f, t) => (apiserversOf(history, ctx).includes(t) ? undefined : `fault ${f.faultId} hit ${t}, which has no /readyz probe`)),
    () => {
      const bound = threshold(g, 'maxStaticPodRestartMs');
      const limits = { maxStaticPodRestartMs: bound };
      const restarts: number[] = [];
      const downs: number[] = [];
      for (const f of history.faultWindows()) {
        const t = f.targets[0] ?? '';
        const span = downSpan(history, ctx, t, f);
        if (span.downAtMs === undefined) {
          return verdict(g.id, 'inconclusive', `${t} never failed a /readyz probe after fault ${f.faultId}: nothing restarted`, {}, limits);
        }
        if (span.backAtMs === undefined) {
          return noResult(g, history, f.healIssuedAtMs ?? f.issuedAtMs, bound, `no ok /readyz from ${t} after fault ${f.faultId}`, limits);
        }
        // A held-down apiserver may only come back after the heal; a killed one is restarted by the
        // kubelet on its own. Measure from whichever the return followed.
        const healIssued = f.healIssuedAtMs ?? f.healedAtMs;
        const from = healIssued !== undefined && span.backAtMs >= healIssued ? Math.max(f.issuedAtMs, healIssued) : f.issuedAtMs;
        restarts.push(span.backAtMs - from);
        downs.push(span.backAtMs - span.downAtMs);
      }
      const worst = Math.max(...restarts);
      const measured = { restartMs: worst, apiserverDownMs: Math.max(...downs) };
      return worst <= bound
        ? verdict(g.id, 'pass', `the apiserver answered /readyz again ${ms(worst)} after it was killed or put back (down ${ms(measured.apiserverDownMs)} in all)`, measured, limits)
        : verdict(g.id, 'fail', `the apiserver came back only ${ms(worst)} after it was killed or put back, over the ${ms(bound)} bound`, measured, limits);
    },
  ]);

/** default/kubernetes drops a dead apiserver within the lease reconciler's bound, keeps the live ones, and regains it. */
export const checkEndpointsTrackApiservers: ControlPlaneCheck = (history, g, ctx) =>
  runStages(g.id, [
    () => rateStage(history, g, [directRate(ctx), { kind: 'polls', poller: 'endpoints', minName: 'minEndpointsPollsPerSecond' }]),
    () => {
      if (ctx.derived.flags.endpointReconciler.type !== 'lease') {
        return verdict(g.id, 'inconclusive', `the apiservers run --endpoint-reconciler-type=${ctx.derived.flags.endpointReconciler.type}; the bounds are for the lease reconciler`);
      }
      return singleTargetFaults(history, g, (_f, t) => (ipOf(history, ctx, t) === undefined ? `the IP of ${t} is unknown (give nodeIps, or run the node poller)` : undefined));
    },
    () => {
      const dropBound = threshold(g, 'maxEndpointDropMs');
      const regainBound = threshold(g, 'maxEndpointRegainMs');
      const ttl = ctx.derived.flags.endpointReconciler.leaseTtlMs;
      const limits = { maxEndpointDropMs: dropBound, maxEndpointRegainMs: regainBound };
      const eps = history.endpointsObservations('default/kubernetes');
      const drops: number[] = [];
      const regains: number[] = [];
      for (const f of history.faultWindows()) {
        const t = f.targets[0] ?? '';
        const ip = ipOf(history, ctx, t) ?? '';
        const span = downSpan(history, ctx, t, f);
        if (span.downAtMs === undefined) {
          return verdict(g.id, 'inconclusive', `${t} never failed a /readyz probe after fault ${f.faultId}`, {}, limits);
        }
        const backAt = span.backAtMs ?? Number.POSITIVE_INFINITY;
        const dropped = firstWithoutAddressAfter(eps, ip, f.issuedAtMs);
        if (dropped === undefined || dropped.atMs > backAt) {
          if (backAt - f.issuedAtMs <= ttl) {
            return verdict(g.id, 'inconclusive', `${t} was back ${ms(backAt - f.issuedAtMs)} after fault ${f.faultId}, within the ${ms(ttl)} endpoint lease TTL: no drop was due (hold it down longer)`, {}, limits);
          }
          if (backAt - f.issuedAtMs > dropBound) {
            return verdict(g.id, 'fail', `default/kubernetes still listed ${t} (${ip}) ${ms(Math.min(backAt, history.endMs()) - f.issuedAtMs)} after it went down, over the ${ms(dropBound)} bound`, {}, limits);
          }
          return verdict(g.id, 'inconclusive', `${t} was back after ${ms(backAt - f.issuedAtMs)}, between the lease TTL and the bound, without being dropped: undecided`, {}, limits);
        }
        drops.push(dropped.atMs - f.issuedAtMs);
        if (span.backAtMs === undefined) {
          return noResult(g, history, f.issuedAtMs, dropBound, `${t} never answered /readyz again after fault ${f.faultId}, so its return to the endpoints cannot be judged; no return`, limits);
        }
        const regained = firstWithAddressAfter(eps, ip, Math.max(dropped.atMs, span.backAtMs));
        if (regained === undefined) {
          return noResult(g, history, span.backAtMs, regainBound, `no default/kubernetes listing of ${t} (${ip}) after it was ready again`, limits);
        }
        regains.push(regained.atMs - span.backAtMs);
        // The live apiservers must stay listed throughout.
        for (const other of apiserversOf(history, ctx).filter((n) => n !== t)) {
          const oip = ipOf(history, ctx, other);
          const lost = oip === undefined ? undefined : eps.find((e) => e.atMs >= f.issuedAtMs && e.atMs < (f.healedAtMs ?? history.endMs()) && !e.addresses.includes(oip));
          if (lost !== undefined) {
            return verdict(g.id, 'fail', `default/kubernetes dropped the live apiserver ${other} (${oip ?? '?'}) at ${ms(lost.atMs)} during fault ${f.faultId}`, {}, limits);
          }
        }
      }
      const measured = { endpointDropMs: Math.max(...drops), endpointRegainMs: Math.max(...regains) };
      if (measured.endpointDropMs > dropBound) {
        return verdict(g.id, 'fail', `default/kubernetes dropped the dead apiserver only after ${ms(measured.endpointDropMs)}, over the ${ms(dropBound)} bound`, measured, limits);
      }
      if (measured.endpointRegainMs > regainBound) {
        return verdict(g.id, 'fail', `default/kubernetes listed the apiserver again only ${ms(measured.endpointRegainMs)} after it was ready, over the ${ms(regainBound)} bound`, measured, limits);
      }
      return verdict(g.id, 'pass', `default/kubernetes dropped the dead apiserver after ${ms(measured.endpointDropMs)} and listed it again ${ms(measured.endpointRegainMs)} after it was ready`, measured, limits);
    },
  ]);

/** With every apiserver down, nothing is served through the LB or directly; reports what still works. */
export const checkAllApiserversDown: ControlPlaneCheck = (history, g, ctx) =>
  runStages(g.id, [
    () => {
      const r = requireFaults(history, g);
      if (!r.ok) {
        return r.verdict;
      }
      const all = apiserversOf(history, ctx);
      for (const f of r.faults) {
        const missing = all.filter((n) => !f.targets.includes(n));
        if (all.length === 0 || missing.length > 0) {
          return verdict(g.id, 'inconclusive', `fault ${f.faultId} left ${missing.join(', ') || 'unknown apiservers'} up; this guarantee is about all of them`);
        }
      }
      return verdict(g.id, 'pass', '', { apiservers: all.length });
    },
    () => {
      const minAttempts = threshold(g, 'minAttemptsInWindow');
      const lb = throughLb(history, ctx);
      const direct = history.operations({ probe: ctx.names.apiserverReadyz });
      let acked = 0;
      let attempted = 0;
      let directOk = 0;
      let example = '';
      let workload = 1;
      let workloadOps = 0;
      let recovery = 0;
      for (const f of history.faultWindows()) {
        // While every apiserver was down: from the confirmed fault, and (when the direct probes ran)
        // only while none of them answered, which also covers a one-shot kill of all of them whose
        // heal (waiting for the restarts) is issued at once.
        const spans = apiserversOf(history, ctx).map((n) => downSpan(history, ctx, n, f));
        const bySpans = spans.length > 0 && spans.every((sp) => sp.downAtMs !== undefined);
        const w: TimeWindow = bySpans
          ? { startMs: Math.max(f.injectedAtMs, ...spans.map((sp) => sp.downAtMs ?? 0)), endMs: Math.min(...spans.map((sp) => sp.backAtMs ?? f.healedAtMs ?? history.endMs())) }
          : confirmedWindow(f, history);
        const a = acknowledgedWithin(lb, w);
        const first = a[0];
        if (first !== undefined && example === '') {
          example = ` (first: ${first.probe} ${first.op} at ${ms(first.invokedAtMs)})`;
        }
        acked += a.length;
        attempted += attemptedWithin(lb, w);
        directOk += bySpans ? 0 : acknowledgedWithin(direct, w).length;
        const http = availabilityStats(history.operations({ probe: ctx.names.workloadHttp }), w);
        workloadOps += http.total;
        workload = Math.min(workload, http.successRatio ?? 1);
        if (f.healedAtMs !== undefined) {
          recovery = Math.max(recovery, timeToFirstSuccess(lb, f.healedAtMs) ?? 0);
        }
      }
      const measured: Record<string, number> = { acknowledgedThroughLb: acked, attemptedThroughLb: attempted, directReadyzOk: directOk, apiBackAfterHealMs: recovery };
      if (workloadOps > 0) {
        measured['workloadHttpSuccessRatio'] = workload;
      }
      const limits = { maxAcknowledgedThroughLb: 0, maxDirectReadyzOk: 0, minAttemptsInWindow: minAttempts };
      if (acked > 0) {
        return verdict(g.id, 'fail', `${acked} requests through the LB succeeded while every apiserver was down${example}: the fault did not take them all down`, measured, limits);
      }
      if (directOk > 0) {
        return verdict(g.id, 'fail', `${directOk} direct /readyz probes succeeded while every apiserver was down`, measured, limits);
      }
      if (attempted < minAttempts) {
        return verdict(g.id, 'inconclusive', `only ${attempted} requests through the LB inside the outage (need ${minAttempts})`, measured, limits);
      }
      const still = workloadOps > 0 ? `; meanwhile the workload answered ${pct(workload)} of ${workloadOps} HTTP requests (existing pods and Services keep working)` : '';
      return verdict(g.id, 'pass', `none of ${attempted} API requests was served while all apiservers were down${still}`, measured, limits);
    },
  ]);

// ---- lb-failover -----------------------------------------------------------------------------

/**
 * The LB is down: through it the API is down, while every apiserver answers directly. The outage is
 * measured from the confirmed fault to the first request through the LB that succeeds (kind's LB
 * container has restart policy on-failure:1, so a killed LB may come back by itself).
 */
export const checkApiDownViaLbWhileApiserversAnswer: ControlPlaneCheck = (history, g, ctx) =>
  runStages(g.id, [
    () => rateStage(history, g, [...apiRates(history, ctx), directRate(ctx)]),
    () => singleTargetFaults(history, g),
    () => {
      const min = threshold(g, 'minOtherApiserversSuccessRatio');
      const minAttempts = threshold(g, 'minAttemptsInWindow');
      const limits = { minOtherApiserversSuccessRatio: min, minAttemptsInWindow: minAttempts };
      const lb = throughLb(history, ctx);
      let worstDirect = 1;
      let worstNode = '';
      let outageMs = 0;
      let selfRestarts = 0;
      let failed = 0;
      for (const f of history.faultWindows()) {
        // The outage runs until a request through the LB succeeds again, whatever the heal did: a
        // killed LB is restarted by docker on its own, often before the harness heals anything.
        const end = f.healedAtMs ?? history.endMs();
        const firstOk = invokedIn(lb, { startMs: f.injectedAtMs, endMs: Number.POSITIVE_INFINITY }).find((o) => o.outcome === 'ok');
        const outageEnd = Math.min(end, firstOk?.invokedAtMs ?? end);
        const w: TimeWindow = { startMs: f.injectedAtMs, endMs: outageEnd };
        const attempts = attemptedWithin(lb, w);
        failed += attempts;
        if (attempts < minAttempts) {
          return verdict(g.id, 'inconclusive', `only ${attempts} requests through the LB failed after fault ${f.faultId} before one succeeded again (need ${minAttempts}): was the LB really down?`, {}, limits);
        }
        if (firstOk !== undefined && firstOk.invokedAtMs < (f.healIssuedAtMs ?? end)) {
          selfRestarts += 1;
        }
        outageMs = Math.max(outageMs, (firstOk?.completedAtMs ?? end) - f.issuedAtMs);
        for (const n of apiserversOf(history, ctx)) {
          const st = availabilityStats(history.operations({ probe: ctx.names.apiserverReadyz, target: n }), w);
          if (st.total === 0) {
            return verdict(g.id, 'inconclusive', `no direct /readyz probe of ${n} during the LB outage`, {}, limits);
          }
          if ((st.successRatio ?? 0) < worstDirect) {
            worstDirect = st.successRatio ?? 0;
            worstNode = n;
          }
        }
      }
      const measured = { throughLbOutageMs: outageMs, failedThroughLb: failed, apiserversMinDirectRatio: worstDirect, lbBackBeforeHeal: selfRestarts };
      if (worstDirect < min) {
        return verdict(g.id, 'fail', `while the LB was down ${worstNode} answered only ${pct(worstDirect)} of direct probes: more than the LB was affected`, measured, limits);
      }
      const back = selfRestarts > 0 ? ' (the LB came back on its own: docker restarted it)' : '';
      return verdict(
        g.id,
        'pass',
        `the load balancer is a single point of failure: for ${ms(outageMs)} no client outside the cluster reached the API through it${back}, although every apiserver answered directly (${pct(worstDirect)})`,
        measured,
        limits,
      );
    },
  ]);

/**
 * Nodes go NotReady only if the API outage outlasts the node-monitor grace period: an outage shorter
 * than the "keeps Ready" bound must leave every node Ready; no node may be NotReady earlier than the
 * grace period allows.
 */
export const checkNodesReadyWithinGrace: ControlPlaneCheck = (history, g) =>
  runStages(g.id, [
    () => rateStage(history, g, [{ kind: 'polls', poller: 'node', minName: 'minNodePollsPerSecond' }]),
    () => {
      const r = requireFaults(history, g);
      return r.ok ? verdict(g.id, 'pass', '') : r.verdict;
    },
    () => {
      const keepBound = threshold(g, 'maxOutageKeepingNodesReadyMs');
      const minNotReady = threshold(g, 'minNotReadyAfterMs');
      const settle = threshold(g, 'maxNodesReadyAgainMs');
      const limits = { maxOutageKeepingNodesReadyMs: keepBound, minNotReadyAfterMs: minNotReady };
      const obs = history.nodeObservations();
      let longest = 0;
      let notReadyNodes = 0;
      let seen = 0;
      for (const f of history.faultWindows()) {
        const held = heldMs(f, history);
        longest = Math.max(longest, held);
        const w = { startMs: f.issuedAtMs, endMs: (f.healedAtMs ?? history.endMs()) + settle };
        const inW = obs.filter((o) => o.atMs >= w.startMs && o.atMs < w.endMs);
        seen += inW.length;
        const during = inW.filter((o) => o.atMs < (f.healedAtMs ?? history.endMs()));
        if (during.length === 0) {
          return verdict(g.id, 'inconclusive', `no node was observed during fault ${f.faultId}: give the node poller direct apiserver sources`, {}, limits);
        }
        const bad = inW.filter((o) => !isNodeReady(o));
        notReadyNodes += new Set(bad.map((o) => o.node)).size;
        const early = bad.find((o) => o.atMs - f.issuedAtMs < minNotReady);
        if (early !== undefined) {
          return verdict(g.id, 'fail', `${early.node} was ${early.ready} ${ms(early.atMs - f.issuedAtMs)} into fault ${f.faultId}, before the grace period allows (${ms(minNotReady)})`, { outageMs: held }, limits);
        }
        const firstBad = bad[0];
        if (held <= keepBound && firstBad !== undefined) {
          return verdict(g.id, 'fail', `${firstBad.node} went ${firstBad.ready} although the outage lasted only ${ms(held)}, under the ${ms(keepBound)} that keeps nodes Ready`, { outageMs: held }, limits);
        }
      }
      const measured = { outageMs: longest, nodesNotReady: notReadyNodes, nodeObservations: seen };
      return verdict(
        g.id,
        'pass',
        notReadyNodes === 0
          ? `every node stayed Ready through a ${ms(longest)} outage (nodes stay Ready below ${ms(keepBound)})`
          : `${notReadyNodes} node(s) went NotReady, only after the grace period, during a ${ms(longest)} outage`,
        measured,
        limits,
      );
    },
  ]);

/** Existing pods and Services keep serving through the fault: the host-side HTTP probe succeeds (100 % by default). */
export const checkWorkloadKeepsServing: ControlPlaneCheck = (history, g, ctx) =>
  runStages(g.id, [
    () => rateStage(history, g, [{ kind: 'ops', probe: ctx.names.workloadHttp, minName: 'minHttpOpsPerSecond', perTarget: true }]),
    () => {
      const r = requireFaults(history, g);
      return r.ok ? verdict(g.id, 'pass', '') : r.verdict;
    },
    () => {
      const min = threshold(g, 'minWorkloadSuccessRatio');
      const minAttempts = threshold(g, 'minAttemptsInWindow');
      const limits = { minWorkloadSuccessRatio: min, minAttemptsInWindow: minAttempts };
      let worst = 1;
      let total = 0;
      let failedOps: Operation[] = [];
      let outage = 0;
      for (const f of history.faultWindows()) {
        // A request to a NodePort on a node the fault took down says nothing about the workload.
        const ops = history.operations({ probe: ctx.names.workloadHttp, excludeTargets: f.targets });
        const w = outerWindow(f, history);
        const st = availabilityStats(ops, w);
        total += st.total;
        worst = Math.min(worst, st.successRatio ?? 1);
        failedOps = [...failedOps, ...invokedIn(ops, w).filter((o) => o.outcome !== 'ok')];
        outage = Math.max(outage, longestOutage(ops, w)?.durationMs ?? 0);
      }
      const measured = { workloadSuccessRatio: worst, workloadRequests: total, workloadFailures: failedOps.length, workloadLongestOutageMs: outage };
      if (total < minAttempts) {
        return verdict(g.id, 'inconclusive', `only ${total} workload requests during the fault(s) (need ${minAttempts})`, measured, limits);
      }
      const first = failedOps[0];
      return worst >= min
        ? verdict(g.id, 'pass', `the workload answered ${pct(worst)} of ${total} HTTP requests during the fault(s)`, measured, limits)
        : verdict(g.id, 'fail', `the workload answered only ${pct(worst)} of HTTP requests during the fault (${failedOps.length} failed; first via ${first?.target ?? '?'} at ${ms(first?.invokedAtMs ?? 0)}: ${first?.error ?? first?.outcome ?? '?'})`, measured, limits);
    },
  ]);

/** After the LB returns, the API answers through it within a bound, and every node is Ready again. */
export const checkApiRecoversAfterLb: ControlPlaneCheck = (history, g, ctx) =>
  runStages(g.id, [
    () => rateStage(history, g, apiRates(history, ctx)),
    () => singleTargetFaults(history, g, (f) => (f.healedAtMs === undefined ? `fault ${f.faultId} was never healed` : undefined)),
    () => {
      const bound = threshold(g, 'maxApiRecoveryAfterLbMs');
      const readyBound = threshold(g, 'maxNodesReadyAgainMs');
      const limits = { maxApiRecoveryAfterLbMs: bound, maxNodesReadyAgainMs: readyBound };
      const lb = throughLb(history, ctx);
      let worst = 0;
      let worstReady = 0;
      for (const f of history.faultWindows()) {
        // From the confirmed return of the LB (a pause: unpaused; a kill: running again).
        const from = f.healedAtMs ?? history.endMs();
        const t = timeToFirstSuccess(lb, from);
        if (t === undefined) {
          return noResult(g, history, from, bound, `no request through the LB succeeded after fault ${f.faultId} was healed`, limits);
        }
        worst = Math.max(worst, t);
        for (const node of history.observedNodes()) {
          const obs = history.nodeObservations(node);
          const wasBad = obs.some((o) => o.atMs >= f.issuedAtMs && o.atMs < (f.healedAtMs ?? 0) && !isNodeReady(o));
          if (!wasBad) {
            continue;
          }
          const ready = firstAfter(obs, f.healedAtMs ?? 0, isNodeReady);
          if (ready === undefined) {
            return noResult(g, history, f.healedAtMs ?? 0, readyBound, `${node} was not Ready again after the LB returned; no Ready`, limits);
          }
          worstReady = Math.max(worstReady, ready.atMs - (f.healedAtMs ?? 0));
        }
      }
      const measured = { apiBackAfterHealMs: worst, nodesReadyAgainMs: worstReady };
      if (worst > bound) {
        return verdict(g.id, 'fail', `the API answered through the LB only ${ms(worst)} after it returned, over the ${ms(bound)} bound`, measured, limits);
      }
      if (worstReady > readyBound) {
        return verdict(g.id, 'fail', `a node was Ready again only ${ms(worstReady)} after the LB returned, over the ${ms(readyBound)} bound`, measured, limits);
      }
      return verdict(g.id, 'pass', `the API answered through the LB ${ms(worst)} after it returned${worstReady > 0 ? `; nodes Ready again after ${ms(worstReady)}` : ''}`, measured, limits);
    },
  ]);

// ---- leader-election -------------------------------------------------------------------------

const LEASE_RATE: RateRequirement = { kind: 'polls', poller: 'lease', minName: 'minLeasePollsPerSecond' };

/** Renewal interval a live holder keeps (client-go renews every retry period): twice that separates alive from dead. */
function renewAdvanceMs(ctx: ControlPlaneCheckContext, lease: string): number {
  return 2 * (ctx.derived.flags.leaderElection[lease]?.retryPeriodMs ?? ctx.derived.leaderElection.retryPeriodMs);
}

/** Before any fault, every leader-election lease has a holder that keeps renewing, and each enabled component's lease exists. */
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
      const expected = Object.entries(ctx.derived.flags.leaderElection).filter(([, t]) => t.enabled).map(([l]) => l);
      const missing = expected.filter((l) => !leases.includes(l));
      const measured = { leases: leases.length };
      if (missing.length > 0) {
        return verdict(g.id, 'fail', `no Lease ${missing.join(', ')} was seen although its component runs with --leader-elect`, measured);
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
      const bound = threshold(g, 'maxAbruptHandoverMs');
      const limits = { maxAbruptHandoverMs: bound };
      const obs = history.leaseObservations();
      const times: number[] = [];
      const hit: string[] = [];
      let released = 0;
      for (const f of history.faultWindows()) {
        for (const lease of history.leaseNames()) {
          const h = handoverAfter(obs, lease, f.issuedAtMs, renewAdvanceMs(ctx, lease));
          const node = holderNode(h.before?.holder ?? '');
          if (node === undefined || !f.targets.includes(node) || h.holderKeptRenewing) {
            continue;
          }
          hit.push(`${lease}@${f.faultId}`);
          if (h.handoverMs === undefined) {
            return noResult(g, history, f.issuedAtMs, bound, `no new holder of ${lease} after its holder on ${node} died (fault ${f.faultId})`, limits);
          }
          if (h.releasedAtMs !== undefined) {
            released += 1;
          }
          times.push(h.handoverMs);
        }
      }
      if (hit.length === 0) {
        return verdict(g.id, 'inconclusive', 'no fault stopped a lease holder (no lease was held on a faulted node, or its holder kept renewing)', {}, limits);
      }
      const worst = Math.max(...times);
      const measured = { leasesHandedOver: times.length, handoverMsMax: worst, handoverMsMin: Math.min(...times), releasedInstead: released };
      return worst <= bound
        ? verdict(g.id, 'pass', `${hit.join(', ')}: a new holder took over after ${times.map((t) => ms(t)).join(', ')}`, measured, limits)
        : verdict(g.id, 'fail', `a new holder took over only after ${ms(worst)}, over the ${ms(bound)} bound (lease + 2 x retry x 2.2)`, measured, limits);
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
        const releaseBound = threshold(g, 'maxReleaseHandoverMs');
        const abruptBound = threshold(g, 'maxAbruptHandoverMs');
        const limits = mustRelease ? { maxReleaseHandoverMs: releaseBound } : { maxAbruptHandoverMs: abruptBound };
        const times: number[] = [];
        let releases = 0;
        for (const f of history.faultWindows()) {
          const h = handoverAfter(history.leaseObservations(), lease, f.issuedAtMs, renewAdvanceMs(ctx, lease));
          if (h.handoverMs === undefined) {
            return noResult(g, history, f.issuedAtMs, mustRelease ? releaseBound : abruptBound, `no new holder of ${lease} after its holder was stopped (fault ${f.faultId})`, limits);
          }
          times.push(h.handoverMs);
          if (h.releasedAtMs !== undefined) {
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
export const checkNoTwoHolders: ControlPlaneCheck = (history, g) =>
  runStages(g.id, [
    () => rateStage(history, g, [LEASE_RATE]),
    () => {
      const skew = threshold(g, 'clockSkewMs');
      const gap = threshold(g, 'maxObserverGapMs');
      const rep = leaseSequenceReport(history.leaseObservations(), { clockSkewMs: skew, maxObserverGapMs: gap });
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
  ]);

/** Work started during the fault (pod scheduled, deployment scaled) completes once a new leader runs. */
export const checkWorkContinuesAfterHandover: ControlPlaneCheck = (history, g, ctx) =>
  runStages(g.id, [
    () => {
      const r = requireFaults(history, g);
      return r.ok ? verdict(g.id, 'pass', '') : r.verdict;
    },
    () => {
      const bound = threshold(g, 'maxWorkCompletionAfterFaultMs');
      const limits = { maxWorkCompletionAfterFaultMs: bound };
      const work = history.operations({ probe: ctx.names.work });
      const judged: { op: Operation; latencyMs: number }[] = [];
      for (const f of history.faultWindows()) {
        for (const o of invokedIn(work, outerWindow(f, history))) {
          if (o.outcome !== 'ok') {
            return verdict(g.id, 'fail', `${o.op} started at ${ms(o.invokedAtMs)} during fault ${f.faultId} did not complete: ${o.error ?? o.outcome}`, { workOps: judged.length }, limits);
          }
          judged.push({ op: o, latencyMs: o.completedAtMs - Math.max(o.invokedAtMs, f.issuedAtMs) });
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
      return worst.latencyMs <= bound
        ? verdict(g.id, 'pass', `${judged.length} work operation(s) started during the fault completed, the slowest (${worst.op.op}) ${ms(worst.latencyMs)} after the fault`, measured, limits)
        : verdict(g.id, 'fail', `${worst.op.op} completed only ${ms(worst.latencyMs)} after the fault, over the ${ms(bound)} bound`, measured, limits);
    },
  ]);

// ---- workload-continuity ---------------------------------------------------------------------

/** Assumption: each fault was held shorter than what keeps nodes Ready (else evictions are expected). */
function heldUnderGrace(history: History, g: CheckedGuarantee): Verdict {
  const r = requireFaults(history, g);
  if (!r.ok) {
    return r.verdict;
  }
  const bound = threshold(g, 'maxOutageKeepingNodesReadyMs');
  for (const f of r.faults) {
    const held = heldMs(f, history);
    if (held > bound) {
      return verdict(g.id, 'inconclusive', `fault ${f.faultId} was held ${ms(held)}, longer than the ${ms(bound)} that keeps nodes Ready: evictions are then expected`, { heldMs: held }, { maxOutageKeepingNodesReadyMs: bound });
    }
  }
  return verdict(g.id, 'pass', '', {}, { maxOutageKeepingNodesReadyMs: bound });
}

/** workload-continuity: the HTTP probe is served throughout an outage held under the grace period. */
export const checkWorkloadServesThroughOutage: ControlPlaneCheck = (history, g, ctx) =>
  runStages(g.id, [() => heldUnderGrace(history, g), () => checkWorkloadKeepsServing(history, g, ctx)]);

/** What stops working: no write through the LB (creating a pod included) is acknowledged during the outage. */
export const checkControlPlaneWritesRefused: ControlPlaneCheck = (history, g, ctx) =>
  runStages(g.id, [
    () => {
      const r = requireFaults(history, g);
      return r.ok ? verdict(g.id, 'pass', '') : r.verdict;
    },
    () => {
      const minAttempts = threshold(g, 'minAttemptsInWindow');
      const writes = [...history.operations({ probe: ctx.names.apiWrite }), ...history.operations({ probe: ctx.names.work, op: 'schedule-pod' })];
      let acked = 0;
      let attempted = 0;
      let example = '';
      for (const f of history.faultWindows()) {
        const w = confirmedWindow(f, history);
        const a = acknowledgedWithin(writes, w);
        const first = a[0];
        if (first !== undefined && example === '') {
          example = ` (first: ${first.probe} ${first.op} at ${ms(first.invokedAtMs)})`;
        }
        acked += a.length;
        attempted += attemptedWithin(writes, w);
      }
      const measured = { acknowledgedWrites: acked, attemptedWrites: attempted };
      const limits = { maxAcknowledgedWrites: 0, minAttemptsInWindow: minAttempts };
      if (acked > 0) {
        return verdict(g.id, 'fail', `${acked} writes were acknowledged during the outage${example}: the control plane was not down`, measured, limits);
      }
      if (attempted < minAttempts) {
        return verdict(g.id, 'inconclusive', `only ${attempted} writes were attempted during the outage (need ${minAttempts})`, measured, limits);
      }
      return verdict(g.id, 'pass', `none of ${attempted} writes (creating objects, pods included) succeeded during the outage: the cluster could not be changed`, measured, limits);
    },
  ]);

/** After recovery: no pod restarted, none was evicted or replaced, no extra replicas appeared. */
export const checkNoPodDisruption: ControlPlaneCheck = (history, g) => {
  const faults = history.faultWindows();
  const first = faults[0];
  const lastHeal = Math.max(...faults.map((f) => f.healedAtMs ?? Number.POSITIVE_INFINITY));
  if (first === undefined) {
    return verdict(g.id, 'inconclusive', 'no fault was recorded in this history');
  }
  if (!Number.isFinite(lastHeal)) {
    return verdict(g.id, 'inconclusive', 'a fault was never healed: there is no "after recovery"');
  }
  const snaps = history.podSnapshots();
  const before = lastBefore(snaps, first.issuedAtMs);
  const after = [...snaps].filter((s) => s.atMs >= lastHeal && s.namespace === before?.namespace).pop();
  if (before === undefined || after === undefined) {
    return verdict(g.id, 'inconclusive', `need a pod snapshot before the first fault and one after the last heal (have ${before === undefined ? 'no' : 'a'} before, ${after === undefined ? 'no' : 'an'} after)`);
  }
  if (before.pods.length === 0) {
    return verdict(g.id, 'inconclusive', `the snapshot of ${before.namespace} before the fault holds no pods`);
  }
  const d = podDisruption(before, after);
  const measured = { podsBefore: d.before, podsAfter: d.after, restarted: d.restarted.length, gone: d.gone.length, added: d.added.length, deleting: d.deleting.length, notReadyAfter: d.notReadyAfter.length };
  const limits = { maxRestarted: 0, maxGone: 0, maxAdded: 0 };
  if (undisrupted(d)) {
    return verdict(g.id, 'pass', `all ${d.before} pods of ${before.namespace} are the same pods after recovery, none restarted`, measured, limits);
  }
  const parts = [
    ...d.restarted.map((p) => `${p.name} restarted (${p.restartsBefore} -> ${p.restartsAfter})`),
    ...d.gone.map((p) => `${p.name} is gone`),
    ...d.added.map((p) => `${p.name} is new`),
    ...d.deleting.map((p) => `${p.name} is being deleted`),
    ...d.notReadyAfter.map((p) => `${p.name} is not Ready`),
  ];
  return verdict(g.id, 'fail', `the workload was disrupted: ${parts.slice(0, 5).join('; ')}${parts.length > 5 ? '; ...' : ''}`, measured, limits);
};

// ---- control-plane-node-loss -----------------------------------------------------------------

/** The lost node goes NotReady after the grace period: not before it, and not long after. */
export const checkNodeNotReadyAfterGrace: ControlPlaneCheck = (history, g) =>
  runStages(g.id, [
    () => rateStage(history, g, [{ kind: 'polls', poller: 'node', minName: 'minNodePollsPerSecond' }]),
    () => singleTargetFaults(history, g, (f, t) => (history.observedNodes().includes(t) ? undefined : `fault ${f.faultId} hit ${t}, which the node poller never saw`)),
    () => {
      const minB = threshold(g, 'minNotReadyAfterMs');
      const maxB = threshold(g, 'maxNotReadyAfterMs');
      const limits = { minNotReadyAfterMs: minB, maxNotReadyAfterMs: maxB };
      const delays: number[] = [];
      for (const f of history.faultWindows()) {
        const t = f.targets[0] ?? '';
        const obs = history.nodeObservations(t);
        const nr = firstAfter(obs, f.issuedAtMs, (o) => !isNodeReady(o));
        const end = f.healedAtMs ?? history.endMs();
        if (nr === undefined || nr.atMs > end) {
          const held = end - f.issuedAtMs;
          return held >= maxB
            ? verdict(g.id, 'fail', `${t} stayed Ready for the whole ${ms(held)} it was down (fault ${f.faultId})`, { heldMs: held }, limits)
            : verdict(g.id, 'inconclusive', `${t} was down only ${ms(held)}, shorter than the grace period allows to observe (${ms(maxB)})`, { heldMs: held }, limits);
        }
        const d = nr.atMs - f.issuedAtMs;
        if (d < minB) {
          return verdict(g.id, 'fail', `${t} was ${nr.ready} only ${ms(d)} after fault ${f.faultId}, earlier than the grace period allows (${ms(minB)})`, { notReadyAfterMs: d }, limits);
        }
        delays.push(d);
      }
      const worst = Math.max(...delays);
      const measured = { notReadyAfterMs: worst };
      return worst <= maxB
        ? verdict(g.id, 'pass', `the lost node went NotReady ${ms(worst)} after the fault, inside [${ms(minB)}, ${ms(maxB)}]`, measured, limits)
        : verdict(g.id, 'fail', `the lost node went NotReady only ${ms(worst)} after the fault, over the ${ms(maxB)} bound`, measured, limits);
    },
  ]);

/** After the node is back it is Ready again within a bound, haproxy serves its apiserver, and its etcd member answers. */
export const checkNodeRejoins: ControlPlaneCheck = (history, g) =>
  runStages(g.id, [
    () => rateStage(history, g, [{ kind: 'polls', poller: 'node', minName: 'minNodePollsPerSecond' }]),
    () => singleTargetFaults(history, g, (f) => (f.healedAtMs === undefined ? `fault ${f.faultId} was never healed` : undefined)),
    () => {
      const bound = threshold(g, 'maxNodeRejoinMs');
      const limits = { maxNodeRejoinMs: bound };
      let worst = 0;
      let backendUp = 0;
      let memberAnswers = 0;
      for (const f of history.faultWindows()) {
        const t = f.targets[0] ?? '';
        const healed = f.healedAtMs ?? 0;
        const ready = firstAfter(history.nodeObservations(t), healed, isNodeReady);
        if (ready === undefined) {
          return noResult(g, history, healed, bound, `no Ready observation of ${t} after it was restarted`, limits);
        }
        worst = Math.max(worst, ready.atMs - healed);
        if (firstFullyUpAfter(history.backendStates(), t, healed) !== undefined) {
          backendUp += 1;
        } else if (history.backendServers().includes(t)) {
          return noResult(g, history, healed, bound, `haproxy did not mark ${t} UP again after it was restarted; no UP`, limits);
        }
        const member = history.leaderObservations(t).find((o) => o.atMs >= healed && !/^0+$/.test(o.leaderId));
        if (member !== undefined) {
          memberAnswers += 1;
        } else if (history.polledMembers().includes(t)) {
          return noResult(g, history, healed, bound, `the etcd member on ${t} did not report a leader after the restart; no healthy member`, limits);
        }
      }
      const measured = { rejoinMs: worst, backendUpAgain: backendUp, etcdMemberAnswers: memberAnswers };
      return worst <= bound
        ? verdict(g.id, 'pass', `the node was Ready ${ms(worst)} after its restart${backendUp > 0 ? ', haproxy serves its apiserver again' : ''}${memberAnswers > 0 ? ', its etcd member follows the leader' : ''}`, measured, limits)
        : verdict(g.id, 'fail', `the node was Ready again only ${ms(worst)} after its restart, over the ${ms(bound)} bound`, measured, limits);
    },
  ]);

/**
 * The restarted node keeps its IP. kind gives a restarted node container whatever address docker
 * hands out (kind#1689); a new one breaks the etcd peer URLs and the apiserver's --advertise-address
 * baked into the static pod manifests, so the node cannot rejoin. Reported as a clear finding.
 */
export const checkNodeIpStable: ControlPlaneCheck = (history, g) => {
  const r = requireFaults(history, g);
  if (!r.ok) {
    return r.verdict;
  }
  let checked = 0;
  for (const f of r.faults) {
    for (const t of f.targets) {
      const before = lastBefore(history.nodeObservations(t).filter((o) => o.internalIp !== undefined), f.issuedAtMs)?.internalIp;
      // The address the restarted kubelet reports: its first Ready status after the restart (until
      // it posts one, the Node object still carries the old address).
      const healed = f.healedAtMs ?? Number.POSITIVE_INFINITY;
      const after = (firstAfter(history.nodeObservations(t), healed, (o) => o.internalIp !== undefined && isNodeReady(o)) ?? firstAfter(history.nodeObservations(t), healed, (o) => o.internalIp !== undefined))?.internalIp;
      if (before === undefined || after === undefined) {
        continue;
      }
      checked += 1;
      if (before !== after) {
        return verdict(
          g.id,
          'fail',
          `kind#1689: ${t} came back with IP ${after} (was ${before}); its etcd peer URL and the apiserver's --advertise-address still name ${before}, so the member cannot rejoin without re-provisioning`,
          { ipChanges: nodeIpChanges(history.nodeObservations(), t).length },
          { maxIpChanges: 0 },
        );
      }
    }
  }
  return checked === 0
    ? verdict(g.id, 'inconclusive', 'the node IP was not observed both before the fault and after the restart')
    : verdict(g.id, 'pass', `the restarted node(s) kept their IP (${checked} checked)`, { ipChanges: 0 }, { maxIpChanges: 0 });
};
