/**
 * Compares two snapshots of a workload's pods (before a fault, after recovery): "no pod restarted,
 * none was evicted, no extra replicas appeared". Pods are matched by uid, not name: a pod that was
 * deleted and recreated under the same name (a StatefulSet) is a different pod.
 */
import type { PodSnapshot, PodState } from '../probes/history.js';

/** A pod whose containers restarted between the snapshots. */
export interface RestartedPod {
  readonly name: string;
  readonly uid: string;
  readonly restartsBefore: number;
  readonly restartsAfter: number;
}

/** Everything that differs between the snapshots, pod by pod. */
export interface PodDisruption {
  readonly before: number;
  readonly after: number;
  /** Same uid, higher restart count. */
  readonly restarted: readonly RestartedPod[];
  /** In `before`, not in `after` (deleted, evicted, replaced). */
  readonly gone: readonly PodState[];
  /** In `after`, not in `before` (replacements or extra replicas). */
  readonly added: readonly PodState[];
  /** In `after` with a deletionTimestamp (being evicted or deleted). */
  readonly deleting: readonly PodState[];
  /** Same uid, but Ready before and not Ready after. */
  readonly notReadyAfter: readonly PodState[];
}

/** Pure diff of two pod snapshots. */
export function podDisruption(before: PodSnapshot, after: PodSnapshot): PodDisruption {
  const byUid = (s: PodSnapshot): Map<string, PodState> => new Map(s.pods.map((p) => [p.uid, p]));
  const b = byUid(before);
  const a = byUid(after);
  const restarted: RestartedPod[] = [];
  const notReady: PodState[] = [];
  for (const [uid, p] of b) {
    const q = a.get(uid);
    if (q === undefined) {
      continue;
    }
    if (q.restarts > p.restarts) {
      restarted.push({ name: p.name, uid, restartsBefore: p.restarts, restartsAfter: q.restarts });
    }
    if (p.ready && !q.ready) {
      notReady.push(q);
    }
  }
  return {
    before: before.pods.length,
    after: after.pods.length,
    restarted,
    gone: [...b.values()].filter((p) => !a.has(p.uid)),
    added: [...a.values()].filter((p) => !b.has(p.uid)),
    deleting: after.pods.filter((p) => p.deleting),
    notReadyAfter: notReady,
  };
}

/** True when nothing changed that the workload-continuity guarantee forbids. */
export function undisrupted(d: PodDisruption): boolean {
  return d.restarted.length === 0 && d.gone.length === 0 && d.added.length === 0 && d.deleting.length === 0 && d.notReadyAfter.length === 0;
}
