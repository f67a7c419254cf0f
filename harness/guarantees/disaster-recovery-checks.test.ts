import { describe, expect, it } from 'vitest';
import { History, type HistoryEntry, type Operation } from '../probes/history.js';
import { buildDisasterRecoveryCatalogue } from './disaster-recovery-catalogue.js';
import { restoreFates, SNAPSHOT_FILE_TARGET } from './disaster-recovery-checks.js';

const timers = { heartbeatIntervalMs: 100, electionTimeoutMs: 1000 };
const cat = buildDisasterRecoveryCatalogue({
  timersByMember: { cp1: timers, cp2: timers, cp3: timers },
  probes: { pollIntervalMs: 100, writeIntervalMs: 100, writeTimeoutMs: 250 },
});
const judge = (id: Parameters<typeof cat.get>[0], h: History) => {
  const g = cat.get(id);
  return g.check(h, g);
};

/** A write of the etcd probe: one every 100 ms per member, revisions rising by one per write. */
function write(i: number, member: string, outcome: Operation['outcome'] = 'ok', revision?: number): HistoryEntry {
  return { kind: 'op', probe: 'etcd-write', op: 'put', target: member, invokedAtMs: i * 100, completedAtMs: i * 100 + 8, outcome, key: `/p/${member}/${i}`, value: `v${i}`, ...(outcome === 'ok' ? { revision: revision ?? 1000 + i } : {}) };
}

function snapshotCase(opts: { fileMisses?: number } = {}): History {
  const h = new History();
  const ops = Array.from({ length: 60 }, (_, i) => write(i, 'cp1'));
  ops.forEach((o) => h.record(o));
  // The save began at 6,000 ms, after write 59 (rev 1059) was acknowledged; the snapshot is at 1061.
  h.record({ kind: 'drill-step', drill: 'snapshot', step: 'snapshot-save', startedAtMs: 6_000, atMs: 6_900, outcome: 'ok', detail: 'saved', facts: { revision: 1061, hash: 1, totalKeys: 900, sizeBytes: 7_000_000 } });
  const inFile = ops.slice(opts.fileMisses ?? 0).map((o) => ({ key: (o as Operation).key ?? '', value: (o as Operation).value ?? '', modRevision: (o as Operation).revision ?? 0 }));
  h.record({ kind: 'snapshot', atMs: 9_000, probe: 'etcd-write', target: SNAPSHOT_FILE_TARGET, prefix: '/p/', revision: 1061, entries: inFile });
  return h;
}

describe('disaster-recovery.snapshot-covers-acknowledged-writes', () => {
  it('passes when the file holds every write acknowledged before the save', () => {
    const v = judge('disaster-recovery.snapshot-covers-acknowledged-writes', snapshotCase());
    expect(v.status).toBe('pass');
    expect(v.measured).toMatchObject({ acknowledgedBefore: 60, maxAcknowledgedRevisionBefore: 1059, snapshotRevision: 1061, missingFromSnapshotFile: 0 });
  });

  it('fails when acknowledged writes are missing from the file', () => {
    const v = judge('disaster-recovery.snapshot-covers-acknowledged-writes', snapshotCase({ fileMisses: 2 }));
    expect(v.status).toBe('fail');
    expect(v.measured['missingFromSnapshotFile']).toBe(2);
  });

  it('is inconclusive without a read of the file', () => {
    const h = new History(snapshotCase().entries().filter((e) => e.kind !== 'snapshot'));
    expect(judge('disaster-recovery.snapshot-covers-acknowledged-writes', h).status).toBe('inconclusive');
  });
});

/**
 * A restore case as the drill records it: writes 0-39 before the snapshot (rev 1000-1039, snapshot
 * at 1039), 40-79 after it and before the disaster (lost by design), an outage, then writes at
 * revisions past the 1e9 bump.
 */
function restoreCase(opts: { survivor?: boolean; lose?: number } = {}): History {
  const h = new History();
  const before = Array.from({ length: 40 }, (_, i) => write(i, 'cp1'));
  const between = Array.from({ length: 40 }, (_, i) => write(40 + i, 'cp2'));
  const down = Array.from({ length: 5 }, (_, i) => write(80 + i, 'cp1', 'fail'));
  const after = Array.from({ length: 20 }, (_, i) => write(85 + i, 'cp3', 'ok', 1_000_001_041 + i));
  [...before, ...between, ...down, ...after].forEach((o) => h.record(o));
  h.record({ kind: 'drill-step', drill: 'snapshot', step: 'snapshot-save', startedAtMs: 3_950, atMs: 4_000, outcome: 'ok', detail: 'saved', facts: { revision: 1039 } });
  h.record({ kind: 'drill-step', drill: 'restore', step: 'restore-snapshot', startedAtMs: 8_200, atMs: 8_400, outcome: 'ok', detail: 'restored', facts: { snapshotRevision: 1039, bumpRevision: 1_000_000_000 } });
  const kv = (o: HistoryEntry) => ({ key: (o as Operation).key ?? '', value: (o as Operation).value ?? '', modRevision: (o as Operation).revision ?? 0 });
  const entries = [...before.slice(opts.lose ?? 0).map(kv), ...(opts.survivor ? [kv(between[3]!)] : []), ...after.map(kv)];
  h.record({ kind: 'snapshot', atMs: 12_000, probe: 'etcd-write', target: 'cp1', prefix: '/p/', revision: 1_000_001_070, entries });
  return h;
}

describe('disaster-recovery.restore-recovers-snapshot-state', () => {
  it('passes when what the snapshot held is back and what came after it is gone, and counts the loss', () => {
    const v = judge('disaster-recovery.restore-recovers-snapshot-state', restoreCase());
    expect(v.status).toBe('pass');
    expect(v.measured).toMatchObject({ acknowledgedBeforeSnapshot: 40, lostByDesign: 40, acknowledgedAfterRestore: 20, missingBeforeSnapshot: 0 });
  });

  it('fails when an acknowledged write at or below the snapshot revision is missing', () => {
    expect(judge('disaster-recovery.restore-recovers-snapshot-state', restoreCase({ lose: 1 })).status).toBe('fail');
  });

  it('fails when a write acknowledged after the snapshot survived: the disaster or the restore was not real', () => {
    const v = judge('disaster-recovery.restore-recovers-snapshot-state', restoreCase({ survivor: true }));
    expect(v.status).toBe('fail');
    expect(v.reason).toMatch(/survived the restore/);
  });

  it('sorts writes by the snapshot revision and the bumped base', () => {
    const h = restoreCase();
    const read = h.ofKind('snapshot').at(-1)!;
    const f = restoreFates(h.operations({ probe: 'etcd-write', outcome: 'ok' }), read, 1039, 1_000_001_039);
    expect([f.beforeSnapshot, f.betweenSnapshotAndDisaster, f.afterRestore]).toEqual([40, 40, 20]);
  });
});

describe('disaster-recovery.unsafe-reconfiguration-refused', () => {
  const attempt = (outcome: 'ok' | 'refused', modelSafe: number, after = 3): HistoryEntry => ({ kind: 'drill-step', drill: 'reconfiguration', step: 'attempt-remove-healthy-voter', startedAtMs: 1, atMs: 2, outcome, detail: 'remove member b: etcd etcdserver: unhealthy cluster', facts: { modelSafe, membersBefore: 3, membersAfter: after } });
  it('passes when etcd refused, the membership is unchanged and the model agreed', () => {
    expect(judge('disaster-recovery.unsafe-reconfiguration-refused', new History([attempt('refused', 0)])).status).toBe('pass');
  });
  it('fails when etcd accepted, or when the model disagreed', () => {
    expect(judge('disaster-recovery.unsafe-reconfiguration-refused', new History([attempt('ok', 0, 2)])).status).toBe('fail');
    expect(judge('disaster-recovery.unsafe-reconfiguration-refused', new History([attempt('refused', 1)])).status).toBe('fail');
  });
  it('is inconclusive when nothing was attempted', () => {
    expect(judge('disaster-recovery.unsafe-reconfiguration-refused', new History()).status).toBe('inconclusive');
  });
});
