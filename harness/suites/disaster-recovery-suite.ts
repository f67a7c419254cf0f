/**
 * The disaster-recovery suite (issue 12): the session on the live cluster, the catalogue built from
 * the members' real etcd timers, a test workload that exists before any snapshot, a private 0700
 * directory for snapshots (they hold every Secret), and one case runner: the probe set of the etcd
 * suites (etcd writes on every member, leader polls, a watch, API writes through the LB) runs across
 * the drill's phases; a final read of the probe keys follows; then the verdicts.
 *
 * Every drill that destroys data marks the cluster dirty first and is verified at its baseline
 * before the mark is cleared; a drill that could not be verified leaves the cluster dirty, so the
 * next run recreates it.
 */
import { afterAll, beforeAll, inject } from 'vitest';
import { versions } from '../../substrate/versions.js';
import type { ClusterInfo } from '../cluster/cluster-handle.js';
import { clearDirty, dirtyReason } from '../cluster/dirty.js';
import { waitForHealthy } from '../cluster/health.js';
import { createSecretDir, type SecretDir } from '../cluster/secrets.js';
import type { Verdict } from '../checks/verdict.js';
import { buildEtcdQuorumCatalogue, type Catalogue } from '../guarantees/catalogue.js';
import { buildDisasterRecoveryCatalogue, type DisasterRecoveryCatalogue, type DisasterRecoveryGuaranteeId } from '../guarantees/disaster-recovery-catalogue.js';
import type { EtcdQuorumGuaranteeId } from '../guarantees/catalogue.js';
import { apiWriteProbe, deleteProbeConfigMaps } from '../probes/api-write-probe.js';
import { etcdLeaderPoller } from '../probes/etcd-leader-poller.js';
import { etcdWatchProbe } from '../probes/etcd-watch-probe.js';
import { etcdWriteProbe } from '../probes/etcd-write-probe.js';
import { probeKeyPrefix } from '../probes/etcd-targets.js';
import { takeEtcdSnapshot } from '../probes/final-snapshot.js';
import { createPaceTracker } from '../probes/periodic.js';
import type { Probe, ProbeContext } from '../probes/probe.js';
import { loadKubeconfig, type KubeApiCredentials } from '../runtime/kubeconfig.js';
import type { RunInfo } from '../run-info.js';
import { runScenario, type Phase } from '../scenario.js';
import { openSuiteSession, recordingErrors, type CaseRecorder, type SuiteSession } from '../suite-session.js';
import type { HttpTarget } from '../probes/http-probe.js';
import { kubectl } from '../runtime/kubectl.js';
import { deployWorkload } from './control-plane-suite.js';
import { PROBE_NAMESPACE } from './etcd-quorum-case.js';
import { ETCD_QUORUM_PROBES, ETCD_WRITE_WORKERS_PER_MEMBER, PROBE_AIM_INTERVAL_MS, readClusterEtcdTimers } from './etcd-quorum-suite.js';

export interface DrillTimings {
  readonly baselineMs: number;
  readonly recoveryMs: number;
  /** Writes between the snapshot and the disaster: lost by design, and counted. */
  readonly writesAfterSnapshotMs: number;
  /** How long a different member is held down to prove the replaced cluster tolerates a failure. */
  readonly toleranceHoldMs: number;
  /** Longest any single wait of a drill may take (members stop, become healthy, the API answers). */
  readonly stepTimeoutMs: number;
}

export function drillTimingsFor(profile: 'default' | 'ci'): DrillTimings {
  return profile === 'ci'
    ? { baselineMs: 4_000, recoveryMs: 4_000, writesAfterSnapshotMs: 5_000, toleranceHoldMs: 8_000, stepTimeoutMs: 150_000 }
    : { baselineMs: 6_000, recoveryMs: 6_000, writesAfterSnapshotMs: 10_000, toleranceHoldMs: 15_000, stepTimeoutMs: 180_000 };
}

export interface DisasterRecoverySuite extends AsyncDisposable {
  readonly session: SuiteSession;
  readonly catalogue: DisasterRecoveryCatalogue;
  /** For the guarantees every drill keeps (no acknowledged write lost, one leader per term). */
  readonly etcdCatalogue: Catalogue;
  readonly timings: DrillTimings;
  readonly creds: KubeApiCredentials;
  readonly secrets: SecretDir;
  readonly workload: { readonly namespace: string; readonly targets: readonly HttpTarget[] };
  /** etcd flags per member, as their manifests set them (e.g. strict-reconfig-check). */
  readonly etcdFlags: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export async function openDisasterRecoverySuite(run: RunInfo, info: ClusterInfo): Promise<DisasterRecoverySuite> {
  const session = await openSuiteSession('disaster-recovery', run, info);
  const cluster = session.cluster;
  const health = await waitForHealthy(cluster, session.etcd, 180_000);
  if (!health.healthy) {
    throw new Error(`refusing to start disaster-recovery: the cluster is not at its baseline: ${health.problems.join('; ')}`);
  }
  const { timers, flagValues } = await readClusterEtcdTimers(cluster);
  const catalogue = buildDisasterRecoveryCatalogue({ timersByMember: timers, probes: ETCD_QUORUM_PROBES });
  const etcdCatalogue = buildEtcdQuorumCatalogue({ timersByMember: timers, probes: ETCD_QUORUM_PROBES });
  session.describe({
    suite: 'disaster-recovery',
    guarantees: catalogue.guarantees.map((g) => ({ id: g.id, statement: g.statement, source: g.source, sourceVersion: g.sourceVersion, derivation: g.derivation, thresholds: g.thresholds })),
    flags: { etcd: { timers, flags: flagValues }, probes: ETCD_QUORUM_PROBES, profile: run.profile },
    versions: { kubernetes: versions().kubernetes, etcd: versions().etcd, kind: versions().kind, nodeImage: info.nodeImage },
    notes: catalogue.notes,
  });
  const workload = await deployWorkload(session, 'disaster-recovery');
  const secrets = createSecretDir('kube-ha-chaos-snapshots');
  return {
    session,
    catalogue,
    etcdCatalogue,
    timings: drillTimingsFor(run.profile),
    creds: loadKubeconfig(info.kubeconfig),
    secrets,
    workload,
    etcdFlags: flagValues,
    [Symbol.asyncDispose]: async () => {
      secrets.remove();
      await kubectl(cluster.kubectl, ['delete', 'namespace', workload.namespace, '--wait=false'], { timeoutMs: 30_000 }).catch((e: unknown) => {
        console.warn(`could not delete the test workload namespace ${workload.namespace}: ${(e as Error).message}`);
      });
      await session[Symbol.asyncDispose]();
    },
  };
}

export function useDisasterRecoverySuite(): () => DisasterRecoverySuite {
  let s: DisasterRecoverySuite | undefined;
  beforeAll(async () => {
    s = await openDisasterRecoverySuite(inject('run'), inject('cluster'));
  });
  afterAll(async () => {
    await s?.[Symbol.asyncDispose]();
  });
  return () => {
    if (s === undefined) {
      throw new Error('the disaster-recovery suite did not open (see the beforeAll error)');
    }
    return s;
  };
}

export interface DrillCaseContext {
  readonly recorder: CaseRecorder;
  readonly probeCtx: ProbeContext;
  /** Prefix of this case's probe keys (the snapshot-file read uses it). */
  readonly keyPrefix: string;
}

/**
 * One drill case: probes across `phases(ctx)`, a final read of the probe keys, the verdicts of
 * `judgedBy` (and of `keeps`, etcd-quorum guarantees the drill must not break), and, when the drill
 * marked the cluster dirty, a verified baseline before the mark is cleared.
 */
export async function runDrillCase(
  suite: DisasterRecoverySuite,
  name: string,
  phases: (ctx: DrillCaseContext) => readonly Phase[],
  judgedBy: readonly DisasterRecoveryGuaranteeId[],
  keeps: readonly EtcdQuorumGuaranteeId[] = [],
): Promise<readonly Verdict[]> {
  const { session } = suite;
  const recorder = session.newCase(name);
  return recordingErrors(recorder, [...judgedBy, ...keeps], async () => {
    const pace = createPaceTracker();
    const probeCtx: ProbeContext = { history: recorder.history, clock: session.clock, pace };
    const keyRun = `${session.run.runId}-${name}`;
    const targets = session.etcd;
    const probes: Probe[] = [
      etcdWriteProbe(probeCtx, { targets, runId: keyRun, intervalMs: PROBE_AIM_INTERVAL_MS, timeoutMs: ETCD_QUORUM_PROBES.writeTimeoutMs, workersPerMember: ETCD_WRITE_WORKERS_PER_MEMBER }),
      etcdLeaderPoller(probeCtx, { targets, intervalMs: PROBE_AIM_INTERVAL_MS }),
      etcdWatchProbe(probeCtx, { targets, runId: keyRun }),
      apiWriteProbe(probeCtx, { creds: suite.creds, runId: keyRun, namespace: PROBE_NAMESPACE, intervalMs: 100 }),
    ];
    await runScenario(recorder.faults, probes, phases({ recorder, probeCtx, keyPrefix: probeKeyPrefix(keyRun) }), { pace });
    await takeEtcdSnapshot(probeCtx, { targets, runId: keyRun });
    const verdicts = [
      ...judgedBy.map((id) => {
        const g = suite.catalogue.get(id);
        return g.check(recorder.history, g);
      }),
      ...keeps.map((id) => {
        const g = suite.etcdCatalogue.get(id);
        return g.check(recorder.history, g);
      }),
    ];
    recorder.save(verdicts);
    await deleteProbeConfigMaps(suite.creds, PROBE_NAMESPACE).catch(() => undefined);
    return verdicts;
  });
}

/**
 * After a drill that marked the cluster dirty: verify the baseline (members, static pods, nodes,
 * leases) and clear the mark only then. Throws, leaving it dirty, when the cluster is not back.
 */
export async function verifyDrillLeftClusterWhole(suite: DisasterRecoverySuite, timeoutMs = 180_000): Promise<void> {
  const cluster = suite.session.cluster;
  const health = await waitForHealthy(cluster, suite.session.etcd, timeoutMs);
  if (!health.healthy) {
    throw new Error(`the drill left the cluster away from its baseline (it stays marked dirty and is recreated by the next run): ${health.problems.join('; ')}`);
  }
  if (dirtyReason(cluster.info.name) !== undefined) {
    clearDirty(cluster.info.name);
  }
}

/** Why a drill that rebuilds members is not run on this layout (undefined: it runs). Pure. */
export function memberRebuildNotBuiltReason(layout: { readonly etcd: { readonly mode: 'stacked' | 'external' } }): string | undefined {
  return layout.etcd.mode === 'stacked'
    ? undefined
    : 'not built yet for external etcd: restoring or replacing an external member means recreating its container and volume (substrate/cluster/external-etcd.ts); the drill is written for kubeadm stacked members';
}
