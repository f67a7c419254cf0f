/**
 * writeSuiteReports on the files cases really leave (openCaseFiles): a judged case, a case that
 * threw, a case that never finished, and a suite whose setup failed before it described itself.
 * Every one of them is in the reports, and the topology is the one resolved at setup (a kind config
 * outside the repo), not a second lookup of its bare name.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCaseFiles } from './case-files.js';
import { loadTopology } from './cluster/topology.js';
import { History } from './probes/history.js';
import type { RunJson } from './reporting/run-json.js';
import type { RunInfo } from './run-info.js';
import type { SuiteDescription } from './suite-session.js';
import { writeSuiteReports } from './suite-report.js';
import { leaderKillHistory } from './testing/sample-histories.js';
import { SUITE_RUN_CATALOGUE } from './testing/suite-run.js';
import { useTempDirs } from './testing/temp-dirs.js';
import { findAll, parseXml } from './testing/xml-check.js';

const tempDir = useTempDirs();
const repoRoot = join(import.meta.dirname, '..');

function setUp(): { run: RunInfo; suiteDir: string; topologyFile: string } {
  const reportsDir = tempDir('kube-ha-chaos-suite-report-');
  const run: RunInfo = { runId: '20261207-081500-ab12', clockOriginNs: '0', startedAtIso: '2026-12-07T08:15:00.000Z', seed: 42, reportsDir, profile: 'default' };
  const suiteDir = join(reportsDir, run.runId, 'etcd-quorum');
  mkdirSync(join(suiteDir, 'cases'), { recursive: true });
  const description: SuiteDescription = { suite: 'etcd-quorum', guarantees: SUITE_RUN_CATALOGUE.guarantees.map((g) => ({ id: g.id, statement: g.statement, source: g.source })), flags: {}, versions: { etcd: '3.6.5-0' } };
  writeFileSync(join(suiteDir, 'suite.json'), JSON.stringify(description));
  const topologyFile = join(tempDir('kube-ha-chaos-kind-config-'), 'my-cluster.yaml');
  writeFileSync(topologyFile, readFileSync(join(repoRoot, 'kind-configs/ha-3cp.yaml'), 'utf8'));
  return { run, suiteDir, topologyFile };
}

describe('writeSuiteReports', () => {
  it('reports every case that started: judged, errored and never finished; the headline is ERROR', async () => {
    const { run, suiteDir, topologyFile } = setUp();
    const cases = join(suiteDir, 'cases');
    const kill = leaderKillHistory();
    const g = SUITE_RUN_CATALOGUE.get('etcd-quorum.leader-loss-elects-new-leader');
    openCaseFiles(cases, '000000000-kill-leader', { name: 'kill-leader', seq: 1, seed: 1 }, kill).save([g.check(kill, g)]);
    openCaseFiles(cases, '000070000-kill-follower', { name: 'kill-follower', seq: 2, seed: 2 }, new History()).saveError(
      new Error('injection refused: kill-process needs a node access with a shell'),
      ['etcd-quorum.follower-loss-keeps-writes'],
    );
    // Started, then abandoned by a vitest timeout: only the running record is there.
    openCaseFiles(cases, '000140000-hold-majority', { name: 'hold-majority', seq: 3, seed: 3 }, kill);

    const printed: string[] = [];
    const outcomes = await writeSuiteReports(run, loadTopology(repoRoot, topologyFile), (o) => printed.push(o.summary));

    expect(outcomes.map((o) => [o.suite, o.status])).toEqual([['etcd-quorum', 'error']]);
    expect(printed[0]?.split('\n')[0]).toBe('ERROR etcd-quorum 20261207-081500-ab12: 1 pass, 0 fail, 0 inconclusive, 2 cases errored');
    const runJson = JSON.parse(readFileSync(join(suiteDir, 'run.json'), 'utf8')) as RunJson;
    expect(runJson.topology.name).toBe('my-cluster');
    expect(runJson.overall).toBe('error');
    expect(runJson.cases?.map((c) => [c.name, c.status])).toEqual([
      ['kill-leader', 'pass'],
      ['kill-follower', 'error'],
      ['hold-majority', 'error'],
    ]);
    expect(runJson.cases?.[1]?.error).toBe('Error: injection refused: kill-process needs a node access with a shell');
    expect(runJson.cases?.[2]?.error).toMatch(/^it never finished/);
    const summary = readFileSync(join(suiteDir, 'summary.md'), 'utf8');
    expect(summary.split('\n')[0]).toBe('# etcd-quorum on my-cluster (run 20261207-081500-ab12): ERROR');
    expect(summary).toContain('### Case `kill-follower`: ERROR');
    const junit = parseXml(readFileSync(join(suiteDir, 'junit.xml'), 'utf8').replace(/^<\?xml[^>]*>\n/, ''));
    expect(findAll(junit, (e) => e.name === 'error')).toHaveLength(2);
    expect(readFileSync(join(suiteDir, 'timeline.html'), 'utf8')).toContain('data-case="hold-majority"');
    expect(readFileSync(join(run.reportsDir, 'index.html'), 'utf8')).toContain('<tr class="error">');
  });

  it('a suite whose setup failed before describing itself is reported as an error, not skipped', async () => {
    const { run, topologyFile } = setUp();
    const broken = join(run.reportsDir, run.runId, 'lb-failover');
    mkdirSync(join(broken, 'cases'), { recursive: true });
    const outcomes = await writeSuiteReports(run, loadTopology(repoRoot, topologyFile));
    const lb = outcomes.find((o) => o.suite === 'lb-failover');
    expect(lb?.status).toBe('error');
    expect(lb?.summary).toContain("ERROR case suite setup errored: the suite's setup failed before it described its guarantees (no suite.json)");
  });

  it('one suite whose report cannot be written does not cost the others theirs, and the failure is thrown', async () => {
    const { run, suiteDir, topologyFile } = setUp();
    const bad = join(run.reportsDir, run.runId, 'apiserver-failover');
    mkdirSync(join(bad, 'cases'), { recursive: true });
    writeFileSync(join(bad, 'suite.json'), '{ not json');
    const printed: string[] = [];
    await expect(writeSuiteReports(run, loadTopology(repoRoot, topologyFile), (o) => printed.push(o.suite))).rejects.toThrow(/^could not write the report of apiserver-failover: SyntaxError/);
    expect(printed).toEqual(['etcd-quorum']);
    expect(readFileSync(join(suiteDir, 'summary.md'), 'utf8')).toMatch(/^# etcd-quorum on my-cluster/);
  });
});
