/**
 * The record each case leaves under reports/<runId>/<suite>/cases/<file>.verdicts.json, and how the
 * suite report reads it back into a CaseReport. A case writes a `running` record the moment it
 * starts, so one that never got to save (a vitest timeout abandons the case function; a worker can
 * die) still shows up, as an errored case, instead of vanishing from the report.
 */
import { caseErrorVerdict, type Verdict } from '../checks/verdict.js';
import type { CaseReport } from './report-types.js';

/** What suite-session writes for one case. */
export interface CaseRecord {
  readonly case: string;
  readonly seq: number;
  readonly seed: number;
  /**
   * running: written when the case starts; judged: its verdicts were saved; errored: it threw
   * (before or after it was judged). Records written before this field existed are judged.
   */
  readonly state?: 'running' | 'judged' | 'errored';
  readonly verdicts: readonly Verdict[];
  /** What the case threw (class: message), when errored. */
  readonly error?: string;
}

/** The error text of a case whose `running` record was never replaced. */
export const NEVER_FINISHED =
  'it never finished: it was still running when the suite ended (a vitest timeout abandons the case; or its worker died), so nothing it was meant to judge was judged';

/**
 * A record as the reports show it; `faultIds` come from the case's own history. Pure. A record that
 * is not one (hand-edited, truncated) is an error of its case, not a crash of the whole report.
 */
export function caseReportOf(file: string, raw: unknown, faultIds: readonly string[]): CaseReport {
  const r = raw as Partial<CaseRecord> | null;
  const name = typeof r?.case === 'string' ? r.case : file;
  if (r === null || typeof r !== 'object' || !Array.isArray(r.verdicts)) {
    const error = `its record ${file} is not a case record (no verdicts list)`;
    return { name, faultIds, verdicts: [caseErrorVerdict(name, error, [])], error };
  }
  if (r.state === 'running') {
    return { name, faultIds, verdicts: [...r.verdicts, caseErrorVerdict(name, NEVER_FINISHED, [])], error: NEVER_FINISHED };
  }
  return { name, faultIds, verdicts: r.verdicts, ...(typeof r.error === 'string' ? { error: r.error } : {}) };
}
