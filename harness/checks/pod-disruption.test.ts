import { describe, expect, it } from 'vitest';
import type { PodSnapshot, PodState } from '../probes/history.js';
import { podDisruption, undisrupted } from './pod-disruption.js';

const pod = (name: string, uid: string, over: Partial<PodState> = {}): PodState => ({ name, uid, node: 'worker', phase: 'Running', restarts: 0, ready: true, deleting: false, owner: 'ReplicaSet/echo-1', ...over });
const snap = (atMs: number, pods: PodState[]): PodSnapshot => ({ kind: 'pods', atMs, namespace: 'w', pods });

describe('podDisruption', () => {
  const before = snap(0, [pod('echo-a', 'u1'), pod('echo-b', 'u2', { restarts: 2 })]);
  it('finds nothing when the same pods are there with the same restart counts', () => {
    const d = podDisruption(before, snap(100, [pod('echo-b', 'u2', { restarts: 2 }), pod('echo-a', 'u1')]));
    expect(undisrupted(d)).toBe(true);
  });
  it('reports a restarted container, a replaced pod (same name, new uid), an extra replica, a pod being evicted, a pod no longer Ready', () => {
    const after = snap(100, [
      pod('echo-a', 'u1', { restarts: 1, ready: false }),
      pod('echo-b', 'u9', { restarts: 0 }),
      pod('echo-c', 'u3'),
      pod('echo-d', 'u4', { deleting: true }),
    ]);
    const d = podDisruption(before, after);
    expect(d.restarted).toEqual([{ name: 'echo-a', uid: 'u1', restartsBefore: 0, restartsAfter: 1 }]);
    expect(d.gone.map((p) => p.uid)).toEqual(['u2']);
    expect(d.added.map((p) => p.uid)).toEqual(['u9', 'u3', 'u4']);
    expect(d.deleting.map((p) => p.name)).toEqual(['echo-d']);
    expect(d.notReadyAfter.map((p) => p.name)).toEqual(['echo-a']);
    expect(undisrupted(d)).toBe(false);
  });
});
