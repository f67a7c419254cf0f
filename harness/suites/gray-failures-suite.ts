/**
 * The gray-failures suite (issue 15): the session on the live cluster, the catalogue built from the
 * flags the cluster ACTUALLY runs with (each member's raft timers, each apiserver's etcd client
 * flags, kind's haproxy check settings), the profile timings, and one case runner: every case runs
 * the same probe set (etcd writes, status polls and a watch on every member; each apiserver's
 * /readyz and writes directly; reads and writes through the LB; haproxy's backend states), then a
 * final read of everything written, then the verdicts of the guarantees it is about.
 */
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { expectVerdictsHold } from './etcd-quorum-case.js';
import { versions } from '../../substrate/versions.js';
import type { ClusterInfo } from '../cluster/cluster-handle.js';
import { directApiservers, readControlPlaneConfig } from '../cluster/control-plane-config.js';
import { waitForHealthy } from '../cluster/health.js';
import { statisticSupport, type StatisticSupport } from '../cluster/gray-iptables.js';
import { verdict, type Verdict } from '../checks/verdict.js';
import { controlPlaneFlagsFrom } from '../guarantees/control-plane-flags.js';
import {
  buildGrayFailuresCatalogue,
  DEFAULT_GRAY_PROBES,
  parseApiserverEtcdClient,
  type ApiserverEtcdClient,
  type GrayFailuresCatalogue,
  type GrayFailuresGuaranteeId,
} from '../guarantees/gray-failures-catalogue.js';
import { apiWriteProbe, deleteProbeConfigMaps } from '../probes/api-write-probe.js';
import { apiserverProbe } from '../probes/apiserver-probe.js';
import { etcdLeaderPoller } from '../probes/etcd-leader-poller.js';
import { etcdWatchProbe } from '../probes/etcd-watch-probe.js';
import { etcdWriteProbe } from '../probes/etcd-write-probe.js';
import { takeEtcdSnapshot } from '../probes/final-snapshot.js';
import { lbBackendPoller } from '../probes/lb-backend-poller.js';
import { createPaceTracker } from '../probes/periodic.js';
import type { Probe, ProbeContext } from '../probes/probe.js';
import { loadKubeconfig, type KubeApiCredentials } from '../runtime/kubeconfig.js';
import type { RunInfo } from '../run-info.js';
import { runScenario, type Phase } from '../scenario.js';
import { openSuiteSession, recordingErrors, type CaseRecorder, type SuiteSession } from '../suite-session.js';
import { PROBE_NAMESPACE } from './etcd-quorum-case.js';
import { ETCD_WRITE_WORKERS_PER_MEMBER, PROBE_AIM_INTERVAL_MS, readEtcdTimers } from './etcd-quorum-suite.js';

/**
 * Holds and repetitions. CI keeps the whole suite within ~6 min on ha-3cp: four blackhole/pause
 * cases of ~40-60 s each (warm-up, baseline, the fault, the verified heal, recovery) and the loss case.
 */
export interface GrayTimings {
  readonly baselineMs: number;
  readonly recoveryMs: number;
  /** Brief pauses per case, and the gap between two (on top of each heal's own verification). */
  readonly briefPauses: number;
  readonly briefPauseGapMs: number;
  /** How long random loss is held. */
  readonly lossHoldMs: number;
}

export function grayTimingsFor(profile: 'default' | 'ci'): GrayTimings {
  return profile === 'ci'
    ? { baselineMs: 4_000, recoveryMs: 4_000, briefPauses: 5, briefPauseGapMs: 1_000, lossHoldMs: 15_000 }
    : { baselineMs: 6_000, recoveryMs: 6_000, briefPauses: 10, briefPauseGapMs: 2_000, lossHoldMs: 30_000 };
}

export interface GrayFailuresSuite extends AsyncDisposable {
  readonly session: SuiteSession;
  readonly catalogue: GrayFailuresCatalogue;
  readonly timings: GrayTimings;
  readonly creds: KubeApiCredentials;
  readonly apiservers: ReadonlyMap<string, string>;
}

export async function openGrayFailuresSuite(run: RunInfo, info: ClusterInfo): Promise<GrayFailuresSuite> {
  const session = await openSuiteSession('gray-failures', run, info);
  const cluster = session.cluster;
  const health = await waitForHealthy(cluster, session.etcd, 180_000);
  if (!health.healthy) {
    throw new Error(`refusing to start gray-failures: the cluster is not at its baseline: ${health.problems.join('; ')}`);
  }
  const { timers, flagValues } = await readEtcdTimers(cluster.controlPlaneNodes);
  const config = await readControlPlaneConfig(cluster);
  const reading = controlPlaneFlagsFrom(config, versions().kubernetes);
  const apiserverEtcd: Record<string, ApiserverEtcdClient> = {};
  for (const [node, byComponent] of Object.entries(config.commands)) {
    apiserverEtcd[node] = parseApiserverEtcdClient(byComponent['kube-apiserver']);
  }
  const catalogue = buildGrayFailuresCatalogue({ timersByMember: timers, apiserverEtcd, haproxy: reading.flags.haproxy, kubernetesVersion: versions().kubernetes });
  session.describe({
    suite: 'gray-failures',
    guarantees: catalogue.guarantees.map((g) => ({ id: g.id, statement: g.statement, source: g.source, sourceVersion: g.sourceVersion, derivation: g.derivation, thresholds: g.thresholds })),
    flags: { etcd: { timers, flags: flagValues }, apiserverEtcd, haproxy: reading.flags.haproxy, probes: DEFAULT_GRAY_PROBES, profile: run.profile },
    versions: { kubernetes: versions().kubernetes, etcd: versions().etcd, kind: versions().kind, nodeImage: info.nodeImage },
    notes: catalogue.notes,
  });
  return {
    session,
    catalogue,
    timings: grayTimingsFor(run.profile),
    creds: loadKubeconfig(info.kubeconfig),
    apiservers: await directApiservers(cluster.controlPlaneNodes),
    [Symbol.asyncDispose]: () => session[Symbol.asyncDispose](),
  };
}

/** For a suite file: open once per file, close after; returns a getter for the tests. */
export function useGrayFailuresSuite(): () => GrayFailuresSuite {
  let s: GrayFailuresSuite | undefined;
  beforeAll(async () => {
    s = await openGrayFailuresSuite(inject('run'), inject('cluster'));
  });
  afterAll(async () => {
    await s?.[Symbol.asyncDispose]();
  });
  return () => {
    if (s === undefined) {
      throw new Error('the gray-failures suite did not open (see the beforeAll error)');
    }
    return s;
  };
}

async function probesFor(suite: GrayFailuresSuite, ctx: ProbeContext, keyRun: string): Promise<Probe[]> {
  const { session, creds, apiservers } = suite;
  const p = DEFAULT_GRAY_PROBES;
  return [
    etcdWriteProbe(ctx, { targets: session.etcd, runId: keyRun, intervalMs: PROBE_AIM_INTERVAL_MS, timeoutMs: p.etcdWriteTimeoutMs, workersPerMember: ETCD_WRITE_WORKERS_PER_MEMBER }),
    etcdLeaderPoller(ctx, { targets: session.etcd, intervalMs: PROBE_AIM_INTERVAL_MS }),
    etcdWatchProbe(ctx, { targets: session.etcd, runId: keyRun }),
    apiWriteProbe(ctx, { creds, runId: keyRun, namespace: PROBE_NAMESPACE, intervalMs: p.apiIntervalMs, timeoutMs: p.requestTimeoutMs }),
    apiserverProbe(ctx, { creds, servers: apiservers, runId: keyRun, namespace: PROBE_NAMESPACE, intervalMs: p.apiIntervalMs, timeoutMs: p.requestTimeoutMs }),
    lbBackendPoller(ctx, { lb: session.cluster.loadBalancer, lbIp: await session.cluster.loadBalancerNode.address(), intervalMs: p.lbPollIntervalMs }),
  ];
}

/** Options of one case. */
export interface GrayCaseOptions {
  /**
   * Checked before anything is started: a reason here (e.g. the node kernel lacks the statistic
   * match) makes every judged guarantee `inconclusive` with that reason, never pass.
   */
  readonly precondition?: () => Promise<string | undefined>;
}

export async function runGrayCase(suite: GrayFailuresSuite, name: string, phases: readonly Phase[], judgedBy: readonly GrayFailuresGuaranteeId[], opts: GrayCaseOptions = {}): Promise<readonly Verdict[]> {
  const recorder = suite.session.newCase(name);
  return recordingErrors(recorder, judgedBy, () => judgeGrayCase(suite, recorder, name, phases, judgedBy, opts));
}

async function judgeGrayCase(suite: GrayFailuresSuite, recorder: CaseRecorder, name: string, phases: readonly Phase[], judgedBy: readonly GrayFailuresGuaranteeId[], opts: GrayCaseOptions): Promise<readonly Verdict[]> {
  const { session } = suite;
  const why = await opts.precondition?.();
  if (why !== undefined) {
    recorder.history.record({ kind: 'note', atMs: session.clock.nowMs(), source: 'harness', text: `case ${name} not run: ${why}` });
    const verdicts = judgedBy.map((id) => verdict(id, 'inconclusive', `case ${name} could not run on this cluster: ${why}`));
    recorder.save(verdicts);
    return verdicts;
  }
  const pace = createPaceTracker();
  const ctx: ProbeContext = { history: recorder.history, clock: session.clock, pace };
  const keyRun = `${session.run.runId}-${name}`;
  const probes = await probesFor(suite, ctx, keyRun);
  await runScenario(recorder.faults, probes, phases, { pace });
  await takeEtcdSnapshot(ctx, { targets: session.etcd, runId: keyRun });
  const verdicts = judgedBy.map((id) => {
    const g = suite.catalogue.get(id);
    return g.check(recorder.history, g);
  });
  recorder.save(verdicts);
  await deleteProbeConfigMaps(suite.creds, PROBE_NAMESPACE);
  return verdicts;
}

/**
 * The statistic-match precondition of the loss case: every control-plane node's iptables and kernel
 * must support it (the target is resolved only at injection). Undefined when they do.
 */
export async function statisticMatchMissing(suite: GrayFailuresSuite): Promise<string | undefined> {
  const results: [string, StatisticSupport][] = [];
  for (const n of suite.session.cluster.controlPlaneNodes) {
    results.push([n.name, await statisticSupport(n)]);
  }
  const missing = results.filter(([, r]) => !r.supported);
  return missing.length === 0 ? undefined : `the iptables statistic match is not available: ${missing.map(([n, r]) => `${n}: ${r.reason}`).join('; ')}`;
}

/** Every verdict must be pass or finding (printed, never silent): the one rule every suite uses. */
export const expectGrayVerdictsHold = expectVerdictsHold;
