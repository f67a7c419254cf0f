/**
 * The lb-failover checks (the workload check is shared with workload-continuity and node loss).
 * Conventions, probe names and the shared helpers: control-plane-checks.ts.
 */
import type { FaultWindow, History, Operation } from '../probes/history.js';
import { availabilityStats, invokedIn, longestOutage, timeToFirstSuccess, type TimeWindow } from '../checks/availability.js';
import { attemptedWithin } from '../checks/no-split-brain.js';
import { firstAfter, isNodeReady } from '../checks/observed-states.js';
import { runStages, verdict, type Verdict } from '../checks/verdict.js';
import { heldMs, ms, outerWindow, pct, rateStage, requireFaults, threshold, type CheckedGuarantee } from './check-helpers.js';
import { apiRates, apiserversOf, directRate, noResult, throughLb, type ControlPlaneCheck } from './control-plane-checks.js';

/**
 * Faults that take "the load balancer" down: kind's one container, or every host of a vip-pair at
 * once (inject.ts resolves the load-balancer target to all of them), so one or two targets.
 */
function lbFaults(history: History, g: CheckedGuarantee, also?: (f: FaultWindow) => string | undefined): Verdict {
  const r = requireFaults(history, g);
  if (!r.ok) {
    return r.verdict;
  }
  for (const f of r.faults) {
    if (f.targets.length === 0 || f.targets.length > 2) {
      return verdict(g.id, 'inconclusive', `fault ${f.faultId} hit ${f.targets.length} machines (${f.targets.join(', ')}); this guarantee is about the load balancer (one container, or both hosts of a pair)`);
    }
    const problem = also?.(f);
    if (problem !== undefined) {
      return verdict(g.id, 'inconclusive', problem);
    }
  }
  return verdict(g.id, 'pass', '', { faults: r.faults.length });
}

/**
 * The LB is down: through it the API is down, while every apiserver answers directly. The outage is
 * measured from the confirmed fault to the first request through the LB that succeeds (kind's LB
 * container has restart policy on-failure:1, so a killed LB may come back by itself).
 */
export const checkApiDownViaLbWhileApiserversAnswer: ControlPlaneCheck = (history, g, ctx) =>
  runStages(g.id, [
    () => rateStage(history, g, [...apiRates(history, ctx), directRate(ctx)]),
    () => lbFaults(history, g),
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

/**
 * Existing pods and Services keep serving through the fault: the host-side HTTP probe succeeds (100 %
 * by default) in the window `windowOf` gives for each fault (default: from its issue to its verified
 * heal).
 */
export const workloadKeepsServing = (windowOf: (f: FaultWindow, history: History) => TimeWindow = outerWindow, during = 'during the fault'): ControlPlaneCheck => (history, g, ctx) =>
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
        const w = windowOf(f, history);
        const st = availabilityStats(ops, w);
        total += st.total;
        worst = Math.min(worst, st.successRatio ?? 1);
        failedOps = [...failedOps, ...invokedIn(ops, w).filter((o) => o.outcome !== 'ok')];
        outage = Math.max(outage, longestOutage(ops, w)?.durationMs ?? 0);
      }
      const measured = { workloadSuccessRatio: worst, workloadRequests: total, workloadFailures: failedOps.length, workloadLongestOutageMs: outage };
      if (total < minAttempts) {
        return verdict(g.id, 'inconclusive', `only ${total} workload requests ${during} (need ${minAttempts})`, measured, limits);
      }
      const first = failedOps[0];
      return worst >= min
        ? verdict(g.id, 'pass', `the workload answered ${pct(worst)} of ${total} HTTP requests ${during}`, measured, limits)
        : verdict(g.id, 'fail', `the workload answered only ${pct(worst)} of HTTP requests ${during} (${failedOps.length} failed, longest outage ${ms(outage)}; first via ${first?.target ?? '?'} at ${ms(first?.invokedAtMs ?? 0)}: ${first?.error ?? first?.outcome ?? '?'})`, measured, limits);
    },
  ]);

export const checkWorkloadKeepsServing: ControlPlaneCheck = workloadKeepsServing();

/** After the LB returns, the API answers through it within a bound, and every node is Ready again. */
export const checkApiRecoversAfterLb: ControlPlaneCheck = (history, g, ctx) =>
  runStages(g.id, [
    () => rateStage(history, g, apiRates(history, ctx)),
    () => lbFaults(history, g, (f) => (f.healedAtMs === undefined ? `fault ${f.faultId} was never healed` : undefined)),
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
