/**
 * Things that only move forward: each member's raft term, revision and raft index; the revisions
 * on a watch stream; and the watch's coverage of acknowledged writes (a watch may not skip one,
 * unless it reported a compaction and its relist shows the data).
 */
import type {
  LeaderObservation,
  Operation,
  StatusErrorObservation,
  WatchEvent,
  WatchReset,
  WatchStart,
} from '../probes/history.js';

/** A value that went backwards between two consecutive polls of one member. */
export interface Regression {
  readonly member: string;
  readonly field: 'term' | 'revision' | 'raftIndex';
  readonly fromValue: number;
  readonly toValue: number;
  readonly fromAtMs: number;
  readonly toAtMs: number;
  /** True when the member failed a poll in between (it was probably restarted). */
  readonly acrossOutage: boolean;
}

/**
 * Regressions of term, revision and raft index per member, comparing each successful poll with the
 * member's previous one. Restarts are not excused: terms are persisted before use and etcd does not
 * serve before replaying its WAL, so a member's values should never go back; `acrossOutage` only
 * helps the reader tell a restart artefact from a live regression.
 */
export function regressions(
  observations: readonly LeaderObservation[],
  errors: readonly StatusErrorObservation[] = [],
): Regression[] {
  const out: Regression[] = [];
  const members = [...new Set(observations.map((o) => o.member))];
  for (const member of members) {
    const own = observations.filter((o) => o.member === member).sort((a, b) => a.atMs - b.atMs);
    const errTimes = errors.filter((e) => e.member === member).map((e) => e.atMs);
    for (let i = 1; i < own.length; i += 1) {
      const prev = own[i - 1];
      const cur = own[i];
      if (prev === undefined || cur === undefined) {
        continue;
      }
      const acrossOutage = errTimes.some((t) => t > prev.atMs && t < cur.atMs);
      const fields: ['term' | 'revision' | 'raftIndex', number | undefined, number | undefined][] = [
        ['term', prev.term, cur.term],
        ['revision', prev.revision, cur.revision],
        ['raftIndex', prev.raftIndex, cur.raftIndex],
      ];
      for (const [field, a, b] of fields) {
        if (a !== undefined && b !== undefined && b < a) {
          out.push({ member, field, fromValue: a, toValue: b, fromAtMs: prev.atMs, toAtMs: cur.atMs, acrossOutage });
        }
      }
    }
  }
  return out;
}

/** What a watch stream delivered that broke ordering. */
export interface WatchOrderViolation {
  readonly watcher: string;
  readonly atMs: number;
  readonly revision: number;
  /** The previous event's revision on the same stream, or the stream's start revision. */
  readonly boundRevision: number;
  readonly problem: 'not-increasing' | 'before-start';
}

type WatchLogEntry = WatchStart | WatchEvent | WatchReset;

/**
 * Within one stream (from a watch-start to the next), event revisions must strictly increase and
 * none may precede the revision the stream started from. Entries must be in arrival order (the
 * order the history recorded them), not re-sorted.
 */
export function watchOrderViolations(log: readonly WatchLogEntry[]): WatchOrderViolation[] {
  const out: WatchOrderViolation[] = [];
  const state = new Map<string, { from: number; last: number | undefined }>();
  for (const e of log) {
    if (e.kind === 'watch-start') {
      state.set(e.watcher, { from: e.fromRevision, last: undefined });
    } else if (e.kind === 'watch') {
      const s = state.get(e.watcher) ?? { from: Number.NEGATIVE_INFINITY, last: undefined };
      if (e.revision < s.from) {
        out.push({ watcher: e.watcher, atMs: e.atMs, revision: e.revision, boundRevision: s.from, problem: 'before-start' });
      } else if (s.last !== undefined && e.revision <= s.last) {
        out.push({ watcher: e.watcher, atMs: e.atMs, revision: e.revision, boundRevision: s.last, problem: 'not-increasing' });
      }
      state.set(e.watcher, { from: s.from, last: s.last === undefined ? e.revision : Math.max(s.last, e.revision) });
    }
  }
  return out;
}

/** How one watcher covered the acknowledged writes in its range. */
export interface WatchCoverage {
  readonly watcher: string;
  /** Lowest revision any of its streams started from. */
  readonly fromRevision: number | undefined;
  /** Highest revision it delivered or relisted: writes above this are not judged (not caught up). */
  readonly upToRevision: number | undefined;
  /** Acknowledged writes with a revision in [fromRevision, upToRevision] under the watched prefix. */
  readonly inRangeCount: number;
  readonly deliveredCount: number;
  /** Not delivered, but a relist after a compaction (410) showed the data. */
  readonly coveredByRelistCount: number;
  /** Delivered with a different value than the write acknowledged. */
  readonly valueMismatches: readonly Operation[];
  /** Neither delivered nor shown by a relist: a visible gap. */
  readonly missing: readonly Operation[];
  /** Acknowledged writes without a revision cannot be placed and are not judged. */
  readonly unplaceableCount: number;
}

/**
 * Watch gaps for one watcher. A write counts if it was acknowledged (ok), carries a revision, its
 * key is under a prefix the watcher watched, and its revision lies in the watched range. It is
 * delivered when an event with the same key and revision arrived; otherwise it is covered when a
 * relist at revision >= the write's revision shows the key with a mod revision >= the write's (or,
 * when the relist has no mod revisions, with the written value); otherwise it is missing.
 */
export function watchCoverage(log: readonly WatchLogEntry[], writes: readonly Operation[], watcher: string): WatchCoverage {
  const own = log.filter((e) => e.watcher === watcher);
  const starts = own.filter((e): e is WatchStart => e.kind === 'watch-start');
  const events = own.filter((e): e is WatchEvent => e.kind === 'watch');
  const relists = own
    .filter((e): e is WatchReset => e.kind === 'watch-reset')
    .flatMap((r) => (r.relist === undefined ? [] : [r.relist]));
  const prefixes = [...new Set(starts.map((s) => s.prefix))];
  const fromRevision = starts.length === 0 ? undefined : Math.min(...starts.map((s) => s.fromRevision));
  const seenRevisions = [...events.map((e) => e.revision), ...relists.map((r) => r.revision)];
  const upToRevision = seenRevisions.length === 0 ? undefined : Math.max(...seenRevisions);

  const acked = writes.filter(
    (w) => w.outcome === 'ok' && w.key !== undefined && prefixes.some((p) => (w.key ?? '').startsWith(p)),
  );
  const unplaceableCount = acked.filter((w) => w.revision === undefined).length;
  const inRange = acked.filter(
    (w) =>
      w.revision !== undefined &&
      fromRevision !== undefined &&
      upToRevision !== undefined &&
      w.revision >= fromRevision &&
      w.revision <= upToRevision,
  );
  const eventIndex = new Map(events.map((e) => [`${e.revision}/${e.key}`, e]));
  let deliveredCount = 0;
  let coveredByRelistCount = 0;
  const valueMismatches: Operation[] = [];
  const missing: Operation[] = [];
  for (const w of inRange) {
    const rev = w.revision ?? 0;
    const ev = eventIndex.get(`${rev}/${w.key ?? ''}`);
    if (ev !== undefined) {
      deliveredCount += 1;
      if (w.value !== undefined && ev.value !== w.value) {
        valueMismatches.push(w);
      }
      continue;
    }
    const covered = relists.some((r) => {
      if (r.revision < rev) {
        return false;
      }
      const kv = r.entries.find((x) => x.key === w.key);
      return kv !== undefined && (kv.modRevision !== undefined ? kv.modRevision >= rev : kv.value === w.value);
    });
    if (covered) {
      coveredByRelistCount += 1;
    } else {
      missing.push(w);
    }
  }
  return {
    watcher,
    fromRevision,
    upToRevision,
    inRangeCount: inRange.length,
    deliveredCount,
    coveredByRelistCount,
    valueMismatches,
    missing,
    unplaceableCount,
  };
}
