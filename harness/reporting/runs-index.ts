/**
 * reports/index.html: every run and suite with its overall verdict, newest first, and a "Findings"
 * section that gathers every finding across runs. A finding never fails a run, so without this list a
 * hazard seen once a week in a nightly job would sit unnoticed inside one report among many.
 */
import { errorCount, findingCount, type Verdict, type VerdictStatus } from '../checks/verdict.js';
import { safeXml } from './format.js';

/** What the index needs from one suite's run.json. */
export interface IndexedSuiteRun {
  readonly runId: string;
  readonly suite: string;
  readonly topology: string;
  readonly overall: VerdictStatus;
  readonly counts: Readonly<Partial<Record<VerdictStatus, number>>>;
  readonly verdicts: readonly Pick<Verdict, 'guaranteeId' | 'status' | 'reason'>[];
}

const count = (r: IndexedSuiteRun, s: VerdictStatus): number => r.counts[s] ?? 0;

/** How often one guarantee came out as a finding, over the recorded runs that judged it. */
export interface FindingRate {
  readonly suite: string;
  readonly topology: string;
  readonly guaranteeId: string;
  readonly findings: number;
  /** Runs of the suite on that topology that judged the guarantee at all (any status). */
  readonly judged: number;
  readonly lastSeenRunId: string;
}

/**
 * Per (suite, topology, guarantee) with at least one finding: in how many of the runs that judged
 * it the hazard appeared. A nightly job's question is "how often", not "did it ever".
 */
export function findingRates(runs: readonly IndexedSuiteRun[]): FindingRate[] {
  const rates = new Map<string, { suite: string; topology: string; guaranteeId: string; findings: number; judged: number; lastSeenRunId: string }>();
  for (const r of runs) {
    for (const v of r.verdicts) {
      const key = `${r.suite}\u0000${r.topology}\u0000${v.guaranteeId}`;
      const rate = rates.get(key) ?? { suite: r.suite, topology: r.topology, guaranteeId: v.guaranteeId, findings: 0, judged: 0, lastSeenRunId: '' };
      rate.judged += 1;
      if (v.status === 'finding') {
        rate.findings += 1;
        rate.lastSeenRunId = r.runId > rate.lastSeenRunId ? r.runId : rate.lastSeenRunId;
      }
      rates.set(key, rate);
    }
  }
  return [...rates.values()].filter((r) => r.findings > 0).sort((a, b) => b.findings / b.judged - a.findings / a.judged || a.guaranteeId.localeCompare(b.guaranteeId));
}

/** Renders the index page; `runs` in any order (sorted newest run first, then by suite). */
export function renderRunsIndex(runs: readonly IndexedSuiteRun[]): string {
  const sorted = [...runs].sort((a, b) => (a.runId === b.runId ? a.suite.localeCompare(b.suite) : b.runId.localeCompare(a.runId)));
  const link = (r: IndexedSuiteRun): string => `<a href="${safeXml(`${r.runId}/${r.suite}/timeline.html`)}">${safeXml(r.suite)}</a>`;
  const rows = sorted.map((r) => {
    const findings = count(r, 'finding');
    const errors = count(r, 'error');
    return `<tr class="${safeXml(r.overall)}"><td>${safeXml(r.runId)}</td><td>${link(r)}</td><td>${safeXml(r.topology)}</td><td>${safeXml(r.overall.toUpperCase())}</td><td>${count(r, 'pass')} pass, ${findings > 0 ? `<b class="finding">${findingCount(findings)}</b>, ` : ''}${count(r, 'fail')} fail, ${count(r, 'inconclusive')} inconclusive${errors > 0 ? `, <b class="error">${errorCount(errors)}</b>` : ''}</td></tr>`;
  });
  const findingRows = sorted.flatMap((r) =>
    r.verdicts
      .filter((v) => v.status === 'finding')
      .map((v) => `<tr><td>${safeXml(r.runId)}</td><td>${link(r)}</td><td><code>${safeXml(v.guaranteeId)}</code></td><td>${safeXml(v.reason)}</td></tr>`),
  );
  const rateRows = findingRates(runs).map(
    (f) => `<tr><td><code>${safeXml(f.guaranteeId)}</code></td><td>${safeXml(f.topology)}</td><td>${f.findings} of ${f.judged} runs (${Math.round((f.findings / f.judged) * 100)} %)</td><td>${safeXml(f.lastSeenRunId)}</td></tr>`,
  );
  const findings =
    findingRows.length === 0
      ? '<p>No run recorded a finding.</p>'
      : `<p>A finding is a hazard the upstream documentation allows, observed on this cluster. It does not fail a run; it is listed here so it is not lost.</p><table><tr><th>guarantee</th><th>topology</th><th>seen in</th><th>last seen</th></tr>${rateRows.join('\n')}</table><h3>Every finding</h3><table><tr><th>run</th><th>suite</th><th>guarantee</th><th>what happened</th></tr>${findingRows.join('\n')}</table>`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>kube-ha-chaos runs</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{padding:.3em .8em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
tr.pass td:nth-child(4){color:#1a7f37;font-weight:600}tr.fail td:nth-child(4){color:#cf222e;font-weight:600}tr.inconclusive td:nth-child(4){color:#9a6700;font-weight:600}tr.error td:nth-child(4){color:#862e9c;font-weight:600}b.finding{color:#e8590c}b.error{color:#862e9c}</style></head>
<body><h1>kube-ha-chaos runs</h1><table><tr><th>run</th><th>suite</th><th>topology</th><th>verdict</th><th>guarantees</th></tr>${rows.join('\n')}</table>
<h2>Findings (${findingRows.length})</h2>${findings}</body></html>\n`;
}
