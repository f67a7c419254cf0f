/**
 * After all suite files ran: merge each suite's saved cases into one history (they share the run
 * clock, so they line up) and write its report: run.json, history.jsonl, junit.xml, summary.md,
 * timeline.html, faults.json; then an index page of every run's verdicts; print a short summary.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mergeVerdicts, type Verdict } from './checks/verdict.js';
import { History, type HistoryEntry } from './probes/history.js';
import { writeRunReport } from './reporting/report-writer.js';
import { renderTerminalSummary } from './reporting/terminal-summary.js';
import { renderRunsIndex, type IndexedSuiteRun } from './reporting/runs-index.js';
import type { RunJson } from './reporting/run-json.js';
import type { RunInfo } from './run-info.js';
import type { SuiteDescription } from './suite-session.js';
import type { Topology } from './cluster/topology.js';

export interface SuiteOutcome {
  readonly suite: string;
  readonly dir: string;
  readonly status: ReturnType<typeof mergeVerdicts>;
  readonly verdicts: readonly Verdict[];
  readonly summary: string;
}

export async function writeSuiteReports(run: RunInfo, topology: Topology): Promise<SuiteOutcome[]> {
  const runDir = join(run.reportsDir, run.runId);
  if (!existsSync(runDir)) {
    return [];
  }
  const outcomes: SuiteOutcome[] = [];
  for (const suite of readdirSync(runDir).sort()) {
    const dir = join(runDir, suite);
    const casesDir = join(dir, 'cases');
    if (!existsSync(join(dir, 'suite.json')) || !existsSync(casesDir)) {
      continue;
    }
    const description = JSON.parse(readFileSync(join(dir, 'suite.json'), 'utf8')) as SuiteDescription;
    const files = readdirSync(casesDir).filter((f) => f.endsWith('.jsonl')).sort();
    const entries: HistoryEntry[] = [];
    const verdicts: Verdict[] = [];
    for (const f of files) {
      entries.push(...History.fromJsonl(readFileSync(join(casesDir, f), 'utf8')).entries());
      const v = join(casesDir, f.replace(/\.jsonl$/, '.verdicts.json'));
      if (existsSync(v)) {
        verdicts.push(...(JSON.parse(readFileSync(v, 'utf8')) as { verdicts: Verdict[] }).verdicts);
      }
    }
    const history = new History(entries);
    await writeRunReport(runDir, {
      runId: suite,
      seed: run.seed,
      suite,
      startedAtIso: run.startedAtIso,
      finishedAtIso: new Date().toISOString(),
      versions: description.versions,
      topology: { name: topology.name, controlPlanes: topology.controlPlanes, workers: topology.workers, etcdMembers: topology.controlPlanes, etcdTopology: 'stacked' },
      flags: description.flags,
      guarantees: description.guarantees,
      verdicts,
      history,
      title: `${suite} on ${topology.name} (run ${run.runId})`,
    });
    outcomes.push({
      suite,
      dir,
      status: mergeVerdicts(verdicts),
      verdicts,
      summary: renderTerminalSummary({ runId: `${suite} ${run.runId}`, verdicts, history, reportDir: dir }),
    });
  }
  writeRunsIndex(run.reportsDir);
  return outcomes;
}

/** reports/index.html: every run and suite with its overall verdict, newest first, and every finding. */
export function writeRunsIndex(reportsDir: string): void {
  const runs: IndexedSuiteRun[] = [];
  for (const runId of readdirSync(reportsDir).filter((d) => !d.startsWith('.'))) {
    const runDir = join(reportsDir, runId);
    let suites: string[] = [];
    try {
      suites = readdirSync(runDir).filter((s) => existsSync(join(runDir, s, 'run.json')));
    } catch {
      continue;
    }
    for (const suite of suites) {
      const rj = JSON.parse(readFileSync(join(runDir, suite, 'run.json'), 'utf8')) as Pick<RunJson, 'overall' | 'counts' | 'topology' | 'verdicts'>;
      runs.push({ runId, suite, topology: rj.topology.name, overall: rj.overall, counts: rj.counts, verdicts: rj.verdicts ?? [] });
    }
  }
  writeFileSync(join(reportsDir, 'index.html'), renderRunsIndex(runs));
}
