import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../testing/temp-dirs.js';
import { activeEntries, FaultJournal } from './journal.js';
import { currentHealStep } from './spec.js';

const tempDir = useTempDirs();

// Two lines exactly as the code before 2026-12-07 wrote them (a paused LB, a stopped node), then a
// partition that was healed. A run killed mid-fault on the old code leaves such a journal behind.
const LB = 'kube-ha-chaos-external-load-balancer';
const CP2 = 'kube-ha-chaos-control-plane2';
const OLD_JOURNAL = [
  `{"op":"add","entry":{"faultId":"pause-container-3f9a1c","runId":"20261206-2211-ab12","cluster":"kube-ha-chaos","spec":{"kind":"pause-container","target":{"kind":"load-balancer"}},"targets":["${LB}"],"heal":[],"at":"2026-12-06T22:14:03.118Z"}}`,
  `{"op":"add","entry":{"faultId":"pause-container-3f9a1c","runId":"20261206-2211-ab12","cluster":"kube-ha-chaos","spec":{"kind":"pause-container","target":{"kind":"load-balancer"}},"targets":["${LB}"],"heal":[{"kind":"docker-unpause","container":"${LB}"}],"at":"2026-12-06T22:14:03.118Z"}}`,
  `{"op":"add","entry":{"faultId":"stop-container-77e0d2","runId":"20261206-2211-ab12","cluster":"kube-ha-chaos","spec":{"kind":"stop-container","target":{"kind":"node","select":{"kind":"one-follower"}}},"targets":["${CP2}"],"heal":[{"kind":"docker-start","container":"${CP2}"}],"at":"2026-12-06T22:19:41.502Z"}}`,
  `{"op":"add","entry":{"faultId":"network-partition-0c11aa","runId":"20261206-2211-ab12","cluster":"kube-ha-chaos","spec":{"kind":"network-partition","isolate":{"kind":"leader"},"ports":[2379,2380]},"targets":["${CP2}"],"heal":[{"kind":"remove-chain","node":"${CP2}"}],"at":"2026-12-06T22:25:10.009Z"}}`,
  `{"op":"remove","faultId":"network-partition-0c11aa"}`,
  '',
].join('\n');

describe('heal steps journaled by the old code', () => {
  it('come back as the provider-neutral kinds, naming the same machine', () => {
    const active = activeEntries(OLD_JOURNAL);
    expect(active.map((e) => [e.faultId, e.heal])).toEqual([
      ['pause-container-3f9a1c', [{ kind: 'resume-host', node: LB }]],
      ['stop-container-77e0d2', [{ kind: 'start-host', node: CP2 }]],
    ]);
  });
  it('are rewritten in the new kinds when a replayed journal is compacted, and still replay after', () => {
    const path = join(tempDir('journal-compat-'), 'active-faults.jsonl');
    writeFileSync(path, OLD_JOURNAL);
    const journal = new FaultJournal(path);
    journal.compact();
    const again = new FaultJournal(path).active();
    expect(again.flatMap((e) => e.heal)).toEqual([{ kind: 'resume-host', node: LB }, { kind: 'start-host', node: CP2 }]);
  });
  it('leave the steps that never named docker as they were', () => {
    const steps = [
      { kind: 'move-file', node: CP2, from: '/etc/kubernetes/kube-ha-chaos-held/etcd.yaml', to: '/etc/kubernetes/manifests/etcd.yaml' },
      { kind: 'remove-chain', node: CP2 },
      { kind: 'signal', node: CP2, process: 'etcd', signal: 'CONT' },
      { kind: 'resume-host', node: LB },
    ] as const;
    expect(steps.map(currentHealStep)).toEqual(steps);
  });
});
