/**
 * A finding (a hazard upstream allows, observed) travels through every report without failing the
 * run: judged here on the stale controller-manager return CI recorded, with the node-loss catalogue.
 */
import { describe, expect, it } from 'vitest';
import { countVerdicts, describeCounts, mergeVerdicts } from '../checks/verdict.js';
import { buildControlPlaneNodeLossCatalogue } from '../guarantees/control-plane-node-loss-catalogue.js';
import { ETCD_DEFAULT_TIMERS } from '../guarantees/flags.js';
import { CP, LIVE_CONTROL_PLANE_FLAGS, NODE_IPS, staleControllerReturnHistory } from '../testing/control-plane-histories.js';
import { renderJunit } from './junit.js';
import { findingRates, renderRunsIndex } from './runs-index.js';
import { renderSummaryMarkdown } from './summary-md.js';
import { renderTerminalSummary } from './terminal-summary.js';
import { renderTimelineHtml } from './timeline-html.js';

const catalogue = buildControlPlaneNodeLossCatalogue({
  flags: LIVE_CONTROL_PLANE_FLAGS,
  nodeIps: NODE_IPS,
  apiservers: [...CP],
  etcd: { timersByMember: Object.fromEntries(CP.map((n) => [n, ETCD_DEFAULT_TIMERS])), probes: { pollIntervalMs: 100, writeIntervalMs: 100, writeTimeoutMs: 1_000 } },
});
const history = staleControllerReturnHistory();
// Every guarantee this history can judge (it has no etcd probes, so the quorum one is left out).
const verdicts = catalogue.guarantees.filter((g) => g.id !== 'control-plane-node-loss.etcd-keeps-quorum').map((g) => g.check(history, g));
const guarantees = catalogue.guarantees.map((g) => ({ id: g.id, statement: g.statement, source: g.source }));

describe('a finding in the reports', () => {
  it('the sample really yields one finding and passes otherwise', () => {
    expect(countVerdicts(verdicts)).toEqual({ pass: 6, finding: 1, fail: 0, inconclusive: 0, error: 0 });
    expect(mergeVerdicts(verdicts)).toBe('pass');
    expect(describeCounts(verdicts)).toBe('6 pass, 1 finding, 0 fail, 0 inconclusive');
  });

  it('a finding never hides a failure or an inconclusive verdict', () => {
    const finding = verdicts.find((v) => v.status === 'finding')!;
    expect(mergeVerdicts([finding, { ...finding, status: 'inconclusive' }])).toBe('inconclusive');
    expect(mergeVerdicts([{ ...finding, status: 'fail' }, finding])).toBe('fail');
    expect(describeCounts(verdicts.filter((v) => v.status === 'pass'))).toBe('6 pass, 0 fail, 0 inconclusive');
  });

  it('JUnit: a passing test case whose output starts with FINDING', () => {
    const xml = renderJunit({ suiteName: 'control-plane-node-loss', verdicts, guarantees });
    expect(xml).toContain('tests="7" failures="0" errors="0" skipped="0"');
    const tc = xml.slice(xml.indexOf('name="control-plane-node-loss.return-does-not-disrupt"'));
    expect(tc.slice(0, tc.indexOf('</testcase>'))).toMatch(/<system-out>FINDING control-plane-node-loss.return-does-not-disrupt: 3 other node\(s\) went NotReady/);
    expect(tc.slice(0, tc.indexOf('</testcase>'))).not.toContain('<failure');
  });

  it('terminal and summary.md: the run passes, the finding is listed with what it cost', () => {
    const term = renderTerminalSummary({ runId: 'r1', verdicts, history });
    expect(term.split('\n')[0]).toBe('PASS r1: 6 pass, 1 finding, 0 fail, 0 inconclusive');
    expect(term).toMatch(/\n {2}FINDING control-plane-node-loss.return-does-not-disrupt: .*client-go leader election has no fencing/);
    const md = renderSummaryMarkdown({ meta: { runId: 'r1' }, verdicts, history, guarantees });
    expect(md).toContain('6 passed, 1 finding (hazards upstream allows, observed), 0 failed, 0 inconclusive');
    expect(md).toMatch(/\*\*FINDING\*\*/);
  });

  it('timeline.html: overall badge pass, a finding badge beside it, the row shaded as a finding', () => {
    const html = renderTimelineHtml({ meta: { runId: 'r1', title: 'control-plane-node-loss' }, history, verdicts, guarantees });
    expect(html).toContain('<h1>control-plane-node-loss <span class="badge pass">pass</span> <span class="badge finding">1 finding</span></h1>');
    expect(html).toContain('<title>control-plane-node-loss: pass, 1 finding</title>');
    expect(html).toMatch(/<tr class="finding"><td class="id"><a href="[^"]+"><code>control-plane-node-loss.return-does-not-disrupt<\/code>/);
  });

  it('the runs index lists every finding across runs, newest first, and says so when there is none', () => {
    const run = (runId: string, vs: typeof verdicts) => ({ runId, suite: 'control-plane-node-loss', topology: 'ha-3cp', overall: mergeVerdicts(vs), counts: countVerdicts(vs), verdicts: vs });
    const html = renderRunsIndex([run('20261130-095733-992b', verdicts), run('20261201-020000-aaaa', verdicts.filter((v) => v.status === 'pass')), run('20261202-020000-bbbb', verdicts)]);
    expect(html).toContain('<h2>Findings (2)</h2>');
    const findings = html.slice(html.indexOf('<h2>Findings'));
    expect(findings.indexOf('20261202-020000-bbbb')).toBeLessThan(findings.indexOf('20261130-095733-992b'));
    expect(findings).not.toContain('20261201-020000-aaaa');
    expect(html).toContain('6 pass, <b class="finding">1 finding</b>, 0 fail, 0 inconclusive');
    expect(renderRunsIndex([run('x', verdicts.filter((v) => v.status === 'pass'))])).toContain('<p>No run recorded a finding.</p>');
  });

  it('the runs index says how often each finding appeared among the runs that judged it', () => {
    const run = (runId: string, vs: typeof verdicts, topology = 'ha-3cp') => ({ runId, suite: 'control-plane-node-loss', topology, overall: mergeVerdicts(vs), counts: countVerdicts(vs), verdicts: vs });
    const id = 'control-plane-node-loss.return-does-not-disrupt';
    const passing = verdicts.map((v) => ({ ...v, status: 'pass' as const }));
    const withoutIt = passing.filter((v) => v.guaranteeId !== id);
    const runs = [run('20261130-1', verdicts), run('20261201-1', passing), run('20261202-1', verdicts), run('20261203-1', withoutIt), run('20261204-1', verdicts, 'ha-5cp')];
    const rates = findingRates(runs);
    // ha-3cp: 2 findings in the 3 runs that judged it (the 4th left it out); ha-5cp counted apart.
    expect(rates.map((r) => [r.topology, r.guaranteeId, r.findings, r.judged, r.lastSeenRunId])).toEqual([
      ['ha-5cp', id, 1, 1, '20261204-1'],
      ['ha-3cp', id, 2, 3, '20261202-1'],
    ]);
    expect(renderRunsIndex(runs)).toContain('<tr><td><code>control-plane-node-loss.return-does-not-disrupt</code></td><td>ha-3cp</td><td>2 of 3 runs (67 %)</td><td>20261202-1</td></tr>');
  });
});
