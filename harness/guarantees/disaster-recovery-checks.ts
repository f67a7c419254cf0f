/**
 * Pure checks of the disaster-recovery drills, on a case's history: the drill steps it recorded
 * (drill-step entries: when each began and ended, ok / refused / fail, its numbers), the write
 * probe's operations, and the reads of the probe keys (ReadSnapshot: one of the snapshot file, one
 * of the cluster after the drill).
 */
import { longestOutage, resolveByWatch } from '../checks/availability.js';
import { writeFate } from '../checks/durability.js';
import { verdict, type Verdict } from '../checks/verdict.js';
import { lastStep, drillSteps } from '../drills/drill-step.js';
import type { History, Operation, ReadSnapshot } from '../probes/history.js';
import { threshold, type CheckedGuarantee } from './check-helpers.js';

export const DRILL_WRITE_PROBE = 'etcd-write';
/** The ReadSnapshot target of the read of the snapshot FILE (as opposed to a member of the cluster). */
export const SNAPSHOT_FILE_TARGET = 'snapshot-file';

export type DrillCheck = (history: History, g: CheckedGuarantee) => Verdict;

const acked = (history: History): Operation[] => history.operations({ probe: DRILL_WRITE_PROBE, outcome: 'ok' }).filter((o) => o.key !== undefined);

function reads(history: History): readonly ReadSnapshot[] {
  return history.ofKind('snapshot').filter((s) => s.probe === DRILL_WRITE_PROBE);
}

/**
 * The snapshot's revision is at least that of every write acknowledged before the save began, and
 * the file really holds each of those writes (read back from it on a loopback etcd).
 */
export const checkSnapshotCoversAcknowledgedWrites: DrillCheck = (history, g) => {
  const save = lastStep(history, 'snapshot', 'snapshot-save');
  if (save === undefined || save.outcome !== 'ok') {
    return verdict(g.id, 'inconclusive', save === undefined ? 'no snapshot was taken' : `the snapshot failed: ${save.detail}`);
  }
  const revision = save.facts?.['revision'];
  if (revision === undefined) {
    return verdict(g.id, 'inconclusive', 'the snapshot step recorded no revision');
  }
  const before = acked(history).filter((o) => o.completedAtMs < save.startedAtMs);
  const minWrites = threshold(g, 'minAcknowledgedBeforeSnapshot');
  if (before.length < minWrites) {
    return verdict(g.id, 'inconclusive', `only ${before.length} writes were acknowledged before the snapshot began (at least ${minWrites} needed to judge it)`, { acknowledgedBefore: before.length }, { minAcknowledgedBeforeSnapshot: minWrites });
  }
  const maxAckedRevision = Math.max(...before.map((o) => o.revision ?? 0));
  const above = before.filter((o) => (o.revision ?? 0) > revision);
  const fileRead = reads(history).find((r) => r.target === SNAPSHOT_FILE_TARGET);
  if (fileRead === undefined) {
    return verdict(g.id, 'inconclusive', 'the snapshot file was not read back, so its contents are unjudged');
  }
  const missing = before.filter((w) => writeFate(w, fileRead, before) === 'absent');
  const measured = {
    snapshotRevision: revision,
    maxAcknowledgedRevisionBefore: maxAckedRevision,
    acknowledgedBefore: before.length,
    acknowledgedAboveSnapshotRevision: above.length,
    missingFromSnapshotFile: missing.length,
    snapshotBytes: save.facts?.['sizeBytes'] ?? 0,
    snapshotSaveMs: save.atMs - save.startedAtMs,
  };
  const limits = { acknowledgedAboveSnapshotRevision: 0, missingFromSnapshotFile: 0, minAcknowledgedBeforeSnapshot: minWrites };
  if (above.length > 0 || missing.length > 0) {
    return verdict(g.id, 'fail', `${above.length} write(s) acknowledged before the save began have a revision above the snapshot's ${revision}, and ${missing.length} are not in the file${missing[0] === undefined ? '' : ` (first: ${missing[0].key} rev ${missing[0].revision})`}`, measured, limits);
  }
  return verdict(g.id, 'pass', `snapshot at revision ${revision} (>= ${maxAckedRevision}, the newest of ${before.length} writes acknowledged before the save began) holds every one of them`, measured, limits);
};

/** Where an acknowledged write should be after a restore from a snapshot at `snapshotRevision`. */
export interface RestoreFates {
  readonly beforeSnapshot: number;
  readonly beforeSnapshotMissing: readonly Operation[];
  /** Acknowledged after the snapshot, before the disaster: lost by design. */
  readonly betweenSnapshotAndDisaster: number;
  readonly betweenSurvived: readonly Operation[];
  readonly afterRestore: number;
  readonly afterRestoreMissing: readonly Operation[];
}

/** Pure: sorts acknowledged writes by revision against the snapshot and the restored base revision. */
export function restoreFates(writes: readonly Operation[], read: ReadSnapshot, snapshotRevision: number, restoredBaseRevision: number): RestoreFates {
  const before = writes.filter((w) => (w.revision ?? 0) <= snapshotRevision);
  const between = writes.filter((w) => (w.revision ?? 0) > snapshotRevision && (w.revision ?? 0) <= restoredBaseRevision);
  const after = writes.filter((w) => (w.revision ?? 0) > restoredBaseRevision && (w.revision ?? 0) <= read.revision);
  const gone = (w: Operation): boolean => writeFate(w, read, writes) === 'absent';
  return {
    beforeSnapshot: before.length,
    beforeSnapshotMissing: before.filter(gone),
    betweenSnapshotAndDisaster: between.length,
    betweenSurvived: between.filter((w) => !gone(w)),
    afterRestore: after.length,
    afterRestoreMissing: after.filter(gone),
  };
}

/**
 * After a restore: every write acknowledged at or below the snapshot's revision is there with its
 * value; every write acknowledged after it (before the disaster) is gone, counted as lost by
 * design (one that survived means the data was not really destroyed or not really restored from the
 * snapshot); writes after the restore are kept.
 */
export const checkRestoreRecoversSnapshotState: DrillCheck = (history, g) => {
  const save = lastStep(history, 'snapshot', 'snapshot-save');
  const restored = lastStep(history, 'restore', 'restore-snapshot');
  const revision = save?.facts?.['revision'];
  const bump = restored?.facts?.['bumpRevision'];
  if (save === undefined || revision === undefined || restored === undefined || restored.outcome !== 'ok' || bump === undefined) {
    return verdict(g.id, 'inconclusive', restored === undefined || restored.outcome === 'ok' ? 'the drill recorded no snapshot revision or no restore' : `the restore failed: ${restored.detail}`);
  }
  const read = reads(history).filter((r) => r.target !== SNAPSHOT_FILE_TARGET && r.atMs > restored.atMs).at(-1);
  if (read === undefined) {
    return verdict(g.id, 'inconclusive', 'no read of the probe keys after the restore');
  }
  const f = restoreFates(acked(history), read, revision, revision + bump);
  const measured = {
    snapshotRevision: revision,
    acknowledgedBeforeSnapshot: f.beforeSnapshot,
    missingBeforeSnapshot: f.beforeSnapshotMissing.length,
    lostByDesign: f.betweenSnapshotAndDisaster - f.betweenSurvived.length,
    acknowledgedBetweenSnapshotAndDisaster: f.betweenSnapshotAndDisaster,
    survivedThatShouldNot: f.betweenSurvived.length,
    acknowledgedAfterRestore: f.afterRestore,
    missingAfterRestore: f.afterRestoreMissing.length,
  };
  const limits = { missingBeforeSnapshot: 0, survivedThatShouldNot: 0, missingAfterRestore: 0, minAcknowledgedBetween: threshold(g, 'minAcknowledgedBetween') };
  if (f.beforeSnapshotMissing.length > 0) {
    const w = f.beforeSnapshotMissing[0];
    return verdict(g.id, 'fail', `${f.beforeSnapshotMissing.length} of ${f.beforeSnapshot} writes acknowledged at or below the snapshot revision ${revision} are missing after the restore (first: ${w?.key} rev ${w?.revision})`, measured, limits);
  }
  if (f.betweenSurvived.length > 0) {
    return verdict(g.id, 'fail', `${f.betweenSurvived.length} write(s) acknowledged after the snapshot survived the restore: the data was not destroyed, or the cluster was not restored from the snapshot`, measured, limits);
  }
  if (f.afterRestoreMissing.length > 0) {
    return verdict(g.id, 'fail', `${f.afterRestoreMissing.length} write(s) acknowledged after the restore are missing`, measured, limits);
  }
  if (f.beforeSnapshot === 0 || f.betweenSnapshotAndDisaster < limits.minAcknowledgedBetween) {
    return verdict(g.id, 'inconclusive', `too few writes to judge: ${f.beforeSnapshot} before the snapshot, ${f.betweenSnapshotAndDisaster} between it and the disaster (at least ${limits.minAcknowledgedBetween})`, measured, limits);
  }
  return verdict(g.id, 'pass', `all ${f.beforeSnapshot} writes acknowledged up to revision ${revision} are back; the ${f.betweenSnapshotAndDisaster} acknowledged after the snapshot are lost, as a restore must lose them; ${f.afterRestore} written after the restore are kept`, measured, limits);
};

/**
 * The restored cluster serves again: the API answered within the bound, the workload that existed
 * before the snapshot is there and serves, and the controllers and kubelets recovered by themselves
 * (a component that needed a restart is a finding, with what was restarted).
 */
export const checkRestoredClusterServes: DrillCheck = (history, g) => {
  const api = lastStep(history, 'restore', 'api-ready');
  if (api === undefined || api.outcome !== 'ok') {
    return verdict(g.id, 'fail', api === undefined ? 'the API did not come back (the drill stopped before it)' : `the API did not come back: ${api.detail}`);
  }
  const timeToRestoreMs = api.facts?.['timeToRestoreMs'] ?? Number.NaN;
  const workload = lastStep(history, 'restore', 'workload-serves');
  const recovered = lastStep(history, 'restore', 'cluster-recovers');
  const kicked = lastStep(history, 'restore', 'restart-components');
  const measured = { timeToRestoreMs, ...(recovered?.facts?.['recoveryMs'] === undefined ? {} : { recoveryAfterApiMs: recovered.facts['recoveryMs'] }) };
  const limits = { maxTimeToRestoreMs: threshold(g, 'maxTimeToRestoreMs') };
  if (workload === undefined || workload.outcome !== 'ok') {
    return verdict(g.id, 'fail', `the workload that existed before the snapshot does not serve after the restore${workload === undefined ? '' : `: ${workload.detail}`}`, measured, limits);
  }
  if (timeToRestoreMs > limits.maxTimeToRestoreMs) {
    return verdict(g.id, 'fail', `the API came back ${(timeToRestoreMs / 1000).toFixed(1)} s after the disaster began, over ${(limits.maxTimeToRestoreMs / 1000).toFixed(0)} s`, measured, limits);
  }
  if (kicked !== undefined) {
    return verdict(g.id, 'finding', `the cluster recovered only after restarting ${kicked.detail}; without it: ${recovered?.detail ?? 'not recovered'}`, measured, limits);
  }
  if (recovered === undefined || recovered.outcome !== 'ok' || (recovered.facts?.['problems'] ?? 1) > 0) {
    return verdict(g.id, 'fail', `the cluster did not get back to its baseline after the restore${recovered === undefined ? '' : `: ${recovered.detail}`}`, measured, limits);
  }
  return verdict(g.id, 'pass', `API back ${(timeToRestoreMs / 1000).toFixed(1)} s after the disaster began; the workload serves; nodes, leases and controllers recovered with no restart`, measured, limits);
};

/** Longest outage of writes through each member not in `exclude`, over [startMs, endMs]. */
function worstMemberOutage(history: History, exclude: readonly string[], startMs: number, endMs: number): { member: string; outageMs: number; members: number } {
  const asSent = history.operations({ probe: DRILL_WRITE_PROBE, excludeTargets: exclude });
  const { ops } = resolveByWatch(asSent, history.watchEvents());
  const members = [...new Set(ops.map((o) => o.target))].sort();
  let worst = { member: '', outageMs: 0, members: members.length };
  for (const m of members) {
    const o = longestOutage(ops.filter((x) => x.target === m), { startMs, endMs })?.durationMs ?? 0;
    if (o > worst.outageMs) {
      worst = { member: m, outageMs: o, members: members.length };
    }
  }
  return worst;
}

/**
 * While a member is lost for good and replaced, quorum is never lost: writes through every other
 * member keep succeeding (no outage over the bound), every membership change the procedure made was
 * one the strict-reconfiguration model calls safe, and at the end every member is a healthy voter.
 */
export const checkReplacementKeepsQuorum: DrillCheck = (history, g) => {
  const record = lastStep(history, 'replace-member', 'record-member');
  const verify = lastStep(history, 'replace-member', 'verify-membership');
  const failed = drillSteps(history, 'replace-member').find((s) => s.outcome === 'fail');
  if (failed !== undefined) {
    return verdict(g.id, 'fail', `the replacement failed at ${failed.step}: ${failed.detail}`);
  }
  if (record === undefined || verify === undefined) {
    return verdict(g.id, 'inconclusive', 'the replacement did not run to its end');
  }
  const victim = /^(\S+) is member/.exec(record.detail)?.[1] ?? '';
  const changes = drillSteps(history, 'replace-member').filter((s) => ['remove-member', 'add-learner', 'promote-learner'].includes(s.step));
  const unsafe = changes.filter((s) => s.facts?.['modelSafe'] !== 1);
  const w = worstMemberOutage(history, [victim], record.atMs, verify.atMs);
  const f = verify.facts ?? {};
  const measured = {
    maxWriteOutageMs: w.outageMs,
    survivingMembersProbed: w.members,
    membershipChanges: changes.length,
    unsafeChanges: unsafe.length,
    voters: f['voters'] ?? 0,
    learners: f['learners'] ?? 0,
    memberIdChanged: f['idChanged'] ?? 0,
    replacementMs: f['replacementMs'] ?? 0,
  };
  const limits = { maxWriteOutageMs: threshold(g, 'maxWriteOutageMs'), unsafeChanges: 0, voters: f['expectedVoters'] ?? 0, learners: 0 };
  if (w.members === 0) {
    return verdict(g.id, 'inconclusive', 'no writes through the surviving members were recorded', measured, limits);
  }
  if (unsafe.length > 0 || changes.length < 3) {
    return verdict(g.id, 'fail', `the procedure made ${changes.length} membership change(s), ${unsafe.length} not judged safe first`, measured, limits);
  }
  if (measured.voters !== limits.voters || measured.learners !== 0 || measured.memberIdChanged !== 1) {
    return verdict(g.id, 'fail', `membership at the end: ${measured.voters} voters (want ${limits.voters}), ${measured.learners} learners, member id ${measured.memberIdChanged === 1 ? 'new' : 'unchanged'}`, measured, limits);
  }
  if (w.outageMs > limits.maxWriteOutageMs) {
    return verdict(g.id, 'fail', `writes through ${w.member} stopped for ${(w.outageMs / 1000).toFixed(2)} s during the loss and replacement, over the ${(limits.maxWriteOutageMs / 1000).toFixed(2)} s bound`, measured, limits);
  }
  return verdict(g.id, 'pass', `member replaced in ${(measured.replacementMs / 1000).toFixed(1)} s with 3 changes each judged safe first; the longest write outage through a surviving member was ${w.outageMs} ms`, measured, limits);
};

/** After the replacement the cluster tolerates a failure again: with another member down, writes through the rest go on. */
export const checkReplacementRestoresTolerance: DrillCheck = (history, g) => {
  const faults = history.faultWindows();
  const verify = lastStep(history, 'replace-member', 'verify-membership');
  const f = faults.find((x) => verify !== undefined && x.issuedAtMs > verify.atMs);
  if (verify === undefined || f === undefined) {
    return verdict(g.id, 'inconclusive', verify === undefined ? 'the replacement did not finish' : 'no member was taken down after the replacement');
  }
  const end = f.healIssuedAtMs ?? f.healedAtMs ?? f.injectedAtMs;
  const w = worstMemberOutage(history, f.targets, f.injectedAtMs, end);
  const measured = { maxWriteOutageMs: w.outageMs, survivingMembersProbed: w.members, heldDownMs: end - f.injectedAtMs };
  const limits = { maxWriteOutageMs: threshold(g, 'maxWriteOutageMs') };
  if (w.members === 0) {
    return verdict(g.id, 'fail', `no member other than ${f.targets.join(', ')} accepted a write while it was down`, measured, limits);
  }
  if (w.outageMs > limits.maxWriteOutageMs) {
    return verdict(g.id, 'fail', `with ${f.targets.join(', ')} down after the replacement, writes through ${w.member} stopped for ${(w.outageMs / 1000).toFixed(2)} s, over ${(limits.maxWriteOutageMs / 1000).toFixed(2)} s: the replaced member does not make a quorum`, measured, limits);
  }
  return verdict(g.id, 'pass', `with ${f.targets.join(', ')} down for ${(measured.heldDownMs / 1000).toFixed(1)} s after the replacement, writes through the other ${w.members} members went on (longest outage ${w.outageMs} ms)`, measured, limits);
};

/**
 * etcd refuses a membership change that would cost quorum, and the membership is unchanged after
 * each refusal; the model the replacement procedure relies on agreed with etcd on every attempt.
 */
export const checkUnsafeReconfigurationRefused: DrillCheck = (history, g) => {
  const attempts = drillSteps(history, 'reconfiguration').filter((s) => s.step.startsWith('attempt-'));
  if (attempts.length === 0) {
    const skipped = lastStep(history, 'reconfiguration', 'strict-check-flag');
    return verdict(g.id, 'inconclusive', skipped === undefined ? 'no unsafe change was attempted' : skipped.detail);
  }
  const accepted = attempts.filter((s) => s.outcome !== 'refused');
  const modelDisagrees = attempts.filter((s) => s.facts?.['modelSafe'] !== 0);
  const changed = attempts.filter((s) => (s.facts?.['membersAfter'] ?? -1) !== (s.facts?.['membersBefore'] ?? -2));
  const measured = { attempts: attempts.length, accepted: accepted.length, modelDisagreements: modelDisagrees.length, membershipChanged: changed.length };
  const limits = { accepted: 0, modelDisagreements: 0, membershipChanged: 0 };
  if (accepted.length > 0 || changed.length > 0) {
    return verdict(g.id, 'fail', `etcd accepted ${accepted.map((s) => s.step).join(', ') || 'nothing'} and the membership changed on ${changed.length} attempt(s): ${accepted[0]?.detail ?? changed[0]?.detail ?? ''}`, measured, limits);
  }
  if (modelDisagrees.length > 0) {
    return verdict(g.id, 'fail', `etcd refused, but the procedure's safety model called ${modelDisagrees.map((s) => s.step).join(', ')} safe: the model is wrong`, measured, limits);
  }
  return verdict(g.id, 'pass', `etcd refused all ${attempts.length} unsafe change(s) (${attempts.map((s) => `${s.step.replace(/^attempt-/, '')}: ${s.detail.slice(s.detail.lastIndexOf('): etcd ') + 8)}`).join('; ')}), the membership stayed as it was, and the safety model refused them too`, measured, limits);
};
