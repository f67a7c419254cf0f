/**
 * run.json: the machine-readable record of a run — id, seed, versions, topology, the flags the
 * thresholds were derived from, the guarantees with their thresholds, the verdicts, the faults —
 * enough to reproduce the run (seed, versions) and to re-judge it (with history.jsonl beside it).
 * Everything passes through redactDeep on the way out.
 */
import type { FaultWindow, History } from '../probes/history.js';
import { countVerdicts, mergeVerdicts, type Verdict, type VerdictStatus } from '../checks/verdict.js';
import type { CaseReport, GuaranteeInfo } from './report-types.js';
import { redactDeep } from './redact.js';

/** The topology the run used. */
export interface TopologyInfo {
  /** e.g. 'ha-3cp'. */
  readonly name: string;
  readonly controlPlanes: number;
  readonly workers?: number;
  readonly etcdMembers: number;
  /** e.g. 'stacked'. */
  readonly etcdTopology?: string;
}

/** Input of buildRunJson. */
export interface RunJsonInput {
  readonly runId: string;
  readonly seed: number | string;
  readonly suite: string;
  readonly startedAtIso?: string;
  readonly finishedAtIso?: string;
  readonly versions: Readonly<Record<string, string>>;
  readonly topology: TopologyInfo;
  /** Flags read from the cluster, e.g. `{ etcd: { <member>: { heartbeatIntervalMs, electionTimeoutMs } } }`. */
  readonly flags: Readonly<Record<string, unknown>>;
  readonly guarantees: readonly (GuaranteeInfo & { readonly thresholds?: Readonly<Record<string, number>> })[];
  readonly verdicts: readonly Verdict[];
  /** The same verdicts by case (a suite run): run.json then lists the cases and tags each verdict. */
  readonly cases?: readonly CaseReport[];
  readonly history: History;
}

/** One case in run.json: how it came out, its faults, and what it threw if it errored. */
export interface RunJsonCase {
  readonly name: string;
  readonly status: VerdictStatus;
  readonly faultIds: readonly string[];
  readonly error?: string;
}

/** The run.json document (schemaVersion bumps on incompatible change). */
export interface RunJson {
  readonly schemaVersion: 1;
  readonly runId: string;
  readonly suite: string;
  readonly seed: number | string;
  readonly startedAtIso?: string;
  readonly finishedAtIso?: string;
  readonly versions: Readonly<Record<string, string>>;
  readonly topology: TopologyInfo;
  readonly flags: Readonly<Record<string, unknown>>;
  readonly overall: VerdictStatus;
  readonly counts: Readonly<Record<VerdictStatus, number>>;
  readonly guarantees: readonly {
    readonly id: string;
    readonly statement: string;
    readonly source: string;
    readonly sourceVersion?: string;
    readonly thresholds: Readonly<Record<string, number>>;
    readonly derivation: Readonly<Record<string, string>>;
  }[];
  /** With cases: each verdict carries the case it was judged in. */
  readonly verdicts: readonly (Verdict & { readonly case?: string })[];
  readonly cases?: readonly RunJsonCase[];
  readonly faults: readonly FaultWindow[];
  readonly historySpanMs: { readonly startMs: number; readonly endMs: number };
  readonly files: Readonly<Record<string, string>>;
}

/** File names inside reports/<runId>/. */
export const REPORT_FILES = {
  runJson: 'run.json',
  history: 'history.jsonl',
  faults: 'faults.json',
  junit: 'junit.xml',
  summary: 'summary.md',
  timeline: 'timeline.html',
} as const;

/** Builds the run.json object (redacted). */
export function buildRunJson(input: RunJsonInput): RunJson {
  const doc: RunJson = {
    schemaVersion: 1,
    runId: input.runId,
    suite: input.suite,
    seed: input.seed,
    ...(input.startedAtIso === undefined ? {} : { startedAtIso: input.startedAtIso }),
    ...(input.finishedAtIso === undefined ? {} : { finishedAtIso: input.finishedAtIso }),
    versions: input.versions,
    topology: input.topology,
    flags: input.flags,
    overall: mergeVerdicts(input.verdicts),
    counts: countVerdicts(input.verdicts),
    guarantees: input.guarantees.map((g) => ({
      id: g.id,
      statement: g.statement,
      source: g.source,
      ...(g.sourceVersion === undefined ? {} : { sourceVersion: g.sourceVersion }),
      thresholds: g.thresholds ?? {},
      derivation: g.derivation ?? {},
    })),
    verdicts: input.cases === undefined ? input.verdicts : input.cases.flatMap((c) => c.verdicts.map((v) => ({ ...v, case: c.name }))),
    ...(input.cases === undefined
      ? {}
      : {
          cases: input.cases.map((c) => ({ name: c.name, status: mergeVerdicts(c.verdicts), faultIds: c.faultIds, ...(c.error === undefined ? {} : { error: c.error }) })),
        }),
    faults: input.history.faultWindows(),
    historySpanMs: { startMs: input.history.startMs(), endMs: input.history.endMs() },
    files: REPORT_FILES,
  };
  return redactDeep(doc) as RunJson;
}
