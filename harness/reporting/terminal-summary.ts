/**
 * The few lines printed at the end of a run: overall verdict, each failed, inconclusive or errored
 * guarantee (with its case), the longest outage, the times to a new leader labelled by what they
 * measure, and where the report is. Plain text (no colour codes), so it reads the same in a CI log.
 */
import type { History } from '../probes/history.js';
import { CASE_COMPLETED_ID, describeCounts, mergeVerdicts, type Verdict } from '../checks/verdict.js';
import { formatValue } from './format.js';
import { redact } from './redact.js';
import type { CaseReport } from './report-types.js';
import { ELECTION_MEASURE_TEXT, runFacts, type ElectionFact, type ElectionMeasure } from './run-facts.js';

// Real elections first: they are the times a reader compares with the election timeout.
const MEASURE_ORDER: readonly ElectionMeasure[] = ['election', 'transfer', 'after-heal'];

/** Renders the end-of-run terminal summary; with `cases`, each non-passing verdict names its case. */
export function renderTerminalSummary(input: {
  readonly runId: string;
  readonly verdicts: readonly Verdict[];
  readonly history: History;
  readonly reportDir?: string;
  readonly cases?: readonly CaseReport[];
}): string {
  const { verdicts } = input;
  const facts = runFacts(input.history);
  const lines = [`${mergeVerdicts(verdicts).toUpperCase()} ${input.runId}: ${describeCounts(verdicts)}`];
  // With cases, the verdicts are listed by case, so each line can say which case it came from.
  const byCase: readonly { readonly name?: string; readonly verdicts: readonly Verdict[] }[] = input.cases ?? [{ verdicts }];
  for (const c of byCase) {
    for (const v of c.verdicts.filter((x) => x.status !== 'pass')) {
      // An errored case's verdict already names its case ("case X errored: ...").
      const what = v.guaranteeId === CASE_COMPLETED_ID ? '' : ` ${v.guaranteeId}${c.name === undefined ? '' : ` (case ${c.name})`}:`;
      lines.push(`  ${v.status.toUpperCase()}${what} ${redact(v.reason)}`);
    }
  }
  if (facts.longestOutage !== undefined) {
    lines.push(`  longest outage: ${formatValue('outageMs', facts.longestOutage.durationMs)} (${facts.longestOutage.probe})`);
  }
  const timed = facts.elections.filter((e): e is ElectionFact & { electionMs: number } => e.electionMs !== undefined);
  for (const m of MEASURE_ORDER) {
    const these = timed.filter((e) => e.measures === m);
    if (these.length > 0) {
      const label = m === 'election' ? 'election times' : ELECTION_MEASURE_TEXT[m];
      lines.push(`  ${label}: ${these.map((e) => `${e.faultId} ${formatValue('electionMs', e.electionMs)}`).join(', ')}`);
    }
  }
  const handovers = facts.leaseChanges.filter((c) => c.to !== '');
  if (handovers.length > 0) {
    lines.push(`  lease handovers: ${handovers.map((c) => `${c.lease} -> ${c.toNode ?? c.to} at ${(c.atMs / 1_000).toFixed(1)} s`).join(', ')}`);
  }
  if (input.reportDir !== undefined) {
    lines.push(`  report: ${input.reportDir}`);
  }
  return lines.join('\n');
}
