import { describe, expect, it } from 'vitest';
import { configMapKey, configMapPrefix, runLabelValue, runObjectPrefix } from './api-write-probe.js';
import { probeKeyPrefix } from './etcd-targets.js';
import { errorText, failureOf, type Probe } from './probe.js';
import { ProbeSet } from './probe-set.js';

describe('errorText / failureOf', () => {
  it('keeps error texts short, on one line, and free of key material', () => {
    const pem = '-----BEGIN RSA PRIV' + 'ATE KEY-----\nMIIEsecret\n-----END RSA PRIVATE KEY-----';
    const t = errorText(new Error(`bad key ${pem}\nand LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t and Bearer abc.def`));
    expect(t).toBe('bad key [redacted] and [redacted] and Bearer [redacted]');
    expect(errorText('x'.repeat(500)).length).toBe(200);
  });
  it('uses the outcome a runtime error carries; a surprise is unknown', () => {
    expect(failureOf(Object.assign(new Error('refused'), { outcome: 'fail' }))).toEqual({ outcome: 'fail', error: 'refused' });
    expect(failureOf(Object.assign(new Error('timeout'), { outcome: 'unknown' })).outcome).toBe('unknown');
    expect(failureOf(new TypeError('bug')).outcome).toBe('unknown');
    expect(failureOf(null)).toEqual({ outcome: 'unknown', error: 'null' });
  });
});

describe('probe key and object names', () => {
  it('puts a run under its own etcd prefix', () => {
    expect(probeKeyPrefix('run-1')).toBe('/kube-ha-chaos/probe/run-1/');
    expect(() => probeKeyPrefix('a/b')).toThrow();
    expect(() => probeKeyPrefix('')).toThrow();
  });
  it('makes DNS-safe, run-unique ConfigMap names', () => {
    expect(runLabelValue('Smoke_Run.2026-11-22T02:00')).toBe('smoke-run-2026-11-22t02-00');
    expect(runLabelValue('x'.repeat(60))).toHaveLength(40);
    expect(() => runLabelValue('___')).toThrow();
    expect(configMapPrefix('r1', 'lb')).toBe('probe-r1-lb-');
    expect(configMapPrefix('r1', 'lb').startsWith(runObjectPrefix('r1'))).toBe(true);
    expect(configMapKey('ns', 'probe-r1-lb-7')).toBe('configmaps/ns/probe-r1-lb-7');
  });
});

describe('ProbeSet', () => {
  const fake = (name: string, log: string[], failStop = false): Probe => ({
    name,
    start: () => log.push(`start ${name}`),
    stop: async () => {
      log.push(`stop ${name}`);
      if (failStop) {
        throw new Error(`${name} stuck`);
      }
    },
  });
  it('starts all, stops all once, and reports every probe that failed to stop', async () => {
    const log: string[] = [];
    const set = new ProbeSet([fake('a', log), fake('b', log, true), fake('c', log)]);
    set.start();
    const first = set.stop();
    await expect(first).rejects.toThrow(AggregateError);
    await expect(set.stop()).rejects.toThrow(/1 probe/);
    expect(log).toEqual(['start a', 'start b', 'start c', 'stop a', 'stop b', 'stop c']);
  });
  it('refuses two probes with one name', () => {
    expect(() => new ProbeSet([fake('a', []), fake('a', [])])).toThrow(/two probes are named a/);
  });
});
