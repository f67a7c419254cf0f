import { describe, it } from 'vitest';
import { buildWorkloadContinuityCatalogue } from '../../harness/guarantees/workload-continuity-catalogue.js';
import type { FaultSpec } from '../../harness/faults/spec.js';
import { runControlPlaneCase } from '../../harness/suites/control-plane-case.js';
import { useControlPlaneSuite } from '../../harness/suites/control-plane-suite.js';
import { expectVerdictsHold } from '../../harness/suites/etcd-quorum-case.js';
import { holdUnderBound, thresholdTerm } from '../../harness/suites/observation-windows.js';

const suite = useControlPlaneSuite('workload-continuity', buildWorkloadContinuityCatalogue, { workload: true });

// Hangs (SIGSTOP) rather than held-down static pods: the kubelet needs ~35 s to re-create a static
// pod whose manifest comes back, which would stretch the outage past the node-monitor grace period
// and turn this into the evictions case. SIGCONT ends the outage at once.
const outages: [string, string, FaultSpec][] = [
  ['all-apiservers-hung', 'every kube-apiserver hung (SIGSTOP)', { kind: 'pause-process', target: { kind: 'all' }, process: 'kube-apiserver' }],
  ['etcd-quorum-lost', 'etcd quorum lost (a majority of members hung with SIGSTOP)', { kind: 'pause-process', target: { kind: 'majority' }, process: 'etcd' }],
  ['lb-down', 'the load balancer paused', { kind: 'pause-container', target: { kind: 'load-balancer' } }],
];

describe('workload-continuity: existing pods and Services keep working while the control plane is down; no pod restarts, none is evicted, no extra replica appears', () => {
  for (const [name, what, spec] of outages) {
    it(`${what}, for less than the node-monitor grace period`, async () => {
      const s = suite();
      const { verdicts } = await runControlPlaneCase(s, name, [
        { kind: 'baseline', durationMs: s.timings.baselineMs },
        // 20 s: long enough for >= 10 refused write attempts, inside what keeps nodes Ready (~32 s on
        // defaults; cut when this cluster's grace period makes it shorter).
        { kind: 'fault', spec, holdMs: 0, until: holdUnderBound(20_000, thresholdTerm(s.catalogue.thresholds, 'maxOutageKeepingNodesReadyMs'), { what: `${what}, under the grace period` }) },
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
