import { describe, expect, it } from 'vitest';
import type { FaultHolder, JournalEntry } from './journal.js';
import { classifyJournal, nextSupervisorAction } from './orphans.js';

const worker: FaultHolder = { pid: 4711, startTicks: 1_093_500 };
const deadWorker: FaultHolder = { pid: 4690, startTicks: 1_093_100 };

// The entry the follower-held-down case journals (harness/faults/inject.ts, stop-static-pod).
const held = (faultId: string, holder: FaultHolder | undefined, runId = 'r-2026-12-07'): JournalEntry => ({
  faultId,
  runId,
  cluster: 'kube-ha-chaos',
  spec: { kind: 'stop-static-pod', target: { kind: 'one-follower' }, component: 'etcd' },
  targets: ['kube-ha-chaos-control-plane2'],
  heal: [{ kind: 'move-file', node: 'kube-ha-chaos-control-plane2', from: '/etc/kubernetes/kube-ha-chaos-held/etcd.yaml', to: '/etc/kubernetes/manifests/etcd.yaml' }],
  at: '2026-12-07T06:00:00Z',
  ...(holder === undefined ? {} : { holder }),
});

const alive = (h: FaultHolder): boolean => h.pid === worker.pid && h.startTicks === worker.startTicks;

describe('classifyJournal', () => {
  it('splits faults whose holder still runs from those whose holder has gone, or was never named', () => {
    const v = classifyJournal([held('f1', worker), held('f2', deadWorker), held('f3', undefined)], alive);
    expect(v.held.map((e) => e.faultId)).toEqual(['f1']);
    expect(v.orphaned.map((e) => e.faultId)).toEqual(['f2', 'f3']);
  });
});

describe('nextSupervisorAction', () => {
  it('leaves a fault alone while the worker that holds it runs (a hold on purpose)', () => {
    expect(nextSupervisorAction(classifyJournal([held('f1', worker)], alive), false, 'r-2026-12-07')).toEqual({ kind: 'idle' });
  });
  it('heals a fault whose worker was SIGKILLed while the run goes on', () => {
    const a = nextSupervisorAction(classifyJournal([held('f2', deadWorker)], alive), false, 'r-2026-12-07');
    expect(a.kind).toBe('heal');
    expect(a.kind === 'heal' && a.faults.map((f) => f.faultId)).toEqual(['f2']);
  });
  it('does not sweep while another live process holds a fault: the sweep would undo it', () => {
    const a = nextSupervisorAction(classifyJournal([held('f1', worker), held('f2', deadWorker)], alive), false, 'r-2026-12-07');
    expect(a.kind).toBe('wait');
  });
  it('once the run has gone, stops its stray worker first, then heals', () => {
    const entries = [held('f1', worker)];
    expect(nextSupervisorAction(classifyJournal(entries, alive), true, 'r-2026-12-07')).toEqual({ kind: 'stop-holders', pids: [4711] });
    // The worker is gone now: the same entry is an orphan.
    const after = nextSupervisorAction(classifyJournal(entries, () => false), true, 'r-2026-12-07');
    expect(after.kind).toBe('heal');
  });
  it('never stops a process of another run', () => {
    const a = nextSupervisorAction(classifyJournal([held('f1', worker, 'r-other')], alive), true, 'r-2026-12-07');
    expect(a).toEqual({ kind: 'exit' });
  });
  it('exits when the run has gone and nothing is left to heal', () => {
    expect(nextSupervisorAction(classifyJournal([], alive), true, 'r-2026-12-07')).toEqual({ kind: 'exit' });
  });
});
