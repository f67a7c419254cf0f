/**
 * Types the renderers share. Structural on purpose: reporting must not depend on the guarantee
 * catalogue (dependencies point from guarantees to reporting, not back).
 */
import type { Verdict } from '../checks/verdict.js';

/** What a report shows about a guarantee besides its verdict. */
export interface GuaranteeInfo {
  readonly id: string;
  readonly statement: string;
  readonly source: string;
  readonly sourceVersion?: string;
  readonly derivation?: Readonly<Record<string, string>>;
}

/** Labels for the top of a report. */
export interface RunMeta {
  readonly runId: string;
  /** e.g. 'etcd-quorum on ha-3cp'. */
  readonly title?: string;
  readonly seed?: number | string;
  /** e.g. 'ha-3cp (3 control planes, stacked etcd)'. */
  readonly topology?: string;
  readonly startedAtIso?: string;
  readonly versions?: Readonly<Record<string, string>>;
}

/**
 * One case of a suite run, as the reports group it: its verdicts, the faults it injected, and the
 * error it stopped on, if it did not run to its end (its verdicts then hold that error as an `error`
 * verdict, so counts and headlines see it).
 */
export interface CaseReport {
  readonly name: string;
  /** Ids of the faults the case injected, as in the history (issue order). */
  readonly faultIds: readonly string[];
  readonly verdicts: readonly Verdict[];
  /** What the case threw (class: message), when it errored. */
  readonly error?: string;
}
