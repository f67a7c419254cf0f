import { describe, expect, it } from 'vitest';
import type { LeaderObservation, Operation, WatchEvent, WatchReset, WatchStart } from '../probes/history.js';
import { regressions, watchCoverage, watchOrderViolations } from './monotonic.js';
import { leaderKillHistory, quorumLossHistory } from '../testing/sample-histories.js';

const obs = (atMs: number, member: string, term: number, revision: number, raftIndex?: number): LeaderObservation => ({
  kind: 'leader',
  atMs,
  member,
  leaderId: 'a',
  term,
  revision,
  ...(raftIndex === undefined ? {} : { raftIndex }),
});
const start = (atMs: number, fromRevision: number, watcher = 'w'): WatchStart => ({
  kind: 'watch-start',
  atMs,
  watcher,
  target: 'cp1',
  prefix: '/p/',
  fromRevision,
});
const ev = (atMs: number, revision: number, key = `/p/${revision}`, watcher = 'w'): WatchEvent => ({
  kind: 'watch',
  atMs,
  watcher,
  key,
  value: `v${revision}`,
  revision,
});
const ackedAt = (revision: number, key = `/p/${revision}`): Operation => ({
  probe: 'etcd-write',
  op: 'put',
  target: 'cp1',
  invokedAtMs: revision,
  completedAtMs: revision + 1,
  outcome: 'ok',
  key,
  value: `v${revision}`,
  revision,
});

describe('regressions', () => {
  it('finds nothing when terms, revisions and indexes only grow', () => {
    expect(regressions([obs(0, 'a', 2, 10, 50), obs(100, 'a', 2, 10, 50), obs(200, 'a', 3, 12, 55), obs(50, 'b', 1, 1)])).toEqual([]);
  });

  it('reports each field that went backwards, per member, in time order whatever the input order', () => {
    const r = regressions([obs(200, 'a', 2, 9, 51), obs(0, 'a', 3, 10, 50), obs(100, 'b', 5, 5), obs(300, 'b', 5, 6)]);
    expect(r).toEqual([
      { member: 'a', field: 'term', fromValue: 3, toValue: 2, fromAtMs: 0, toAtMs: 200, acrossOutage: false },
      { member: 'a', field: 'revision', fromValue: 10, toValue: 9, fromAtMs: 0, toAtMs: 200, acrossOutage: false },
    ]);
  });

  it('marks regressions across a failed poll (a restart) without excusing them', () => {
    const r = regressions([obs(0, 'a', 2, 10), obs(500, 'a', 2, 8)], [
      { kind: 'leader-error', atMs: 250, member: 'a', outcome: 'fail', error: 'connection refused' },
      { kind: 'leader-error', atMs: 250, member: 'b', outcome: 'fail', error: 'connection refused' },
    ]);
    expect(r).toEqual([{ member: 'a', field: 'revision', fromValue: 10, toValue: 8, fromAtMs: 0, toAtMs: 500, acrossOutage: true }]);
  });

  it('is clean on both simulated histories (including the restarted member)', () => {
    for (const h of [leaderKillHistory(), quorumLossHistory()]) {
      expect(regressions(h.leaderObservations(), h.statusErrors())).toEqual([]);
    }
  });
});

describe('watchOrderViolations', () => {
  it('accepts strictly increasing revisions with gaps (other keys share the keyspace)', () => {
    expect(watchOrderViolations([start(0, 5), ev(1, 5), ev(2, 9), ev(3, 10)])).toEqual([]);
  });

  it('flags a repeated or decreasing revision and an event before the start revision', () => {
    const v = watchOrderViolations([start(0, 5), ev(1, 4), ev(2, 7), ev(3, 7), ev(4, 6), ev(5, 8)]);
    expect(v.map((x) => [x.revision, x.problem, x.boundRevision])).toEqual([
      [4, 'before-start', 5],
      [7, 'not-increasing', 7],
      [6, 'not-increasing', 7],
    ]);
  });

  it('starts afresh on each stream and keeps watchers apart', () => {
    const log = [start(0, 5), ev(1, 8), start(10, 6), ev(11, 6), start(12, 1, 'x'), ev(13, 2, '/p/2', 'x')];
    expect(watchOrderViolations(log)).toEqual([]);
  });

  it('is clean on both simulated histories', () => {
    for (const h of [leaderKillHistory(), quorumLossHistory()]) {
      expect(watchOrderViolations(h.watchLog())).toEqual([]);
    }
  });
});

describe('watchCoverage', () => {
  it('counts each acknowledged write in range as delivered, and finds none missing', () => {
    const c = watchCoverage([start(0, 5), ev(1, 5), ev(2, 6), ev(3, 7)], [ackedAt(5), ackedAt(6), ackedAt(7), ackedAt(8)], 'w');
    expect(c).toMatchObject({ fromRevision: 5, upToRevision: 7, inRangeCount: 3, deliveredCount: 3, coveredByRelistCount: 0 });
    expect(c.missing).toEqual([]);
  });

  it('reports an acknowledged write the stream skipped as missing', () => {
    const c = watchCoverage([start(0, 5), ev(1, 5), ev(3, 7)], [ackedAt(5), ackedAt(6), ackedAt(7)], 'w');
    expect(c.missing.map((m) => m.revision)).toEqual([6]);
  });

  it('accepts a skipped write that a relist after a 410 shows, but not one the relist does not show', () => {
    const reset = (entries: WatchReset['relist']): WatchReset => ({
      kind: 'watch-reset',
      atMs: 2,
      watcher: 'w',
      reason: 'compacted',
      compactRevision: 8,
      ...(entries === undefined ? {} : { relist: entries }),
    });
    const writes = [ackedAt(5), ackedAt(6), ackedAt(7), ackedAt(9)];
    const shown = watchCoverage(
      [start(0, 5), ev(1, 5), reset({ revision: 8, entries: [{ key: '/p/6', value: 'v6', modRevision: 6 }, { key: '/p/7', value: 'v7' }] }), start(3, 9), ev(4, 9)],
      writes,
      'w',
    );
    expect(shown).toMatchObject({ deliveredCount: 2, coveredByRelistCount: 2 });
    expect(shown.missing).toEqual([]);

    const notShown = watchCoverage(
      [start(0, 5), ev(1, 5), reset({ revision: 8, entries: [{ key: '/p/7', value: 'v7', modRevision: 7 }] }), start(3, 9), ev(4, 9)],
      writes,
      'w',
    );
    expect(notShown.missing.map((m) => m.revision)).toEqual([6]);

    // The relist shows the key, but with an older write: the acknowledged value was never seen.
    const stale = watchCoverage(
      [start(0, 5), ev(1, 5), reset({ revision: 8, entries: [{ key: '/p/6', value: 'old', modRevision: 3 }, { key: '/p/7', value: 'other' }] }), start(3, 9), ev(4, 9)],
      writes,
      'w',
    );
    expect(stale.missing.map((m) => m.revision)).toEqual([6, 7]);

    // A reset without a relist shows nothing.
    const noRelist = watchCoverage([start(0, 5), ev(1, 5), reset(undefined), start(3, 9), ev(4, 9)], writes, 'w');
    expect(noRelist.missing.map((m) => m.revision)).toEqual([6, 7]);
  });

  it('flags a delivered event whose value differs from the acknowledged one', () => {
    const c = watchCoverage([start(0, 5), { ...ev(1, 5), value: 'other' }], [ackedAt(5)], 'w');
    expect(c.valueMismatches.map((m) => m.revision)).toEqual([5]);
  });

  it('ignores writes without revision, outside the prefix, or beyond what the watch reached', () => {
    const { revision: _r, ...noRev } = ackedAt(6);
    const c = watchCoverage([start(0, 5), ev(1, 5)], [ackedAt(5), noRev, { ...ackedAt(4), key: '/q/4' }, ackedAt(99)], 'w');
    expect(c).toMatchObject({ inRangeCount: 1, unplaceableCount: 1, deliveredCount: 1 });
    expect(c.missing).toEqual([]);
  });

  it('on the simulated histories: resume without loss (SIGKILL), and relist after compaction (quorum loss)', () => {
    const kill = leaderKillHistory();
    const k = watchCoverage(kill.watchLog(), kill.operations({ probe: 'etcd-write' }), 'etcd-watch');
    expect(k.missing).toEqual([]);
    expect(k.coveredByRelistCount).toBe(0);
    expect(k.deliveredCount).toBe(kill.operations({ probe: 'etcd-write', outcome: 'ok' }).length);

    const q = quorumLossHistory();
    const c = watchCoverage(q.watchLog(), q.operations({ probe: 'etcd-write' }), 'etcd-watch');
    expect(c.missing).toEqual([]);
    expect(c.coveredByRelistCount).toBeGreaterThan(0);
  });
});
