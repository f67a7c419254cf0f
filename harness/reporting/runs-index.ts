/**
 * reports/index.html: every run and suite with its overall verdict, newest first, and a "Findings"
 * section that gathers every finding across runs. A finding never fails a run, so without this list a
 * hazard seen once a week in a nightly job would sit unnoticed inside one report among many.
 */
import { findingCount, type Verdict, type VerdictStatus } from '../checks/verdict.js';
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

/** Renders the index page; `runs` in any order (sorted newest run first, then by suite). */
export function renderRunsIndex(runs: readonly IndexedSuiteRun[]): string {
  const sorted = [...runs].sort((a, b) => (a.runId === b.runId ? a.suite.localeCompare(b.suite) : b.runId.localeCompare(a.runId)));
  const link = (r: IndexedSuiteRun): string => `<a href="${safeXml(`${r.runId}/${r.suite}/timeline.html`)}">${safeXml(r.suite)}</a>`;
  const rows = sorted.map((r) => {
    const findings = count(r, 'finding');
    return `<tr class="${safeXml(r.overall)}"><td>${safeXml(r.runId)}</td><td>${link(r)}</td><td>${safeXml(r.topology)}</td><td>${safeXml(r.overall.toUpperCase())}</td><td>${count(r, 'pass')} pass, ${findings > 0 ? `<b class="finding">${findingCount(findings)}</b>, ` : ''}${count(r, 'fail')} fail, ${count(r, 'inconclusive')} inconclusive</td></tr>`;
  });
  const findingRows = sorted.flatMap((r) =>
    r.verdicts
      .filter((v) => v.status === 'finding')
      .map((v) => `<tr><td>${safeXml(r.runId)}</td><td>${link(r)}</td><td><code>${safeXml(v.guaranteeId)}</code></td><td>${safeXml(v.reason)}</td></tr>`),
  );
  const findings =
    findingRows.length === 0
      ? '<p>No run recorded a finding.</p>'
      : `<p>A finding is a hazard the upstream documentation allows, observed on this cluster. It does not fail a run; it is listed here so it is not lost.</p><table><tr><th>run</th><th>suite</th><th>guarantee</th><th>what happened</th></tr>${findingRows.join('\n')}</table>`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>kube-ha-chaos runs</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{padding:.3em .8em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
tr.pass td:nth-child(4){color:#1a7f37;font-weight:600}tr.fail td:nth-child(4){color:#cf222e;font-weight:600}tr.inconclusive td:nth-child(4){color:#9a6700;font-weight:600}b.finding{color:#e8590c}</style></head>
<body><h1>kube-ha-chaos runs</h1><table><tr><th>run</th><th>suite</th><th>topology</th><th>verdict</th><th>guarantees</th></tr>${rows.join('\n')}</table>
<h2>Findings (${findingRows.length})</h2>${findings}</body></html>\n`;
}
