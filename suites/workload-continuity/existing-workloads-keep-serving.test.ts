import { describe, it } from 'vitest';
import { buildWorkloadContinuityCatalogue } from '../../harness/guarantees/workload-continuity-catalogue.js';
import type { FaultSpec } from '../../harness/faults/spec.js';
import { runControlPlaneCase } from '../../harness/suites/control-plane-case.js';
import { useControlPlaneSuite } from '../../harness/suites/control-plane-suite.js';
import { expectVerdictsHold } from '../../harness/suites/etcd-quorum-case.js';

const suite = useControlPlaneSuite('workload-continuity', buildWorkloadContinuityCatalogue, { workload: true });

const outages: [string, string, FaultSpec][] = [
  ['all-apiservers-down', 'every kube-apiserver held down', { kind: 'stop-static-pod', target: { kind: 'all' }, component: 'kube-apiserver' }],
  ['etcd-quorum-lost', 'etcd quorum lost (a majority of members held down)', { kind: 'stop-static-pod', target: { kind: 'majority' }, component: 'etcd' }],
  ['lb-down', 'the load balancer paused', { kind: 'pause-container', target: { kind: 'load-balancer' } }],
];

describe('workload-continuity: existing pods and Services keep working while the control plane is down; no pod restarts, none is evicted, no extra replica appears', () => {
  for (const [name, what, spec] of outages) {
    it(`${what}, for less than the node-monitor grace period`, async () => {
      const s = suite();
      const { verdicts } = await runControlPlaneCase(s, name, [
        { kind: 'baseline', durationMs: s.timings.baselineMs },
        { kind: 'fault', spec, holdMs: s.timings.holdMs },
        { kind: 'recovery', durationMs: s.timings.recoveryMs },
      ], [
        'workload-continuity.serves-through-control-plane-outage',
        'workload-continuity.control-plane-writes-refused',
        'workload-continuity.no-pod-disruption',
      ], { probes: ['http', 'api', 'nodes'], podSnapshots: true });
      expectVerdictsHold(verdicts);
    });
  }
});
