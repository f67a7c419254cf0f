import { describe, expect, it } from 'vitest';
import { History, HistoryFormatError, type HistoryEntry, type Operation } from './history.js';
import { leaderKillHistory } from '../testing/sample-histories.js';

const op = (over: Partial<Operation> = {}): Operation => ({
  probe: 'etcd-write',
  op: 'put',
  target: 'cp1',
  invokedAtMs: 100,
  completedAtMs: 104.5,
  outcome: 'ok',
  key: '/k/1',
  value: 'v1',
  revision: 12,
  ...over,
});

describe('History', () => {
  it('keeps entries in recorded order and tags operations', () => {
    const h = new History();
    h.recordOperation(op());
    h.record({ kind: 'leader', atMs: 105, member: 'cp1', leaderId: 'a1', term: 2, revision: 12 });
    h.recordOperation(op({ invokedAtMs: 200, completedAtMs: 700, outcome: 'unknown', error: 'deadline' }));
    expect(h.size).toBe(3);
    expect(h.entries().map((e) => e.kind)).toEqual(['op', 'leader', 'op']);
    expect(h.operations().map((o) => o.outcome)).toEqual(['ok', 'unknown']);
    expect(h.operations({ outcome: 'unknown' })).toHaveLength(1);
  });

  it('is append-only: recorded entries cannot be changed through the caller’s object', () => {
    const h = new History();
    const mine = { ...op(), kind: 'op' as const };
    h.record(mine);
    (mine as { outcome: string }).outcome = 'fail';
    expect(h.operations()[0]?.outcome).toBe('ok');
    const stored = h.operations()[0] as { outcome: string };
    expect(() => {
      stored.outcome = 'fail';
    }).toThrow(TypeError);
  });

  it('filters operations by probe, op list, target and excluded targets', () => {
    const h = new History();
    h.recordOperation(op({ target: 'cp1' }));
    h.recordOperation(op({ target: 'cp2', op: 'get', probe: 'etcd-read' }));
    h.recordOperation(op({ target: 'cp3' }));
    expect(h.operations({ probe: 'etcd-write' }).map((o) => o.target)).toEqual(['cp1', 'cp3']);
    expect(h.operations({ op: ['get'] }).map((o) => o.target)).toEqual(['cp2']);
    expect(h.operations({ excludeTargets: ['cp1', 'cp2'] }).map((o) => o.target)).toEqual(['cp3']);
    expect(h.operationLanes()).toEqual([
      { probe: 'etcd-write', target: 'cp1' },
      { probe: 'etcd-read', target: 'cp2' },
      { probe: 'etcd-write', target: 'cp3' },
    ]);
  });

  it('rejects an operation that completes before it was invoked, and non-finite times', () => {
    const h = new History();
    expect(() => h.recordOperation(op({ invokedAtMs: 10, completedAtMs: 9 }))).toThrow(HistoryFormatError);
    expect(() => h.recordOperation(op({ invokedAtMs: Number.NaN }))).toThrow(/finite/);
    expect(h.size).toBe(0);
  });

  it('pairs fault injections with heals and refuses double injection or heal without injection', () => {
    const h = new History();
    h.record({ kind: 'fault-injected', issuedAtMs: 1_000, atMs: 1_040, faultId: 'f1', summary: 'kill', targets: ['cp1'] });
    h.record({ kind: 'fault-injected', atMs: 5_000, faultId: 'f2', summary: 'pause', targets: ['cp2'] });
    h.record({ kind: 'fault-healed', atMs: 3_000, faultId: 'f1', summary: 'kill', targets: ['cp1'], error: 'timeout' });
    expect(h.faultWindows()).toEqual([
      { faultId: 'f1', summary: 'kill', targets: ['cp1'], issuedAtMs: 1_000, injectedAtMs: 1_040, healIssuedAtMs: 3_000, healedAtMs: 3_000, healError: 'timeout' },
      { faultId: 'f2', summary: 'pause', targets: ['cp2'], issuedAtMs: 5_000, injectedAtMs: 5_000 },
    ]);
    expect(() => h.record({ kind: 'fault-injected', atMs: 6_000, faultId: 'f1', summary: 'x', targets: [] })).toThrow(/twice/);
    expect(() => h.record({ kind: 'fault-healed', atMs: 6_000, faultId: 'f1', summary: 'x', targets: [] })).toThrow(/healed twice/);
    expect(() => h.record({ kind: 'fault-healed', atMs: 6_000, faultId: 'f9', summary: 'x', targets: [] })).toThrow(/never injected/);
  });

  it('resolves phases: end marks win, missing ends run to the next phase or the end of the history', () => {
    const h = new History();
    h.record({ kind: 'phase', name: 'baseline', startMs: 0 });
    h.record({ kind: 'phase', name: 'baseline', startMs: 0, endMs: 10_000 });
    h.record({ kind: 'phase', name: 'fault', startMs: 10_000 });
    h.record({ kind: 'phase', name: 'recovery', startMs: 25_000 });
    h.recordOperation(op({ invokedAtMs: 39_000, completedAtMs: 40_000 }));
    expect(h.phases()).toEqual([
      { name: 'baseline', startMs: 0, endMs: 10_000, endInferred: false },
      { name: 'fault', startMs: 10_000, endMs: 25_000, endInferred: true },
      { name: 'recovery', startMs: 25_000, endMs: 40_000, endInferred: true },
    ]);
    expect(h.phase('fault')?.endMs).toBe(25_000);
    expect(h.phase('heal')).toBeUndefined();
  });

  it('reports the time span of everything recorded', () => {
    const h = new History();
    expect([h.startMs(), h.endMs()]).toEqual([0, 0]);
    h.record({ kind: 'fault-injected', issuedAtMs: 50, atMs: 90, faultId: 'f', summary: 's', targets: [] });
    h.recordOperation(op({ invokedAtMs: 100, completedAtMs: 2_600 }));
    expect([h.startMs(), h.endMs()]).toEqual([50, 2_600]);
  });

  it('round-trips through JSON lines, preserving order and every field', () => {
    const h = leaderKillHistory();
    const text = h.toJsonl();
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n').filter((l) => l !== '')).toHaveLength(h.size);
    const back = History.fromJsonl(text);
    expect(back.entries()).toEqual(h.entries());
    expect(back.toJsonl()).toBe(text);
  });

  it('finds the last snapshot and groups watch logs per watcher', () => {
    const h = leaderKillHistory();
    expect(h.lastSnapshot('etcd-write')?.entries.length).toBeGreaterThan(0);
    expect(h.lastSnapshot('api-write')).toBeUndefined();
    expect(h.watchers()).toEqual(['etcd-watch']);
    expect(h.watchLog('etcd-watch').filter((e) => e.kind === 'watch-start')).toHaveLength(2);
    expect(h.polledMembers()).toHaveLength(3);
  });

  it('says which line of a stored history is broken, and why', () => {
    const good = JSON.stringify({ kind: 'note', atMs: 1, source: 's', text: 't' });
    expect(() => History.fromJsonl(`${good}\n{not json`)).toThrow(/line 2: not JSON/);
    expect(() => History.fromJsonl(`${good}\n${JSON.stringify({ kind: 'bogus', atMs: 1 })}`)).toThrow(/line 2: unknown entry kind/);
    expect(() =>
      History.fromJsonl(JSON.stringify({ kind: 'leader', atMs: 1, member: 'm', leaderId: 'a', term: '2', revision: 1 })),
    ).toThrow(/line 1: field leader.term: expected a finite number/);
    expect(() => History.fromJsonl(JSON.stringify({ kind: 'note', atMs: 1, source: 's', text: 't', extra: 1 }))).toThrow(
      /unknown field extra/,
    );
    const badRelist: unknown = {
      kind: 'watch-reset',
      atMs: 1,
      watcher: 'w',
      reason: 'compacted',
      relist: { revision: 5, entries: [{ key: 'k' }] },
    };
    expect(() => History.fromJsonl(JSON.stringify(badRelist))).toThrow(/relist.entries\[0\].value/);
    // Blank lines (e.g. a trailing newline, or a file concatenated from two runs) are fine.
    expect(History.fromJsonl(`\n${good}\n\n`).size).toBe(1);
  });

  it('accepts every entry kind the probes produce', () => {
    const all: HistoryEntry[] = [
      { ...op(), kind: 'op' },
      { kind: 'leader', atMs: 1, member: 'm', memberId: 'a', leaderId: 'a', term: 2, revision: 3, raftIndex: 9 },
      { kind: 'leader-error', atMs: 1, member: 'm', outcome: 'unknown', error: 'deadline' },
      { kind: 'phase', name: 'custom', startMs: 0 },
      { kind: 'watch-start', atMs: 1, watcher: 'w', target: 'm', prefix: '/p/', fromRevision: 1 },
      { kind: 'watch', atMs: 2, watcher: 'w', key: '/p/1', value: 'v', revision: 2, type: 'put' },
      { kind: 'watch-reset', atMs: 3, watcher: 'w', reason: 'compacted', compactRevision: 3, relist: { revision: 4, entries: [{ key: '/p/1', value: 'v', modRevision: 2 }] } },
      { kind: 'snapshot', atMs: 4, probe: 'etcd-write', target: 'm', prefix: '/p/', revision: 4, entries: [] },
      { kind: 'metric', atMs: 5, member: 'm', name: 'etcd_server_leader_changes_seen_total', value: 1 },
      { kind: 'note', atMs: 6, source: 'kubelet', text: 'restarted' },
    ];
    const h = new History(all);
    expect(History.fromJsonl(h.toJsonl()).entries()).toEqual(all);
  });
});
