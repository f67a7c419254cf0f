/**
 * Every renderer on a suite run judged case by case, one case of which errored before it was
 * judged (issue 18: it must show as `error`, with its message, and the headline must not be PASS),
 * with verdicts readable by case (issue 16, item 2: a guarantee every case judges appears once per
 * case, under the case and its fault), and the terminal's leader times labelled by what they
 * measure (issue 16, item 3).
 */
import { describe, expect, it } from 'vitest';
import { countVerdicts, mergeVerdicts } from '../checks/verdict.js';
import { ERRORED_CASE_ERROR, sampleSuiteRun, SUITE_RUN_CATALOGUE } from '../testing/suite-run.js';
import { deepText, findAll, parseXml, type XmlElement } from '../testing/xml-check.js';
import { renderJunit } from './junit.js';
import { buildRunJson } from './run-json.js';
import { renderRunsIndex } from './runs-index.js';
import { renderSummaryMarkdown } from './summary-md.js';
import { renderTerminalSummary } from './terminal-summary.js';
import { renderTimelineHtml } from './timeline-html.js';

const run = sampleSuiteRun();
const { cases, verdicts, history } = run;
const guarantees = SUITE_RUN_CATALOGUE.guarantees;
const meta = { runId: 'etcd-quorum', title: 'etcd-quorum on ha-3cp (run 20261207-081500-ab12)' };
const DURABLE = 'etcd-quorum.acknowledged-writes-durable';

describe('the sample suite run', () => {
  it('is 6 judged verdicts that pass and one errored case', () => {
    expect(countVerdicts(verdicts)).toEqual({ pass: 6, finding: 0, fail: 0, inconclusive: 0, error: 1 });
    expect(cases.map((c) => c.name)).toEqual(['kill-leader', 'graceful-stop', 'kill-scheduler-holder', 'quorum-loss']);
  });
});

describe('summary.md', () => {
  const md = renderSummaryMarkdown({ meta, verdicts, history, guarantees, cases });
  const lines = md.split('\n');
  /** The lines from one case heading to the next heading. */
  const section = (caseName: string): string[] => {
    const start = lines.findIndex((l) => l.startsWith(`### Case \`${caseName}\``));
    const end = lines.findIndex((l, i) => i > start && l.startsWith('#'));
    return lines.slice(start, end);
  };
  const rows = (sec: readonly string[]): string[] => sec.filter((l) => l.startsWith('| [`') || l.startsWith('| `'));

  it('headlines ERROR, never PASS, and counts the errored case', () => {
    expect(lines[0]).toBe('# etcd-quorum on ha-3cp (run 20261207-081500-ab12): ERROR');
    expect(md).toContain('6 passed, 0 failed, 0 inconclusive, **1 case errored** (could not run to their end)');
  });

  it('groups the verdicts under one heading per case, in case order, each with its fault id and targets', () => {
    expect(lines.filter((l) => l.startsWith('### Case '))).toEqual([
      '### Case `kill-leader`: PASS',
      '### Case `graceful-stop`: PASS',
      '### Case `kill-scheduler-holder`: ERROR',
      '### Case `quorum-loss`: PASS',
    ]);
    expect(section('kill-leader')).toContain('Faults: F1 f1-kill-leader: kill-process etcd (SIGKILL) on leader -&gt; ha-3cp-control-plane.');
    expect(section('quorum-loss')).toContain(
      'Faults: F3 f1-stop-majority: stop-process etcd (manifest moved away) on majority -&gt; ha-3cp-control-plane2, ha-3cp-control-plane3.',
    );
  });

  it('a guarantee every case judges appears once under each case that judged it, and nowhere else', () => {
    const durableIn = cases.map((c) => rows(section(c.name)).filter((r) => r.includes(`\`${DURABLE}\``)).length);
    expect(durableIn).toEqual([1, 1, 0, 1]);
    expect(rows(section('graceful-stop')).map((r) => r.split(' | ')[0])).toEqual([
      '| [`etcd-quorum.graceful-leader-stop-transfers-leadership`](https://github.com/etcd-io/etcd/blob/v3.6.5/server/etcdserver/server.go)',
      '| [`etcd-quorum.acknowledged-writes-durable`](https://etcd.io/docs/v3.6/op-guide/failures/)',
    ]);
  });

  it('the errored case says so, with its message, and its one row is ERROR', () => {
    const sec = section('kill-scheduler-holder');
    expect(sec).toContain('Faults: no fault.');
    expect(sec).toContain(`**The case errored** and did not run to its end: ${ERRORED_CASE_ERROR}`);
    expect(rows(sec)).toHaveLength(1);
    expect(rows(sec)[0]).toMatch(/^\| `harness\.case-completed` \| \*\*ERROR\*\* \| - \| - \| case kill-scheduler-holder errored: SelectorError: .*; not judged: etcd-quorum\.leader-loss-elects-new-leader, etcd-quorum\.acknowledged-writes-durable \|$/);
  });

  it('the Faults table says what the time to the next leader measured when it was not an election', () => {
    const faultRow = (id: string): string | undefined => lines.find((l) => l.startsWith(`| \`${id}\``));
    expect(faultRow('f1-kill-leader')).toMatch(/\| 1,374 ms \(to ha-3cp-control-plane2\) \|$/);
    expect(faultRow('kill-process-5be2c1')).toMatch(/\(to ha-3cp-control-plane2; graceful-stop transfer, not an election: etcd drains its client listeners first\) \|$/);
    expect(faultRow('f1-stop-majority')).toMatch(/26,413 ms \(to ha-3cp-control-plane; leader only after the heal: quorum restored, not an election\) \|$/);
  });

  it('without cases, the Verdicts section stays one table', () => {
    const flat = renderSummaryMarkdown({ meta, verdicts, history, guarantees });
    expect(flat).not.toContain('### Case');
    expect(flat.split('\n')[0]).toMatch(/: ERROR$/);
  });
});

describe('timeline.html', () => {
  const html = renderTimelineHtml({ meta, history, verdicts, guarantees, cases });
  const root = parseXml(html.replace(/^<!DOCTYPE html>\n/, ''));
  const verdictTable = findAll(root, (e) => e.name === 'section').find((s) => deepText(s).startsWith('Verdicts'));
  const bodyRows = findAll(verdictTable ?? root, (e) => e.name === 'tr').slice(1);
  const cls = (e: XmlElement): string => e.attrs['class'] ?? '';

  it('stays well-formed; its badges say error and count the errored case', () => {
    expect(root.name).toBe('html');
    const h1 = findAll(root, (e) => e.name === 'h1')[0];
    expect(findAll(h1 ?? root, (e) => e.name === 'span').map((s) => [cls(s), deepText(s)])).toEqual([
      ['badge error', 'error'],
      ['badge error', '1 case errored'],
    ]);
    expect(html).toContain('<title>etcd-quorum on ha-3cp (run 20261207-081500-ab12): error, 1 case errored</title>');
  });

  it('has a heading row per case, with its faults, followed by that case’s verdict rows', () => {
    const layout = bodyRows.map((r) => (cls(r) === 'case-header' ? `case ${r.attrs['data-case']}` : cls(r)));
    expect(layout).toEqual(['case kill-leader', 'pass', 'pass', 'case graceful-stop', 'pass', 'pass', 'case kill-scheduler-holder', 'error', 'case quorum-loss', 'pass', 'pass']);
    const header = (name: string): XmlElement => findAll(bodyRows.find((r) => r.attrs['data-case'] === name) ?? root, (e) => e.name === 'th')[0] ?? root;
    const parts = (th: XmlElement): string[] => [th.text.trim(), ...th.children.map((c) => `${cls(c)}: ${deepText(c)}`)];
    expect(parts(header('graceful-stop'))).toEqual([
      '· F2 kill-process-5be2c1: kill-process etcd (SIGTERM) on leader -> ha-3cp-control-plane',
      'case-name: case graceful-stop',
      'badge pass: pass',
    ]);
    expect(parts(header('kill-scheduler-holder'))).toEqual([
      '· no fault',
      'case-name: case kill-scheduler-holder',
      'badge error: error',
      `case-error: errored, did not run to its end: ${ERRORED_CASE_ERROR}`,
    ]);
  });
});

describe('junit.xml', () => {
  const root = parseXml(renderJunit({ suiteName: 'etcd-quorum', verdicts, guarantees, cases }).replace(/^<\?xml[^>]*>\n/, ''));
  const testcases = findAll(root, (e) => e.name === 'testcase');

  it('the errored case is an <error>, counted in errors, not a <failure>', () => {
    expect(root.attrs).toMatchObject({ tests: '7', failures: '0', errors: '1', skipped: '0' });
    expect(findAll(root, (e) => e.name === 'failure')).toEqual([]);
    const errors = findAll(root, (e) => e.name === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.attrs['type']).toBe('case-error');
    expect(errors[0]?.attrs['message']).toContain(`case kill-scheduler-holder errored: ${ERRORED_CASE_ERROR}`);
  });

  it('each test case’s output names its case', () => {
    const out = (t: XmlElement): string => deepText(findAll(t, (e) => e.name === 'system-out')[0] ?? t);
    const durable = testcases.filter((t) => t.attrs['name'] === DURABLE).map((t) => out(t).split('\n').find((l) => l.startsWith('case: ')));
    expect(durable).toEqual(['case: kill-leader', 'case: graceful-stop', 'case: quorum-loss']);
  });
});

describe('run.json', () => {
  const doc = buildRunJson({
    runId: 'etcd-quorum',
    seed: 7,
    suite: 'etcd-quorum',
    versions: { etcd: '3.6.5-0' },
    topology: { name: 'my-cluster', controlPlanes: 3, etcdMembers: 3 },
    flags: {},
    guarantees,
    verdicts,
    cases,
    history,
  });

  it('overall error, the count, and each case with its outcome, faults and error', () => {
    expect(doc.overall).toBe('error');
    expect(doc.counts.error).toBe(1);
    expect(doc.cases).toEqual([
      { name: 'kill-leader', status: 'pass', faultIds: ['f1-kill-leader'] },
      { name: 'graceful-stop', status: 'pass', faultIds: ['kill-process-5be2c1'] },
      { name: 'kill-scheduler-holder', status: 'error', faultIds: [], error: ERRORED_CASE_ERROR },
      { name: 'quorum-loss', status: 'pass', faultIds: ['f1-stop-majority'] },
    ]);
  });

  it('every verdict carries its case', () => {
    expect(doc.verdicts.map((v) => `${v.case}/${v.guaranteeId}`)).toEqual(cases.flatMap((c) => c.verdicts.map((v) => `${c.name}/${v.guaranteeId}`)));
  });
});

describe('terminal summary', () => {
  const text = renderTerminalSummary({ runId: 'etcd-quorum 20261207-081500-ab12', verdicts, cases, history, reportDir: 'reports/x/etcd-quorum' });
  const lines = text.split('\n');

  it('headlines ERROR with the count and prints the errored case with its message', () => {
    expect(lines[0]).toBe('ERROR etcd-quorum 20261207-081500-ab12: 6 pass, 0 fail, 0 inconclusive, 1 case errored');
    expect(lines[1]).toBe(`  ERROR case kill-scheduler-holder errored: ${ERRORED_CASE_ERROR}; not judged: etcd-quorum.leader-loss-elects-new-leader, ${DURABLE}`);
  });

  it('lists only real elections as election times, and labels the transfer and the quorum restoration', () => {
    expect(lines.filter((l) => /^ {2}(election times|graceful-stop transfer|leader only after the heal)/.test(l))).toEqual([
      '  election times: f1-kill-leader 1,374 ms',
      '  graceful-stop transfer, not an election: etcd drains its client listeners first: kill-process-5be2c1 141 ms',
      '  leader only after the heal: quorum restored, not an election: f1-stop-majority 26,413 ms',
    ]);
  });

  it('a non-passing verdict names its case', () => {
    const failing = cases.map((c) => (c.name === 'quorum-loss' ? { ...c, verdicts: c.verdicts.map((v) => (v.guaranteeId === DURABLE ? { ...v, status: 'fail' as const, reason: '1 acknowledged write lost' } : v)) } : c));
    const t = renderTerminalSummary({ runId: 'r', verdicts: failing.flatMap((c) => c.verdicts), cases: failing, history });
    expect(t.split('\n')[0]).toBe('FAIL r: 5 pass, 1 fail, 0 inconclusive, 1 case errored');
    expect(t).toContain(`\n  FAIL ${DURABLE} (case quorum-loss): 1 acknowledged write lost`);
  });
});

describe('runs index', () => {
  it('shows the errored run as ERROR with its errored-case count', () => {
    const html = renderRunsIndex([{ runId: '20261207-081500-ab12', suite: 'etcd-quorum', topology: 'ha-3cp', overall: mergeVerdicts(verdicts), counts: countVerdicts(verdicts), verdicts }]);
    expect(html).toContain('<tr class="error"><td>20261207-081500-ab12</td>');
    expect(html).toContain('<td>ERROR</td><td>6 pass, 0 fail, 0 inconclusive, <b class="error">1 case errored</b></td>');
  });
});
