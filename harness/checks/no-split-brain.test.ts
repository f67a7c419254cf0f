import { describe, expect, it } from 'vitest';
import type { Operation, Outcome } from '../probes/history.js';
import { acknowledgedWithin, attemptedWithin } from './no-split-brain.js';
import { quorumLossHistory, QUORUM_LOSS_DEFAULTS } from '../testing/sample-histories.js';

const op = (invokedAtMs: number, completedAtMs: number, outcome: Outcome): Operation => ({
  probe: 'etcd-write',
  op: 'put',
  target: 'cp1',
  invokedAtMs,
  completedAtMs,
  outcome,
});

describe('acknowledgedWithin', () => {
  const window = { startMs: 10_000, endMs: 30_000 };

  it('counts only ok ops that began and ended inside the window', () => {
    const ops = [
      op(9_990, 10_004, 'ok'), // committed before quorum was lost, answered just after: legitimate
      op(29_900, 30_200, 'ok'), // answered after quorum returned: may have committed then
      op(15_000, 15_500, 'unknown'),
      op(16_000, 16_001, 'fail'),
      op(20_000, 20_006, 'ok'), // served with no quorum anywhere: split brain
    ];
    expect(acknowledgedWithin(ops, window)).toEqual([op(20_000, 20_006, 'ok')]);
    expect(attemptedWithin(ops, window)).toBe(3);
  });

  it('is empty on the simulated quorum loss, for writes and for linearizable reads, and not for serializable reads', () => {
    const h = quorumLossHistory();
    const p = QUORUM_LOSS_DEFAULTS;
    const w = { startMs: p.stopConfirmedAtMs, endMs: p.healIssuedAtMs };
    expect(acknowledgedWithin(h.operations({ probe: 'etcd-write' }), w)).toEqual([]);
    expect(attemptedWithin(h.operations({ probe: 'etcd-write' }), w)).toBeGreaterThan(150);
    expect(acknowledgedWithin(h.operations({ probe: 'etcd-read-linearizable' }), w)).toEqual([]);
    // Serializable reads are answered locally by the survivor: they are not evidence of split brain,
    // and this is what distinguishes them.
    expect(acknowledgedWithin(h.operations({ probe: 'etcd-read-serializable' }), w).length).toBeGreaterThan(20);
  });
});
