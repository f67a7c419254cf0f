import { describe, expect, it } from 'vitest';
import type { Operation, Outcome, PrefixRead } from '../probes/history.js';
import { durability, writeFate } from './durability.js';
import { ETCD_PREFIX, leaderKillHistory, quorumLossHistory } from '../testing/sample-histories.js';

const w = (seq: number, outcome: Outcome, revision?: number, key = `/p/${seq}`): Operation => ({
  probe: 'etcd-write',
  op: 'put',
  target: 'cp1',
  invokedAtMs: seq * 100,
  completedAtMs: seq * 100 + 5,
  outcome,
  key,
  value: `v${seq}`,
  ...(revision === undefined ? {} : { revision }),
});
const read = (revision: number, entries: [string, string, number?][]): PrefixRead => ({
  revision,
  entries: entries.map(([key, value, modRevision]) => ({ key, value, ...(modRevision === undefined ? {} : { modRevision }) })),
});

describe('durability', () => {
  it('passes when every acknowledged write is present, whatever happened to unknown ones', () => {
    const writes = [w(1, 'ok', 11), w(2, 'unknown'), w(3, 'unknown'), w(4, 'ok', 12), w(5, 'fail')];
    const r = durability(writes, read(12, [['/p/1', 'v1', 11], ['/p/3', 'v3', 10], ['/p/4', 'v4', 12]]));
    expect(r).toEqual({
      ackedCount: 2,
      ackedPresentCount: 2,
      ackedSupersededCount: 0,
      lost: [],
      ackedAfterReadCount: 0,
      unknownCount: 2,
      unknownAppliedCount: 1,
      failedCount: 1,
      failedAppliedCount: 0,
      unkeyedCount: 0,
    });
  });

  it('reports an acknowledged write missing from the read as lost', () => {
    const writes = [w(1, 'ok', 11), w(2, 'ok', 12)];
    const r = durability(writes, read(20, [['/p/1', 'v1', 11]]));
    expect(r.lost.map((x) => x.key)).toEqual(['/p/2']);
    expect(r.ackedPresentCount).toBe(1);
  });

  it('counts a failed write that was applied anyway, without calling it loss', () => {
    const r = durability([w(1, 'fail')], read(20, [['/p/1', 'v1', 11]]));
    expect(r.failedAppliedCount).toBe(1);
    expect(r.lost).toEqual([]);
  });

  it('does not judge acknowledged writes newer than the read', () => {
    const r = durability([w(1, 'ok', 30)], read(20, []));
    expect(r.ackedAfterReadCount).toBe(1);
    expect(r.lost).toEqual([]);
  });

  it('ignores writes outside the prefix and counts unkeyed ones', () => {
    const other = { ...w(1, 'ok', 11), key: '/other/1' };
    const { key: _k, ...unkeyed } = w(2, 'ok', 12);
    const r = durability([other, unkeyed], read(20, []), '/p/');
    expect(r.ackedCount).toBe(0);
    expect(r.unkeyedCount).toBe(1);
  });
});

describe('writeFate with reused keys', () => {
  it('accepts a later overwrite, by revision when known', () => {
    const first = w(1, 'ok', 11, '/p/k');
    const second = w(2, 'ok', 12, '/p/k');
    expect(writeFate(first, read(20, [['/p/k', 'v2', 12]]), [first, second])).toBe('superseded');
    // Same read, but the value in the read is OLDER than the write: the write was lost.
    expect(writeFate(second, read(20, [['/p/k', 'v1', 11]]), [first, second])).toBe('absent');
  });

  it('without revisions, accepts only a write invoked after this one completed', () => {
    const a = w(1, 'ok', undefined, '/p/k');
    const b = w(2, 'unknown', undefined, '/p/k');
    const noRev = read(20, [['/p/k', 'v2']]);
    expect(writeFate(a, noRev, [a, b])).toBe('superseded');
    const concurrent = { ...b, invokedAtMs: a.invokedAtMs + 1 };
    expect(writeFate(a, noRev, [a, concurrent])).toBe('absent');
  });
});

describe('on simulated histories', () => {
  it('leader SIGKILL: all acknowledged writes present, the hung (unknown) ones were never applied', () => {
    const h = leaderKillHistory();
    const snap = h.lastSnapshot('etcd-write');
    expect(snap).toBeDefined();
    const r = durability(h.operations({ probe: 'etcd-write' }), snap ?? read(0, []), ETCD_PREFIX);
    expect(r.lost).toEqual([]);
    expect(r.ackedCount).toBeGreaterThan(500);
    expect(r.unknownCount).toBeGreaterThan(0);
    expect(r.unknownAppliedCount).toBe(0);
  });

  it('quorum loss: the old leader’s uncommitted tail committed later, so some unknown writes are applied', () => {
    const h = quorumLossHistory();
    const snap = h.lastSnapshot('etcd-write') ?? read(0, []);
    const r = durability(h.operations({ probe: 'etcd-write' }), snap, ETCD_PREFIX);
    expect(r.lost).toEqual([]);
    expect(r.unknownAppliedCount).toBeGreaterThan(0);
    expect(r.failedAppliedCount).toBe(0);
  });

  it('detects loss when an acknowledged write is removed from the stored read', () => {
    const h = leaderKillHistory();
    const snap = h.lastSnapshot('etcd-write') ?? read(0, []);
    const victim = h.operations({ probe: 'etcd-write', outcome: 'ok' })[250];
    const tampered: PrefixRead = { revision: snap.revision, entries: snap.entries.filter((e) => e.key !== victim?.key) };
    const r = durability(h.operations({ probe: 'etcd-write' }), tampered, ETCD_PREFIX);
    expect(r.lost).toEqual([victim]);
  });
});
