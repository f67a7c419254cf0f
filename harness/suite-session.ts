/**
 * What a suite file works with: the live cluster, etcd access, the run's shared clock and seed, and
 * a recorder per case. Each case gets its own History (checks judge one case's faults) and saves it
 * with its verdicts under reports/<runId>/<suite>/cases/; the global teardown merges a suite's cases
 * into one report (one timeline per suite run).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openCluster, type ClusterHandle, type ClusterInfo } from './cluster/cluster-handle.js';
import { openEtcdAccess, type EtcdAccess } from './cluster/etcd-access.js';
import type { Verdict } from './checks/verdict.js';
import { createFaultContext } from './faults/fault-context.js';
import type { FaultContext } from './faults/context.js';
import { sharedRunClock, type MonotonicClock } from './probes/clock.js';
import { History } from './probes/history.js';
import { seededRandom } from './random.js';
import { redactedJsonl } from './reporting/report-writer.js';
import { raiseMeasurementPriority } from './runtime/host.js';
import type { GuaranteeInfo } from './reporting/report-types.js';
import type { RunInfo } from './run-info.js';

export interface SuiteDescription {
  readonly suite: string;
  readonly guarantees: readonly (GuaranteeInfo & { readonly thresholds?: Readonly<Record<string, number>> })[];
  readonly flags: Readonly<Record<string, unknown>>;
  readonly versions: Readonly<Record<string, string>>;
  readonly notes?: readonly string[];
}

export interface CaseRecorder {
  readonly name: string;
  readonly history: History;
  readonly faults: FaultContext;
  /** Persist the case's history and verdicts (redacted) for the suite report. */
  save(verdicts: readonly Verdict[]): void;
}

export interface SuiteSession extends AsyncDisposable {
  readonly run: RunInfo;
  readonly cluster: ClusterHandle;
  readonly etcd: EtcdAccess;
  readonly clock: MonotonicClock;
  readonly suiteDir: string;
  describe(d: SuiteDescription): void;
  newCase(name: string): CaseRecorder;
}

export function suiteDir(run: RunInfo, suite: string): string {
  return join(run.reportsDir, run.runId, suite);
}

export async function openSuiteSession(suite: string, run: RunInfo, info: ClusterInfo): Promise<SuiteSession> {
  const priority = raiseMeasurementPriority();
  if ('error' in priority) {
    console.warn(`[${suite}] could not raise the harness's CPU priority (${priority.error}): on a saturated host its timers may fire late; each case's cost note shows by how much`);
  }
  const cluster = await openCluster(info);
  const etcd = await openEtcdAccess(cluster.controlPlanes);
  const clock = sharedRunClock(BigInt(run.clockOriginNs), run.startedAtIso);
  const dir = suiteDir(run, suite);
  mkdirSync(join(dir, 'cases'), { recursive: true });
  // Each file gets its own seeded stream, derived from the run seed and the suite name.
  let caseSeq = 0;
  return {
    run,
    cluster,
    etcd,
    clock,
    suiteDir: dir,
    describe(d) {
      writeFileSync(join(dir, 'suite.json'), `${JSON.stringify(d, null, 2)}\n`);
    },
    newCase(name) {
      caseSeq += 1;
      const history = new History();
      const seed = (run.seed ^ hash(`${suite}/${name}`)) >>> 0;
      const faults = createFaultContext({ runId: run.runId, cluster, etcd, clock, history, random: seededRandom(seed) });
      const file = `${String(Math.round(clock.nowMs())).padStart(9, '0')}-${name}`;
      return {
        name,
        history,
        faults,
        save(verdicts) {
          writeFileSync(join(dir, 'cases', `${file}.jsonl`), redactedJsonl(history));
          writeFileSync(join(dir, 'cases', `${file}.verdicts.json`), `${JSON.stringify({ case: name, seq: caseSeq, seed, verdicts }, null, 2)}\n`);
        },
      };
    },
    [Symbol.asyncDispose]: async () => {
      etcd[Symbol.dispose]();
    },
  };
}

function hash(s: string): number {
  let h = 2_166_136_261;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 16_777_619);
  }
  return h >>> 0;
}
