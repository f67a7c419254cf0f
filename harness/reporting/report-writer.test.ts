import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { History } from '../probes/history.js';
import { assertSafeRunId, writeRunReport } from './report-writer.js';
import { buildEtcdQuorumCatalogue } from '../guarantees/catalogue.js';
import { ETCD_DEFAULT_TIMERS } from '../guarantees/flags.js';
import { leaderKillHistory, MEMBERS } from '../testing/sample-histories.js';
import { findAll, parseXml } from '../testing/xml-check.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const catalogue = buildEtcdQuorumCatalogue({
  timersByMember: Object.fromEntries(MEMBERS.map((m) => [m.name, ETCD_DEFAULT_TIMERS])),
  probes: { pollIntervalMs: 100, writeIntervalMs: 100, writeTimeoutMs: 500 },
});

describe('writeRunReport', () => {
  it('writes the six files, and the stored history re-checks to the same verdicts', async () => {
    const reports = await mkdtemp(join(tmpdir(), 'kube-ha-chaos-report-'));
    dirs.push(reports);
    const history = leaderKillHistory();
    const verdicts = catalogue.guarantees.map((g) => g.check(history, g));
    const paths = await writeRunReport(reports, {
      runId: '20250102T030405Z-ab12',
      seed: 7,
      suite: 'etcd-quorum',
      startedAtIso: '2025-01-02T03:04:05.000Z',
      versions: { kubernetes: 'v1.31.4', etcd: '3.5.16', kind: 'v0.26.0' },
      topology: { name: 'ha-3cp', controlPlanes: 3, etcdMembers: 3, etcdTopology: 'stacked' },
      flags: {
        etcd: Object.fromEntries(MEMBERS.map((m) => [m.name, { ...ETCD_DEFAULT_TIMERS, source: 'default' }])),
        kubeconfig: { users: [{ user: { 'client-key-data': 'LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQ==' } }] },
      },
      guarantees: catalogue.guarantees,
      verdicts,
      history,
    });
    expect((await readdir(paths.dir)).sort()).toEqual(['faults.json', 'history.jsonl', 'junit.xml', 'run.json', 'summary.md', 'timeline.html']);

    const run = JSON.parse(await readFile(paths.runJson, 'utf8')) as Record<string, unknown>;
    expect(run['runId']).toBe('20250102T030405Z-ab12');
    expect(run['seed']).toBe(7);
    expect(run['overall']).toBe('fail');
    expect((run['verdicts'] as unknown[]).length).toBe(catalogue.guarantees.length);
    expect(JSON.stringify(run)).not.toContain('LS0tLS1CRUdJT');
    const g = (run['guarantees'] as { id: string; thresholds: Record<string, number> }[]).find((x) => x.id === 'etcd-quorum.leader-loss-elects-new-leader');
    expect(g?.thresholds['maxElectionMs']).toBe(2_800);

    const stored = History.fromJsonl(await readFile(paths.history, 'utf8'));
    expect(stored.size).toBe(history.size);
    expect(catalogue.guarantees.map((x) => x.check(stored, x))).toEqual(verdicts);

    const junit = parseXml(await readFile(paths.junit, 'utf8'));
    expect(findAll(junit, (e) => e.name === 'testcase')).toHaveLength(verdicts.length);
    expect(await readFile(paths.summary, 'utf8')).toMatch(/^# etcd-quorum on ha-3cp: FAIL/);
    expect(await readFile(paths.timeline, 'utf8')).toContain('<svg');
    expect(JSON.parse(await readFile(paths.faults, 'utf8'))).toEqual(history.faultWindows());
  });

  it('refuses run ids that could escape the reports directory', async () => {
    for (const bad of ['../x', 'a/b', '', '.hidden', 'a..b', 'x'.repeat(200)]) {
      expect(() => assertSafeRunId(bad)).toThrow(/unsafe run id/);
    }
    await expect(writeRunReport('/nonexistent', { runId: '../etc' } as never)).rejects.toThrow(/unsafe run id/);
  });
});
