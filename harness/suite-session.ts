/**
 * What a suite file works with: the live cluster, etcd access, the run's shared clock and seed, and
 * a recorder per case. Each case gets its own History (checks judge one case's faults) and saves it
 * with its verdicts under reports/<runId>/<suite>/cases/; the global teardown merges a suite's cases
 * into one report (one timeline per suite run).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openCaseFiles } from './case-files.js';
import { openCluster, type ClusterHandle, type ClusterInfo } from './cluster/cluster-handle.js';
import { openClusterEtcdAccess, type EtcdAccess } from './cluster/etcd-access.js';
import { frontNotes } from './cluster/front-notes.js';
import type { Verdict } from './checks/verdict.js';
import { createFaultContext } from './faults/fault-context.js';
import type { FaultContext } from './faults/context.js';
import { sharedRunClock, type MonotonicClock } from './probes/clock.js';
import { History } from './probes/history.js';
import { seededRandom } from './random.js';
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
  /**
   * Persist the case as errored (it threw: a target not found, an injection refused, a probe
   * crash), with its history so far and an `error` verdict naming the error and `notJudged`; the
   * case runner calls it and rethrows, so vitest fails the test and every report shows the error.
   */
  saveError(error: unknown, notJudged: readonly string[]): Verdict;
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
  const etcd = await openClusterEtcdAccess(cluster);
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
      // Every suite's report says which front its "through the LB" probes really took (front-notes.ts).
      const notes = [...(d.notes ?? []), ...frontNotes(info)];
      writeFileSync(join(dir, 'suite.json'), `${JSON.stringify(notes.length > 0 ? { ...d, notes } : d, null, 2)}\n`);
    },
    newCase(name) {
      caseSeq += 1;
      const history = new History();
      const seed = (run.seed ^ hash(`${suite}/${name}`)) >>> 0;
      const faults = createFaultContext({ runId: run.runId, cluster, etcd, clock, history, random: seededRandom(seed) });
      const file = `${String(Math.round(clock.nowMs())).padStart(9, '0')}-${name}`;
      // Its own sequence number, not the session's counter at save time (a later case bumps that).
      const files = openCaseFiles(join(dir, 'cases'), file, { name, seq: caseSeq, seed }, history);
      return { name, history, faults, save: files.save, saveError: files.saveError };
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

/**
 * Runs a case's body so that a case that throws (a target not found, an injection refused, a probe
 * crash) is saved as errored, with `notJudged` named, before the error goes on to vitest (which
 * fails the test): the report then shows the case as `error` instead of leaving it out. A failure
 * to save is printed, never put in the place of the case's own error.
 */
export async function recordingErrors<T>(recorder: Pick<CaseRecorder, 'name' | 'saveError'>, notJudged: readonly string[], body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    try {
      recorder.saveError(err, notJudged);
    } catch (saveErr) {
      console.error(`[${recorder.name}] could not record the case's error in its report: ${saveErr instanceof Error ? saveErr.message : String(saveErr)}`);
    }
    throw err;
  }
}
