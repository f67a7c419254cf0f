/**
 * After all suite files ran: merge each suite's saved cases into one history (they share the run
 * clock, so they line up) and write its report: run.json, history.jsonl, junit.xml, summary.md,
 * timeline.html, faults.json; then an index page of every run's verdicts; print a short summary.
 * Every case that started is in the report, grouped by case: judged, errored, or never finished.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { caseErrorVerdict, errorText, mergeVerdicts, type Verdict } from './checks/verdict.js';
import { History, type HistoryEntry } from './probes/history.js';
import { caseReportOf } from './reporting/case-record.js';
import type { CaseReport } from './reporting/report-types.js';
import { writeRunReport } from './reporting/report-writer.js';
import { renderTerminalSummary } from './reporting/terminal-summary.js';
import { renderRunsIndex, type IndexedSuiteRun } from './reporting/runs-index.js';
import type { RunJson } from './reporting/run-json.js';
import type { RunInfo } from './run-info.js';
import type { SuiteDescription } from './suite-session.js';
import type { Topology } from './cluster/topology.js';
import { etcdMemberCount } from './cluster/layout.js';

export interface SuiteOutcome {
  readonly suite: string;
  readonly dir: string;
  readonly status: ReturnType<typeof mergeVerdicts>;
  readonly verdicts: readonly Verdict[];
  readonly summary: string;
}

/**
 * Writes every suite's report of the run, then the runs index; `onOutcome` sees each suite as soon
 * as its report is written. A suite whose report cannot be written does not cost the others theirs:
 * the failures are thrown together at the end.
 */
export async function writeSuiteReports(run: RunInfo, topology: Topology, onOutcome: (o: SuiteOutcome) => void = () => {}): Promise<SuiteOutcome[]> {
  const runDir = join(run.reportsDir, run.runId);
  if (!existsSync(runDir)) {
    return [];
  }
  const outcomes: SuiteOutcome[] = [];
  const failures: string[] = [];
  for (const suite of readdirSync(runDir).sort()) {
    if (!existsSync(join(runDir, suite, 'cases'))) {
      continue;
    }
    try {
      const outcome = await writeOneSuiteReport(run, topology, runDir, suite);
      outcomes.push(outcome);
      onOutcome(outcome);
    } catch (err) {
      failures.push(`the report of ${suite}: ${errorText(err)}`);
    }
  }
  try {
    writeRunsIndex(run.reportsDir);
  } catch (err) {
    failures.push(`the runs index: ${errorText(err)}`);
  }
  if (failures.length > 0) {
    throw new Error(`could not write ${failures.join('; ')}`);
  }
  return outcomes;
}

/** A suite whose setup failed before it described itself: reported, as an error, not skipped. */
const UNDESCRIBED: SuiteDescription = { suite: '', guarantees: [], flags: {}, versions: {} };

async function writeOneSuiteReport(run: RunInfo, topology: Topology, runDir: string, suite: string): Promise<SuiteOutcome> {
  const dir = join(runDir, suite);
  const casesDir = join(dir, 'cases');
  const described = existsSync(join(dir, 'suite.json'));
  const description = described ? (JSON.parse(readFileSync(join(dir, 'suite.json'), 'utf8')) as SuiteDescription) : UNDESCRIBED;
  const entries: HistoryEntry[] = [];
  const cases: CaseReport[] = [];
  // Driven by the records, not the histories: a case that errored or never finished has a record
  // (written when it started) and may have no history.
  for (const f of readdirSync(casesDir).filter((x) => x.endsWith('.verdicts.json')).sort()) {
    const historyFile = join(casesDir, f.replace(/\.verdicts\.json$/, '.jsonl'));
    const caseHistory = existsSync(historyFile) ? History.fromJsonl(readFileSync(historyFile, 'utf8')) : new History();
    entries.push(...caseHistory.entries());
    cases.push(caseReportOf(f, JSON.parse(readFileSync(join(casesDir, f), 'utf8')), caseHistory.faultWindows().map((w) => w.faultId)));
  }
  if (!described) {
    const error = "the suite's setup failed before it described its guarantees (no suite.json): see the vitest output for its error";
    cases.unshift({ name: 'suite setup', faultIds: [], verdicts: [caseErrorVerdict('suite setup', error, [])], error });
  }
  const verdicts = cases.flatMap((c) => c.verdicts);
  const history = new History(entries);
  await writeRunReport(runDir, {
    runId: suite,
    seed: run.seed,
    suite,
    startedAtIso: run.startedAtIso,
    finishedAtIso: new Date().toISOString(),
    versions: description.versions,
    topology: { name: topology.name, controlPlanes: topology.controlPlanes, workers: topology.workers, etcdMembers: etcdMemberCount(topology.layout), etcdTopology: topology.layout.etcd.mode },
    flags: description.flags,
    guarantees: description.guarantees,
    verdicts,
    cases,
    history,
    title: `${suite} on ${topology.name} (run ${run.runId})`,
  });
  return {
    suite,
    dir,
    status: mergeVerdicts(verdicts),
    verdicts,
    summary: renderTerminalSummary({ runId: `${suite} ${run.runId}`, verdicts, cases, history, reportDir: dir }),
  };
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
