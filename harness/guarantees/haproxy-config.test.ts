import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HaproxyConfigError, parseHaproxyBackendChecks, parseHaproxyTime, worstCaseCheckTimings } from './haproxy-config.js';

const LIVE = readFileSync(new URL('../../fixtures/cluster/haproxy.cfg', import.meta.url), 'utf8');

describe('parseHaproxyTime', () => {
  it.each([
    ['2s', 2_000],
    ['2000', 2_000],
    ['500ms', 500],
    ['1m', 60_000],
    ['1.5s', 1_500],
  ])('%s is %i ms', (t, ms) => expect(parseHaproxyTime(t)).toBe(ms));
  it('refuses nonsense', () => expect(() => parseHaproxyTime('2 s')).toThrow(HaproxyConfigError));
});

describe('kind’s rendered haproxy config', () => {
  const b = parseHaproxyBackendChecks(LIVE);
  it('health-checks every apiserver with GET /healthz and haproxy’s defaults (inter 2s, fall 3, rise 2)', () => {
    expect(b.httpCheck).toBe('GET /healthz');
    expect(b.servers.map((s) => s.name)).toEqual(['kube-ha-chaos-control-plane', 'kube-ha-chaos-control-plane2', 'kube-ha-chaos-control-plane3']);
    for (const s of b.servers) {
      expect(s).toMatchObject({ check: true, interMs: 2_000, fastInterMs: 2_000, downInterMs: 2_000, fall: 3, rise: 2 });
    }
    // No `timeout check`: a check against a silent backend may take a whole inter.
    expect(b.checkTimeoutMs).toBeUndefined();
    expect(b.connectTimeoutMs).toBe(5_000);
    expect(b.maxCheckDurationMs).toBe(2_000);
    expect(worstCaseCheckTimings(b)).toEqual({ interMs: 2_000, fastInterMs: 2_000, fall: 3, rise: 2, maxCheckDurationMs: 2_000 });
  });
});

describe('explicit check settings', () => {
  const cfg = `
defaults
  mode tcp
  timeout connect 3s
  timeout check 1s
  default-server inter 5s fall 2

backend kube-apiservers
  option httpchk GET /readyz
  default-server rise 4
  server a a:6443 check inter 1s fastinter 500ms
  server b b:6443 check
  server c c:6443
`;
  const b = parseHaproxyBackendChecks(cfg);
  it('layers defaults, default-server and server parameters', () => {
    expect(b.servers).toEqual([
      { name: 'a', address: 'a:6443', check: true, interMs: 1_000, fastInterMs: 500, downInterMs: 1_000, fall: 2, rise: 4 },
      { name: 'b', address: 'b:6443', check: true, interMs: 5_000, fastInterMs: 5_000, downInterMs: 5_000, fall: 2, rise: 4 },
      { name: 'c', address: 'c:6443', check: false, interMs: 5_000, fastInterMs: 5_000, downInterMs: 5_000, fall: 2, rise: 4 },
    ]);
    // timeout check 1s + min(timeout connect 3s, inter 5s) = 4s.
    expect(b.maxCheckDurationMs).toBe(4_000);
    expect(worstCaseCheckTimings(b)).toMatchObject({ interMs: 5_000, fastInterMs: 5_000, fall: 2, rise: 4 });
  });
  it('says so when the backend is missing or checks nothing', () => {
    expect(() => parseHaproxyBackendChecks(cfg, 'nope')).toThrow(/no backend named nope/);
    expect(() => parseHaproxyBackendChecks('backend x\n  server a a:1\n', 'x')).toThrow(/no server with health checks/);
  });
});
