/**
 * One control-plane failover case: a fresh history, the probes the case's guarantees need (chosen
 * by name), the scenario's phases, pod snapshots before and after when workload disruption is
 * judged, and the verdicts. The case's history and verdicts are saved for the suite report.
 */
import { eventsForCase } from '../checks/lease-logs.js';
import type { Verdict } from '../checks/verdict.js';
import { readLeaderElectionLogs } from '../cluster/leader-election-logs.js';
import { apiWriteProbe, deleteProbeConfigMaps } from '../probes/api-write-probe.js';
import { apiserverProbe } from '../probes/apiserver-probe.js';
import { endpointsPoller } from '../probes/endpoints-poller.js';
import { etcdLeaderPoller } from '../probes/etcd-leader-poller.js';
import { etcdWriteProbe } from '../probes/etcd-write-probe.js';
import type { ProbeSettings } from '../guarantees/thresholds.js';
import { PROBE_AIM_INTERVAL_MS } from './etcd-quorum-suite.js';
import { httpProbe } from '../probes/http-probe.js';
import { lbBackendPoller } from '../probes/lb-backend-poller.js';
import { leaseObserver, leaseWatch } from '../probes/lease-observer.js';
import { nodeConditionPoller } from '../probes/node-condition-poller.js';
import { vipProbe } from '../probes/vip-probe.js';
import { hasRole } from '../nodes/node-access.js';
import { APISERVER_PORT } from '../../substrate/cluster/lb-pair.js';
import { createPaceTracker } from '../probes/periodic.js';
import { takePodSnapshot } from '../probes/pod-observer.js';
import type { Probe, ProbeContext } from '../probes/probe.js';
import { runScenario, type Phase } from '../scenario.js';
import { unmetPreconditionOf, verdictsForUnmet } from './case-preconditions.js';
import { recordingErrors, type CaseRecorder } from '../suite-session.js';
import type { ControlPlaneSuite } from './control-plane-suite.js';
import { PROBE_NAMESPACE } from './etcd-quorum-case.js';

/**
 * The etcd probes of the control-plane suites (one write worker per member, 1 s deadline: they judge
 * that etcd keeps quorum, not election timing). The thresholds of their etcd guarantee must be
 * derived from these, not from the etcd-quorum suite's 250 ms probe (they were, until 2026-12-06:
 * the node-loss bound assumed a 250 ms deadline for writes that waited 1 s).
 */
export const CONTROL_PLANE_ETCD_PROBES: ProbeSettings = { pollIntervalMs: 100, writeIntervalMs: 100, writeTimeoutMs: 1_000 };

/** The probes a case can ask for. */
export type ControlPlaneProbeKind = 'api' | 'apiservers' | 'leases' | 'lb-backends' | 'endpoints' | 'nodes' | 'http' | 'etcd' | 'vip';

export interface ControlPlaneCaseOptions {
  readonly probes: readonly ControlPlaneProbeKind[];
  /** Snapshot the workload's pods before and after (restarts, evictions, extra replicas). */
  readonly podSnapshots?: boolean;
  /**
   * Components whose own leader-election logs are read after the case (e.g. ['kube-scheduler']):
   * every instance's "acquired" / "lost" lines go into the history for the no-two-holders check.
   */
  readonly leaseLogs?: readonly string[];
}

export interface ControlPlaneCaseOutcome {
  readonly recorder: CaseRecorder;
  readonly verdicts: readonly Verdict[];
}

async function probesFor<Id extends string>(suite: ControlPlaneSuite<Id>, ctx: ProbeContext, keyRun: string, kinds: readonly ControlPlaneProbeKind[]): Promise<Probe[]> {
  const { session, creds, sources, apiservers } = suite;
  const out: Probe[] = [];
  for (const kind of kinds) {
    switch (kind) {
      case 'api':
        // A 1 s deadline: while the API hangs (a paused LB) a 2 s one would leave too few attempts to judge.
        out.push(apiWriteProbe(ctx, { creds, runId: keyRun, namespace: PROBE_NAMESPACE, intervalMs: 100, timeoutMs: 1_000 }));
        break;
      case 'apiservers':
        out.push(apiserverProbe(ctx, { creds, servers: apiservers, runId: keyRun, namespace: PROBE_NAMESPACE }));
        break;
      case 'leases':
        out.push(leaseObserver(ctx, { sources }));
        out.push(leaseWatch(ctx, { sources }));
        break;
      case 'lb-backends':
        out.push(lbBackendPoller(ctx, { lb: session.cluster.loadBalancer, lbIp: await session.cluster.loadBalancerNode.address() }));
        break;
      case 'endpoints':
        out.push(endpointsPoller(ctx, { sources }));
        break;
      case 'nodes':
        out.push(nodeConditionPoller(ctx, { sources }));
        break;
      case 'http':
        if (suite.workload === undefined) {
          throw new Error('the http probe needs the suite opened with { workload: true }');
        }
        out.push(httpProbe(ctx, { targets: suite.workload.targets }));
        break;
      case 'vip': {
        const pair = session.cluster.info.lbPair;
        if (pair === undefined) {
          throw new Error(`the vip probe needs a vip-pair front; cluster ${session.cluster.info.name} (${session.cluster.info.topology}) has none`);
        }
        out.push(vipProbe(ctx, { vip: pair.vip, port: APISERVER_PORT, hosts: session.cluster.nodes.filter((n) => hasRole(n, 'load-balancer')) }));
        break;
      }
      case 'etcd':
        out.push(etcdWriteProbe(ctx, { targets: session.etcd, runId: keyRun, intervalMs: PROBE_AIM_INTERVAL_MS, timeoutMs: CONTROL_PLANE_ETCD_PROBES.writeTimeoutMs }));
        out.push(etcdLeaderPoller(ctx, { targets: session.etcd, intervalMs: PROBE_AIM_INTERVAL_MS }));
        break;
    }
  }
  return out;
}

export async function runControlPlaneCase<Id extends string>(
  suite: ControlPlaneSuite<Id>,
  name: string,
  phases: readonly Phase[] | ((ctx: ProbeContext, keyRun: string) => readonly Phase[]),
  judgedBy: readonly Id[],
  opts: ControlPlaneCaseOptions,
): Promise<ControlPlaneCaseOutcome> {
  const recorder = suite.session.newCase(name);
  // A case that throws is saved as errored (every report shows it), then fails its test as before.
  return recordingErrors(recorder, judgedBy, () => judgeControlPlaneCase(suite, recorder, name, phases, judgedBy, opts));
}

async function judgeControlPlaneCase<Id extends string>(
  suite: ControlPlaneSuite<Id>,
  recorder: CaseRecorder,
  name: string,
  phases: readonly Phase[] | ((ctx: ProbeContext, keyRun: string) => readonly Phase[]),
  judgedBy: readonly Id[],
  opts: ControlPlaneCaseOptions,
): Promise<ControlPlaneCaseOutcome> {
  const { session } = suite;
  const pace = createPaceTracker();
  const ctx: ProbeContext = { history: recorder.history, clock: session.clock, pace };
  const keyRun = `${session.run.runId}-${name}`;
  const phaseList = typeof phases === 'function' ? phases(ctx, keyRun) : phases;
  // A fault whose target cannot exist on this cluster (or did not appear in time) becomes verdicts
  // that say why, before anything is started or injected.
  const unmet = await unmetPreconditionOf(phaseList, suite.catalogue.thresholds.flags, suite.catalogue.thresholds, () => recorder.faults.membership());
  if (unmet !== undefined) {
    const verdicts = verdictsForUnmet(name, judgedBy, unmet, suite.catalogue.configurationGuarantee);
    recorder.history.record({ kind: 'note', atMs: session.clock.nowMs(), source: 'harness', text: verdicts[0]?.reason ?? unmet.reason });
    recorder.save(verdicts);
    return { recorder, verdicts };
  }
  const probes = await probesFor(suite, ctx, keyRun, opts.probes);
  const snapshot = async (): Promise<void> => {
    if (opts.podSnapshots && suite.workload) {
      await takePodSnapshot(ctx, { sources: suite.sources, namespace: suite.workload.namespace, labelSelector: 'app=echo' });
    }
  };
  await snapshot();
  const caseStartMs = session.clock.nowMs();
  await runScenario(recorder.faults, probes, phaseList, { pace });
  await snapshot();
  const runStartWallMs = Date.parse(session.clock.startedAtIso);
  for (const component of opts.leaseLogs ?? []) {
    const events = await readLeaderElectionLogs(session.cluster.controlPlaneNodes, component, runStartWallMs);
    for (const e of eventsForCase(events, caseStartMs)) {
      recorder.history.record(e);
    }
  }
  const verdicts = judgedBy.map((id) => {
    const g = suite.catalogue.get(id);
    return g.check(recorder.history, g);
  });
  recorder.save(verdicts);
  await deleteProbeConfigMaps(suite.creds, PROBE_NAMESPACE);
  return { recorder, verdicts };
}
