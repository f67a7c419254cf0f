import { describe, expect, it } from 'vitest';
import { renderJunit } from './junit.js';
import { deepText, findAll, parseXml } from '../testing/xml-check.js';
import { verdict } from '../checks/verdict.js';
import { buildEtcdQuorumCatalogue } from '../guarantees/catalogue.js';
import { ETCD_DEFAULT_TIMERS } from '../guarantees/flags.js';
import { leaderKillHistory, MEMBERS } from '../testing/sample-histories.js';

const catalogue = buildEtcdQuorumCatalogue({
  timersByMember: Object.fromEntries(MEMBERS.map((m) => [m.name, ETCD_DEFAULT_TIMERS])),
  probes: { pollIntervalMs: 100, writeIntervalMs: 100, writeTimeoutMs: 500 },
});

describe('renderJunit', () => {
  it('writes one well-formed testcase per verdict, with counts matching the statuses', () => {
    const h = leaderKillHistory();
    const verdicts = catalogue.guarantees.map((g) => g.check(h, g));
    const xml = renderJunit({ suiteName: 'etcd-quorum', verdicts, guarantees: catalogue.guarantees, timestampIso: '2025-01-02T03:04:05.000Z', durationMs: 61_234 });
    const root = parseXml(xml);
    expect(root.name).toBe('testsuites');
    const cases = findAll(root, (e) => e.name === 'testcase');
    expect(cases.map((c) => c.attrs['name'])).toEqual(catalogue.guarantees.map((g) => g.id));
    const fails = verdicts.filter((v) => v.status === 'fail');
    const inconclusive = verdicts.filter((v) => v.status === 'inconclusive');
    expect(fails.length).toBeGreaterThan(0);
    expect(root.attrs).toMatchObject({ tests: String(verdicts.length), failures: String(fails.length), skipped: String(inconclusive.length), time: '61.234' });
    const suite = findAll(root, (e) => e.name === 'testsuite')[0];
    expect(suite?.attrs['timestamp']).toBe('2025-01-02T03:04:05.000Z');
    expect(findAll(root, (e) => e.name === 'failure').map((f) => f.attrs['message'])).toEqual(fails.map((v) => v.reason));
    expect(findAll(root, (e) => e.name === 'skipped')).toHaveLength(inconclusive.length);
    const failing = cases.find((c) => c.attrs['name'] === fails[0]?.guaranteeId);
    expect(failing?.attrs['classname']).toBe('etcd-quorum');
    expect(deepText(failing ?? root)).toContain('source: https://');
  });

  it('escapes markup and strips characters XML cannot carry, so the result still parses', () => {
    const nasty = 'got <b>"boom"</b> & \'quotes\' ]]> \u0001\u001b[31m';
    const xml = renderJunit({ suiteName: 'a&b', verdicts: [verdict('x.<y>', 'fail', nasty, { aMs: 1 })] });
    const root = parseXml(xml);
    const failure = findAll(root, (e) => e.name === 'failure')[0];
    expect(failure?.attrs['message']).toBe('got <b>"boom"</b> & \'quotes\' ]]> \uFFFD\uFFFD[31m');
    expect(xml).not.toContain('<b>');
    expect(findAll(root, (e) => e.name === 'testcase')[0]?.attrs['name']).toBe('x.<y>');
  });

  it('never prints a private key that ended up in a reason', () => {
    const reason = 'tls: -----BEGIN RSA PRIV' + 'ATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----';
    const xml = renderJunit({ suiteName: 's', verdicts: [verdict('s.k', 'fail', reason)] });
    expect(xml).not.toContain('MIIEpAIBAAKCAQEA');
    expect(xml).toContain('[redacted RSA PRIVATE KEY]');
  });

  it('renders an empty suite', () => {
    const root = parseXml(renderJunit({ suiteName: 'empty', verdicts: [] }));
    expect(root.attrs['tests']).toBe('0');
  });
});
