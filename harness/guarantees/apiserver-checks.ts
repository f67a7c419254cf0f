/**
 * The apiserver-failover checks: one apiserver killed or held down, all of them down.
 * Conventions, probe names and the shared helpers: control-plane-checks.ts.
 */
import { availabilityStats, invokedIn, longestOutage, timeToFirstSuccess, type TimeWindow } from '../checks/availability.js';
import { acknowledgedWithin, attemptedWithin } from '../checks/no-split-brain.js';
import { firstEjectedAfter, firstWithAddressAfter, firstWithoutAddressAfter, isBackendEjected, lastBefore } from '../checks/observed-states.js';
import { runStages, verdict } from '../checks/verdict.js';
import { baselineWindow, confirmedWindow, ms, outerWindow, pct, rateStage, requireFaults, threshold } from './check-helpers.js';
import { apiRates, apiserversOf, directRate, downSpan, ipOf, noResult, singleTargetFaults, throughLb, type ControlPlaneCheck } from './control-plane-checks.js';

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
      // A single slow health check ("UP 1/3") on a loaded machine is not unhealthy; an ejection is.
      const states = history.backendStates().filter(inBase);
      measured['backendFailingCheckObservations'] = states.filter((s) => s.status !== 'UP').length;
      const ejected = states.filter((s) => isBackendEjected(s.status));
      const first = ejected[0];
      if (first !== undefined) {
        return verdict(g.id, 'fail', `haproxy had ${first.server} ${first.status} (${first.checkStatus ?? '?'}) in the baseline`, { ...measured, backendEjectedObservations: ejected.length }, limits);
      }
      const eps = history.endpointsObservations().filter(inBase);
      for (const n of servers) {
        const ip = ipOf(history, ctx, n);
        if (ip !== undefined && eps.some((e) => !e.addresses.includes(ip))) {
          return verdict(g.id, 'fail', `default/kubernetes did not list ${n} (${ip}) throughout the baseline`, measured, limits);
        }
      }
      return verdict(g.id, 'pass', `all ${servers.length} apiservers ready (worst ${pct(worst)}), haproxy kept every backend in service, through-LB ${pct(lb)}`, measured, limits);
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

/**
 * External etcd: an etcd member lost (killed, held down) takes no apiserver with it. Every apiserver
 * lists every member in --etcd-servers, so its client moves to the others: through the whole fault
 * window (issue to verified heal) every apiserver keeps answering /readyz and requests through the
 * LB keep succeeding. Judged per fault, on the worst apiserver and on the LB path.
 */
export const checkEtcdMemberLossKeepsApiservers: ControlPlaneCheck = (history, g, ctx) =>
  runStages(g.id, [
    () => rateStage(history, g, [...apiRates(history, ctx), directRate(ctx)]),
    () => {
      const req = requireFaults(history, g);
      if (!req.ok) {
        return req.verdict;
      }
      const min = threshold(g, 'minOtherApiserversSuccessRatio');
      const minAttempts = threshold(g, 'minAttemptsInWindow');
      const limits = { minOtherApiserversSuccessRatio: min, minAttemptsInWindow: minAttempts };
      const servers = apiserversOf(history, ctx);
      const measured: Record<string, number> = { apiservers: servers.length };
      let worst = 1;
      let worstNode = '';
      let worstLb = 1;
      let longestLbOutageMs = 0;
      let apiserverFailures = 0;
      for (const f of req.faults) {
        const w = outerWindow(f, history);
        for (const n of servers) {
          const ops = history.operations({ probe: ctx.names.apiserverReadyz, target: n });
          const st = availabilityStats(ops, w);
          if (st.total < minAttempts) {
            return verdict(g.id, 'inconclusive', `only ${st.total} /readyz probes of ${n} during fault ${f.faultId} (need ${minAttempts})`, measured, limits);
          }
          apiserverFailures += st.failCount + st.unknownCount;
          if ((st.successRatio ?? 0) < worst) {
            worst = st.successRatio ?? 0;
            worstNode = n;
          }
          measured[`readyzRatio.${n}.${f.faultId}`] = st.successRatio ?? 0;
        }
        const lbOps = throughLb(history, ctx);
        const lb = availabilityStats(lbOps, w);
        if (lb.total < minAttempts) {
          return verdict(g.id, 'inconclusive', `only ${lb.total} requests through the LB during fault ${f.faultId} (need ${minAttempts})`, measured, limits);
        }
        worstLb = Math.min(worstLb, lb.successRatio ?? 0);
        longestLbOutageMs = Math.max(longestLbOutageMs, longestOutage(lbOps, w)?.durationMs ?? 0);
        measured[`throughLbRatio.${f.faultId}`] = lb.successRatio ?? 0;
      }
      Object.assign(measured, { minApiserverReadyzRatio: worst, throughLbMinRatio: worstLb, longestLbOutageMs, apiserverFailedProbes: apiserverFailures });
      if (worst < min) {
        return verdict(g.id, 'fail', `${worstNode} answered only ${pct(worst)} of /readyz probes while an etcd member was down: losing a member took an apiserver with it`, measured, limits);
      }
      if (worstLb < min) {
        return verdict(g.id, 'fail', `requests through the LB succeeded only ${pct(worstLb)} while an etcd member was down (longest outage ${ms(longestLbOutageMs)})`, measured, limits);
      }
      return verdict(g.id, 'pass', `no apiserver went down with the etcd member: worst /readyz ${pct(worst)} (${apiserverFailures} failed probes over ${req.faults.length} fault(s)), through the LB ${pct(worstLb)} (longest outage ${ms(longestLbOutageMs)})`, measured, limits);
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
