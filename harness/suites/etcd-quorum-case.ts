/**
 * One etcd-quorum case: a fresh history, the full probe set (etcd writes on every member, a leader
 * poller on every member, a watch, API writes through the load balancer, optional reads, etcd's own
 * metrics), the scenario's phases, a final read of everything written, and the verdicts of the
 * guarantees the case is about plus the ones every case must keep (durability, order, one leader
 * per term). The case's history and verdicts are saved for the suite report.
 */
import { expect } from 'vitest';
import type { Verdict } from '../checks/verdict.js';
import type { EtcdQuorumGuaranteeId } from '../guarantees/catalogue.js';
import { apiWriteProbe, deleteProbeConfigMaps } from '../probes/api-write-probe.js';
import { etcdLeaderPoller } from '../probes/etcd-leader-poller.js';
import { etcdMetricsProbe } from '../probes/etcd-metrics.js';
import { etcdReadProbes } from '../probes/etcd-read-probe.js';
import { etcdWatchProbe } from '../probes/etcd-watch-probe.js';
import { etcdWriteProbe } from '../probes/etcd-write-probe.js';
import { takeEtcdSnapshot } from '../probes/final-snapshot.js';
import { createPaceTracker } from '../probes/periodic.js';
import type { Probe } from '../probes/probe.js';
import { loadKubeconfig } from '../runtime/kubeconfig.js';
import { runScenario, type Phase, type ScenarioResult } from '../scenario.js';
import { recordingErrors, type CaseRecorder } from '../suite-session.js';
import { unmetEtcdPreconditionOf, verdictsForUnmet } from './case-preconditions.js';
import { ETCD_QUORUM_PROBES, ETCD_WRITE_WORKERS_PER_MEMBER, PROBE_AIM_INTERVAL_MS, type EtcdQuorumSuite } from './etcd-quorum-suite.js';

export const PROBE_NAMESPACE = 'kube-ha-chaos-probes';

/** Guarantees every case is judged against, whatever its fault. */
export const EVERY_CASE: readonly EtcdQuorumGuaranteeId[] = [
  'etcd-quorum.acknowledged-writes-durable',
  'etcd-quorum.revisions-and-terms-monotonic',
  'etcd-quorum.one-leader-per-term',
  'etcd-quorum.watch-ordered-without-gaps',
];

export interface CaseOutcome {
  readonly recorder: CaseRecorder;
  /** Absent when the case could not run (an unmet precondition): nothing was injected. */
  readonly scenario?: ScenarioResult;
  readonly verdicts: readonly Verdict[];
}

export async function runEtcdQuorumCase(
  suite: EtcdQuorumSuite,
  name: string,
  phases: readonly Phase[],
  judgedBy: readonly EtcdQuorumGuaranteeId[],
  opts: { readonly reads?: boolean } = {},
): Promise<CaseOutcome> {
  const recorder = suite.session.newCase(name);
  // A case that throws is saved as errored (every report shows it), then fails its test as before.
  return recordingErrors(recorder, [...judgedBy, ...EVERY_CASE], () => judgeEtcdQuorumCase(suite, recorder, name, phases, judgedBy, opts));
}

async function judgeEtcdQuorumCase(
  suite: EtcdQuorumSuite,
  recorder: CaseRecorder,
  name: string,
  phases: readonly Phase[],
  judgedBy: readonly EtcdQuorumGuaranteeId[],
  opts: { readonly reads?: boolean },
): Promise<CaseOutcome> {
  const { session } = suite;
  const pace = createPaceTracker();
  const ctx = { history: recorder.history, clock: session.clock, pace };
  // Keys and ConfigMaps of this case live under their own prefix / label.
  const keyRun = `${session.run.runId}-${name}`;
  const targets = session.etcd;
  const creds = loadKubeconfig(session.cluster.info.kubeconfig);
  // A fault whose target cannot exist here (no follower in a 1-member cluster) or did not appear in
  // time (no leader) becomes verdicts that say why, before anything is started or injected.
  const unmet = await unmetEtcdPreconditionOf(phases, () => recorder.faults.membership());
  if (unmet !== undefined) {
    const verdicts = verdictsForUnmet(name, [...judgedBy, ...EVERY_CASE], unmet);
    recorder.history.record({ kind: 'note', atMs: session.clock.nowMs(), source: 'harness', text: verdicts[0]?.reason ?? unmet.reason });
    recorder.save(verdicts);
    return { recorder, verdicts };
  }
  const probes: Probe[] = [
    etcdWriteProbe(ctx, { targets, runId: keyRun, intervalMs: PROBE_AIM_INTERVAL_MS, timeoutMs: ETCD_QUORUM_PROBES.writeTimeoutMs, workersPerMember: ETCD_WRITE_WORKERS_PER_MEMBER }),
    etcdLeaderPoller(ctx, { targets, intervalMs: PROBE_AIM_INTERVAL_MS }),
    etcdWatchProbe(ctx, { targets, runId: keyRun }),
    apiWriteProbe(ctx, { creds, runId: keyRun, namespace: PROBE_NAMESPACE, intervalMs: 100 }),
    etcdMetricsProbe(ctx, { targets }),
    ...(opts.reads ? etcdReadProbes(ctx, { targets, runId: keyRun, intervalMs: 100 }) : []),
  ];
  const scenario = await runScenario(recorder.faults, probes, phases, { pace });
  await takeEtcdSnapshot(ctx, { targets, runId: keyRun });
  const verdicts = [...judgedBy, ...EVERY_CASE].map((id) => {
    const g = suite.catalogue.get(id);
    return g.check(recorder.history, g);
  });
  recorder.save(verdicts);
  await deleteProbeConfigMaps(creds, PROBE_NAMESPACE);
  return { recorder, scenario, verdicts };
}

/** Every verdict must pass; the failure message shows each one that did not, measured vs threshold. */
export function expectVerdictsHold(verdicts: readonly Verdict[]): void {
  // A finding (a hazard upstream allows, observed) passes the test; it is printed here and carried
  // in every report, so it is never silent.
  for (const v of verdicts.filter((x) => x.status === 'finding')) {
    console.warn(`FINDING ${v.guaranteeId}: ${v.reason} | measured ${JSON.stringify(v.measured)}`);
  }
  const notPassing = verdicts
    .filter((v) => v.status !== 'pass' && v.status !== 'finding')
    .map((v) => `${v.status.toUpperCase()} ${v.guaranteeId}: ${v.reason} | measured ${JSON.stringify(v.measured)} | threshold ${JSON.stringify(v.threshold)}`);
  expect(notPassing, notPassing.join('\n')).toEqual([]);
}
