import { describe, expect, it } from 'vitest';
import { LIVE_CONTROL_PLANE_FLAGS } from '../testing/control-plane-histories.js';
import { buildGrayFailuresCatalogue, deriveGrayThresholds, GRAY_FAILURES_IDS, parseApiserverEtcdClient, parseGoDurationMs } from './gray-failures-catalogue.js';
import { KNOWN_ISSUES, openIssuesFor } from './known-issues.js';

const members = ['cp1', 'cp2', 'cp3'];
const live = (argv: readonly string[] = ['kube-apiserver', '--etcd-servers=https://127.0.0.1:2379']) => ({
  timersByMember: Object.fromEntries(members.map((m) => [m, { electionTimeoutMs: 1_000, heartbeatIntervalMs: 100 }])),
  apiserverEtcd: Object.fromEntries(members.map((m) => [m, parseApiserverEtcdClient(argv)])),
  haproxy: LIVE_CONTROL_PLANE_FLAGS.haproxy,
  kubernetesVersion: 'v1.34.10',
});

describe('the gray-failures bounds on the live flags', () => {
  it('derives each bound from the flags and the v1.34 etcd client constants', () => {
    const t = deriveGrayThresholds(live()).values;
    expect(t).toMatchObject({
      maxReadyWithoutEtcdMs: 4_100, // 2 s readycheck / 2 + 2 s + 100 + 1 000
      maxGrayEjectionMs: 14_200, // 1 s + inter 2 s + 2 x 2 s + 3 x 2 s + 200 + 1 000
      maxLbRecoveryMs: 15_300,
      maxClientFailoverMs: 42_000, // keepalive 30 s + 10 s + 1 s + 1 s
      maxBriefPauseMs: 800,
      briefPauseMs: 500,
      minLongPauseMs: 2_200,
      longPauseMs: 3_000,
      maxElectionMs: 3_300,
      maxLeaderChanges: 0,
    });
  });
  it('follows --etcd-healthcheck-timeout / --etcd-readycheck-timeout where set', () => {
    const t = deriveGrayThresholds(live(['kube-apiserver', '--etcd-servers=https://127.0.0.1:2379', '--etcd-healthcheck-timeout=5s', '--etcd-readycheck-timeout=500ms']));
    expect(t.values.maxReadyWithoutEtcdMs).toBe(250 + 500 + 100 + 1_000);
    expect(t.values.maxGrayEjectionMs).toBe(2_500 + 2_000 + 4_000 + 3 * 2_000 + 200 + 1_000); // a check lasts at most haproxy's own 2 s
    expect(t.derivation.maxReadyWithoutEtcdMs).toContain('(flag)');
  });
  it('parses Go durations', () => {
    expect(parseGoDurationMs('2s')).toBe(2_000);
    expect(parseGoDurationMs('1m30s')).toBe(90_000);
    expect(parseGoDurationMs('1500ms')).toBe(1_500);
    expect(() => parseGoDurationMs('2 seconds')).toThrow(RangeError);
  });
  it('every guarantee cites a source and carries a derivation for each threshold; stacked etcd is explained', () => {
    const c = buildGrayFailuresCatalogue(live());
    expect(c.guarantees.map((g) => g.id)).toEqual([...GRAY_FAILURES_IDS]);
    for (const g of c.guarantees) {
      expect(g.source).toMatch(/^https:\/\//);
      expect(Object.keys(g.derivation).sort()).toEqual(Object.keys(g.thresholds).sort());
    }
    expect(c.get('gray-failures.etcd-blackhole-apiserver-ejected').alsoSee).toEqual(expect.arrayContaining(KNOWN_ISSUES.map((i) => i.url)));
    expect(c.notes.join(' ')).toContain('loopback');
  });
});

describe('known issues', () => {
  it('only open reports without a released fix turn a stall into a finding', () => {
    expect(openIssuesFor('apiserver-healthy-without-etcd', 'v1.34.10').map((i) => i.id)).toEqual(['kubernetes/kubernetes#72796']);
    expect(openIssuesFor('apiserver-stuck-on-blackholed-member', 'v1.34.10')).toEqual([]);
    const fixed = [{ ...KNOWN_ISSUES[0]!, fixedIn: 'v1.35' }];
    expect(openIssuesFor('apiserver-healthy-without-etcd', 'v1.34.10', fixed)).toHaveLength(1);
    expect(openIssuesFor('apiserver-healthy-without-etcd', 'v1.35.4', fixed)).toHaveLength(0);
  });
});
