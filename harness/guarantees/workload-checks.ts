/**
 * The workload-continuity checks: the workload serves, the control plane refuses changes, pods are undisturbed.
 * Conventions, probe names and the shared helpers: control-plane-checks.ts.
 */
import type { History } from '../probes/history.js';
import { acknowledgedWithin, attemptedWithin } from '../checks/no-split-brain.js';
import { lastBefore } from '../checks/observed-states.js';
import { podDisruption, undisrupted } from '../checks/pod-disruption.js';
import { runStages, verdict, type Verdict } from '../checks/verdict.js';
import { confirmedWindow, heldMs, ms, requireFaults, threshold, type CheckedGuarantee } from './check-helpers.js';
import type { ControlPlaneCheck } from './control-plane-checks.js';
import { checkWorkloadKeepsServing } from './lb-checks.js';

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
