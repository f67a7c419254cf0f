import { describe, expect, it } from 'vitest';
import { renderSummaryMarkdown } from './summary-md.js';
import { renderTerminalSummary } from './terminal-summary.js';
import { verdict } from '../checks/verdict.js';
import { leaderKillHistory } from '../testing/sample-histories.js';
import { History } from '../probes/history.js';

const verdicts = [
  verdict('etcd-quorum.leader-loss-elects-new-leader', 'pass', 'new leader after 1374 ms', { electionMsMax: 1_374.4, writeSuccessRatio: 0.9516 }, { maxElectionMs: 2_800 }),
  verdict('etcd-quorum.quorum-loss-refuses-writes', 'inconclusive', 'only 1 of 3 down | not a quorum loss'),
  verdict('etcd-quorum.graceful-leader-stop-transfers-leadership', 'fail', 'took <1374 ms>\nover the bound', { electionMsMax: 1_374 }, { maxLeaderTransferMs: 1_100 }),
];

/** Rows of the first Markdown table after a heading. */
function tableAfter(md: string, heading: string): string[][] {
  const lines = md.split('\n');
  const start = lines.indexOf(heading);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('|')) {
      rows.push(line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim()));
    } else if (rows.length > 0) {
      break;
    }
  }
  return rows.slice(2); // drop header and separator
}

describe('renderSummaryMarkdown', () => {
  const md = renderSummaryMarkdown({
    meta: { runId: 'r-7', title: 'etcd-quorum on ha-3cp', seed: 7, topology: 'ha-3cp', versions: { etcd: '3.5.16' } },
    verdicts,
    history: leaderKillHistory(),
    guarantees: [{ id: 'etcd-quorum.leader-loss-elects-new-leader', statement: 's', source: 'https://etcd.io/docs/v3.6/op-guide/failures/', derivation: { maxElectionMs: '2 x ET + ...' } }],
  });

  it('headlines the merged verdict and the counts', () => {
    expect(md.split('\n')[0]).toBe('# etcd-quorum on ha-3cp: FAIL');
    expect(md).toContain('1 passed, 1 failed, 1 inconclusive');
  });

  it('has one verdict row per guarantee with measured vs threshold, cells escaped to stay one row', () => {
    const rows = tableAfter(md, '## Verdicts');
    expect(rows).toHaveLength(3);
    expect(rows[0]).toEqual([
      '[`etcd-quorum.leader-loss-elects-new-leader`](https://etcd.io/docs/v3.6/op-guide/failures/)',
      '**PASS**',
      'electionMsMax = 1,374 ms<br>writeSuccessRatio = 95.2%',
      'maxElectionMs = 2,800 ms',
      'new leader after 1374 ms',
    ]);
    expect(rows[1]?.[4]).toBe('only 1 of 3 down \\| not a quorum loss');
    expect(rows[2]?.[4]).toBe('took &lt;1374 ms&gt; over the bound');
  });

  it('lists the faults with the election that followed, and the leader changes', () => {
    const faults = tableAfter(md, '## Faults');
    expect(faults).toHaveLength(1);
    expect(faults[0]?.[0]).toBe('`f1-kill-leader`');
    expect(faults[0]?.[3]).toBe('20 s');
    expect(faults[0]?.[6]).toMatch(/^1,\d{3} ms \(to ha-3cp-control-plane2\)$/);
    const changes = tableAfter(md, '## Leader changes');
    expect(changes).toHaveLength(1);
    expect(changes[0]?.slice(1, 4)).toEqual(['ha-3cp-control-plane', 'ha-3cp-control-plane2', '3']);
    expect(md).toContain('- `maxElectionMs`: 2 x ET + ...');
  });

  it('reports availability per probe and phase', () => {
    const rows = tableAfter(md, '## Availability by phase');
    const fault = rows.find((r) => r[0] === 'etcd-write' && r[1] === 'fault');
    expect(fault?.[2]).toMatch(/^\d+\.\d%$/);
    expect(rows.find((r) => r[0] === 'etcd-write' && r[1] === 'baseline')?.[2]).toBe('100%');
  });

  it('says so when nothing happened', () => {
    const quiet = renderSummaryMarkdown({ meta: { runId: 'q' }, verdicts: [], history: new History() });
    expect(quiet).toContain('No fault was injected.');
    expect(quiet).toContain('The leader did not change.');
  });
});

describe('renderTerminalSummary', () => {
  it('prints the overall verdict, the non-passing guarantees, the longest outage and election times', () => {
    const text = renderTerminalSummary({ runId: 'r-7', verdicts, history: leaderKillHistory(), reportDir: 'reports/r-7' });
    const lines = text.split('\n');
    expect(lines[0]).toBe('FAIL r-7: 1 pass, 1 fail, 1 inconclusive');
    expect(lines.filter((l) => l.startsWith('  FAIL ') || l.startsWith('  INCONCLUSIVE '))).toHaveLength(2);
    expect(text).toMatch(/longest outage: [\d,]+ ms \(api-write\)/);
    expect(text).toMatch(/election times: f1-kill-leader 1,\d{3} ms/);
    expect(lines[lines.length - 1]).toBe('  report: reports/r-7');
  });
});
