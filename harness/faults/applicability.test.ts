import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClusterHandle } from '../cluster/cluster-handle.js';
import type { NodeProvider } from '../nodes/node-access.js';
import { dockerPower } from '../runtime/docker-nodes.js';
import { useTempDirs } from '../testing/temp-dirs.js';
import { powerNeededBy, whyNotApplicable } from './applicability.js';
import type { FaultContext } from './context.js';
import { injectFault } from './inject.js';
import { FaultJournal } from './journal.js';
import type { FaultKind, FaultSpec } from './spec.js';

const tempDir = useTempDirs();

// The capabilities each access declares (issue 11): docker everything; SSH with a BMC can power-cycle
// a host but not freeze it; the agent pod has no whole-machine operation at all.
const docker: Pick<NodeProvider, 'kind' | 'description' | 'capabilities' | 'power'> = {
  kind: 'docker', description: 'docker containers of kind cluster kube-ha-chaos', capabilities: { power: ['pause', 'resume', 'stop', 'start', 'kill'] }, power: dockerPower,
};
const ssh: typeof docker = { ...docker, kind: 'ssh', description: 'ssh to the hosts of staging.yaml', capabilities: { power: ['stop', 'start', 'kill'] } };
const agent: Pick<NodeProvider, 'kind' | 'description' | 'capabilities'> = { kind: 'agent', description: 'agent pods of kube-ha-chaos', capabilities: { power: [] } };

const SPECS: Record<FaultKind, FaultSpec> = {
  'kill-process': { kind: 'kill-process', target: { kind: 'leader' }, process: 'etcd', signal: 'SIGKILL' },
  'stop-static-pod': { kind: 'stop-static-pod', target: { kind: 'one-follower' }, component: 'kube-apiserver' },
  'pause-process': { kind: 'pause-process', target: { kind: 'leader' }, process: 'etcd' },
  'network-partition': { kind: 'network-partition', isolate: { kind: 'leader' }, ports: [2379, 2380] },
  'blackhole-etcd-clients': { kind: 'blackhole-etcd-clients', target: { kind: 'leader' }, port: 2379 },
  'drop-peer-packets': { kind: 'drop-peer-packets', target: { kind: 'one-follower' }, port: 2380, probability: 0.2 },
  'pause-container': { kind: 'pause-container', target: { kind: 'load-balancer' } },
  'stop-container': { kind: 'stop-container', target: { kind: 'node', select: { kind: 'one-follower' } } },
  'kill-container': { kind: 'kill-container', target: { kind: 'load-balancer' } },
};

describe('whyNotApplicable', () => {
  it('applies every fault with docker node access', () => {
    expect(Object.values(SPECS).map((s) => whyNotApplicable(s, docker))).toEqual(Object.values(SPECS).map(() => undefined));
  });
  it('applies the faults that only run commands on nodes with every access', () => {
    for (const kind of ['kill-process', 'stop-static-pod', 'pause-process', 'network-partition', 'blackhole-etcd-clients', 'drop-peer-packets'] as const) {
      expect(powerNeededBy(kind)).toEqual([]);
      expect(whyNotApplicable(SPECS[kind], agent)).toBeUndefined();
      expect(whyNotApplicable(SPECS[kind], ssh)).toBeUndefined();
    }
  });
  it('says why a whole-machine pause does not apply without pause/resume, and what to use instead', () => {
    expect(whyNotApplicable(SPECS['pause-container'], ssh)).toBe(
      'docker pause the load balancer is not applicable with ssh node access (ssh to the hosts of staging.yaml): it needs the whole-machine operation(s) pause, resume, which this access does not offer; a hang of one process is pause-process (SIGSTOP), which needs no power operation',
    );
  });
  it('lets an access that can power-cycle stop and kill, and refuses all three where there is no power', () => {
    expect(whyNotApplicable(SPECS['stop-container'], ssh)).toBeUndefined();
    expect(whyNotApplicable(SPECS['kill-container'], ssh)).toBeUndefined();
    expect(whyNotApplicable(SPECS['kill-container'], agent)).toMatch(/needs the whole-machine operation\(s\) kill, start, which this access does not offer$/);
    expect(whyNotApplicable(SPECS['stop-container'], agent)).toMatch(/operation\(s\) stop, start,/);
  });
});

describe('injectFault with an access that cannot apply the fault', () => {
  it('refuses before it asks who leads, journals anything or runs any command', async () => {
    const journal = new FaultJournal(join(tempDir('applicability-'), 'active-faults.jsonl'));
    let asked = false;
    const cluster = { info: { name: 'kube-ha-chaos' }, nodeAccess: { ...agent, listNodes: async () => [] } } as unknown as ClusterHandle;
    const ctx = {
      runId: 'r1', cluster, journal, healTimeoutMs: 1_000,
      membership: async () => {
        asked = true;
        throw new Error('membership must not be read');
      },
    } as unknown as FaultContext;
    await expect(injectFault(ctx, SPECS['pause-container'])).rejects.toThrow(/^refusing to inject: docker pause the load balancer is not applicable with agent node access/);
    expect(asked).toBe(false);
    expect(journal.active()).toEqual([]);
  });
});
