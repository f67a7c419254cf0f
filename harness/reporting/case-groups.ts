/**
 * The verdicts of a suite run grouped by the case that produced them, each group with the faults
 * it injected (id, label, what, targets, as the Faults table lists them), so a guarantee judged in
 * seven cases reads as seven rows under seven headings rather than seven identical ids. Pure.
 */
import { mergeVerdicts, type Verdict, type VerdictStatus } from '../checks/verdict.js';
import type { FaultWindow } from '../probes/history.js';
import type { CaseReport } from './report-types.js';

/** A fault as a case heading names it. */
export interface CaseFault {
  readonly faultId: string;
  /** F1, F2, ...: its position among the run's faults, as the timeline labels it. */
  readonly label: string;
  /** What it was ('' when the history does not have it, e.g. a case that died before it saved). */
  readonly summary: string;
  readonly targets: readonly string[];
}

export interface CaseGroup {
  readonly name: string;
  readonly status: VerdictStatus;
  readonly faults: readonly CaseFault[];
  readonly verdicts: readonly Verdict[];
  readonly error?: string;
}

/** The short name of the n-th fault (0-based) of a run, in the timeline and the case headings: F1, F2, ... */
export function faultLabel(index: number): string {
  return `F${index + 1}`;
}

/** Groups in case order; `faults` are the run's fault windows in issue order (runFacts().faults). */
export function caseGroups(cases: readonly CaseReport[], faults: readonly FaultWindow[]): CaseGroup[] {
  return cases.map((c) => ({
    name: c.name,
    status: mergeVerdicts(c.verdicts),
    faults: c.faultIds.map((id) => {
      const i = faults.findIndex((f) => f.faultId === id);
      const f = faults[i];
      return { faultId: id, label: i < 0 ? '?' : faultLabel(i), summary: f?.summary ?? '', targets: f?.targets ?? [] };
    }),
    verdicts: c.verdicts,
    ...(c.error === undefined ? {} : { error: c.error }),
  }));
}

/**
 * "F2 kill-process-3fa1c2: SIGKILL etcd on leader -> ha-3cp-control-plane2", or "no fault". A
 * summary's own "-> targets" tail is replaced by the targets the fault window lists (older
 * histories' summaries have none).
 */
export function describeCaseFaults(group: CaseGroup): string {
  if (group.faults.length === 0) {
    return 'no fault';
  }
  return group.faults
    .map((f) => {
      const what = f.summary.replace(/ -> [^>]*$/, '');
      return `${f.label} ${f.faultId}${what === '' ? '' : `: ${what}`}${f.targets.length === 0 ? '' : ` -> ${f.targets.join(', ')}`}`;
    })
    .join('; ');
}
