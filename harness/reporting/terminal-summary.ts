/**
 * The few lines printed at the end of a run: overall verdict, each failed or inconclusive guarantee,
 * the longest outage, election times and where the report is. Plain text (no colour codes), so it
 * reads the same in a CI log.
 */
import type { History } from '../probes/history.js';
import { describeCounts, mergeVerdicts, type Verdict } from '../checks/verdict.js';
import { formatValue } from './format.js';
import { redact } from './redact.js';
import { runFacts } from './run-facts.js';

/** Renders the end-of-run terminal summary. */
export function renderTerminalSummary(input: { readonly runId: string; readonly verdicts: readonly Verdict[]; readonly history: History; readonly reportDir?: string }): string {
  const { verdicts } = input;
  const facts = runFacts(input.history);
  const lines = [`${mergeVerdicts(verdicts).toUpperCase()} ${input.runId}: ${describeCounts(verdicts)}`];
  for (const v of verdicts.filter((x) => x.status !== 'pass')) {
    lines.push(`  ${v.status.toUpperCase()} ${v.guaranteeId}: ${redact(v.reason)}`);
  }
  if (facts.longestOutage !== undefined) {
    lines.push(`  longest outage: ${formatValue('outageMs', facts.longestOutage.durationMs)} (${facts.longestOutage.probe})`);
  }
  const elections = facts.elections.filter((e) => e.electionMs !== undefined);
  if (elections.length > 0) {
    lines.push(`  election times: ${elections.map((e) => `${e.faultId} ${formatValue('electionMs', e.electionMs ?? 0)}`).join(', ')}`);
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
