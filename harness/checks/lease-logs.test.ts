import { describe, expect, it } from 'vitest';
import type { FaultWindow, LeaseLogEvent, LeaseObservation } from '../probes/history.js';
import { eventsForCase, leaseLogReport, parseLeaderElectionLog } from './lease-logs.js';

// Lines as the kubelet stores them on a kind node (/var/log/pods/kube-system_kube-scheduler-*/kube-scheduler/N.log),
// taken from a real ha-3cp run on 2026-11-30 (client-go v1.34 leaderelection).
const CP1_LOG = [
  '2026-11-30T06:10:30.086586518Z stderr F I1130 06:10:30.086495       1 leaderelection.go:257] attempting to acquire leader lease kube-system/kube-scheduler...',
  '2026-11-30T06:10:31.100000000Z stderr F I1130 06:10:31.099000       1 server.go:167] "Starting Kubernetes Scheduler" version="v1.34.10"',
  '2026-11-30T06:11:24.447369228Z stderr F I1130 06:11:24.447164       1 leaderelection.go:271] successfully acquired lease kube-system/kube-scheduler',
  '2026-11-30T06:11:30.000000000Z stderr P I1130 06:11:30.000000       1 schedule_one.go:99] "Unable to schedule pod" pod="x" partial',
  'not a CRI line',
].join('\n');

describe('parseLeaderElectionLog', () => {
  it('finds the attempt, the acquisition and the instance\'s last line', () => {
    const events = parseLeaderElectionLog(CP1_LOG, { node: 'kube-ha-chaos-control-plane', instance: 'kube-scheduler/3.log', lease: 'kube-system/kube-scheduler' });
    expect(events.map((e) => [e.event, e.lease, e.wallIso])).toEqual([
      ['attempting', 'kube-system/kube-scheduler', '2026-11-30T06:10:30.086586518Z'],
      ['acquired', 'kube-system/kube-scheduler', '2026-11-30T06:11:24.447369228Z'],
      ['last-line', 'kube-system/kube-scheduler', '2026-11-30T06:11:30.000000000Z'],
    ]);
  });

  it('recognises losing the lease, named or not', () => {
    const text = [
      '2026-11-30T06:19:48.568088626Z stderr F E1130 06:19:48.567761       1 leaderelection.go:297] failed to renew lease kube-system/kube-controller-manager: context deadline exceeded',
      '2026-11-30T06:19:48.600000000Z stderr F E1130 06:19:48.600000       1 controllermanager.go:341] "leaderelection lost"',
    ].join('\n');
    const events = parseLeaderElectionLog(text, { node: 'n', instance: 'kube-controller-manager/1.log', lease: 'kube-system/kube-controller-manager' });
    expect(events.filter((e) => e.event === 'lost').map((e) => e.lease)).toEqual(['kube-system/kube-controller-manager', 'kube-system/kube-controller-manager']);
  });
});

const START = Date.parse('2026-11-30T06:00:00.000Z');
const at = (iso: string): number => Date.parse(iso) - START;
const ev = (node: string, instance: string, event: LeaseLogEvent['event'], iso: string): LeaseLogEvent => ({
  kind: 'lease-log', atMs: at(iso), wallIso: iso, lease: 'kube-system/kube-scheduler', node, instance, event,
});
const obs = (atIso: string, holder: string, acquireIso: string, renewIso: string): LeaseObservation => ({
  kind: 'lease', atMs: at(atIso), namespace: 'kube-system', lease: 'kube-scheduler', holder, transitions: 3, acquireTimeIso: acquireIso, renewTimeIso: renewIso, durationS: 15, via: 'lb',
});
const CP1 = 'kube-ha-chaos-control-plane';
const CP3 = 'kube-ha-chaos-control-plane3';
// The holder on CP1 SIGKILLed at 06:17:20; CP3 took over at 06:17:39 (lease 15 s + retry).
const kill: FaultWindow = { faultId: 'kill-1', summary: 'SIGKILL kube-scheduler', targets: [CP1], issuedAtMs: at('2026-11-30T06:17:20.000Z'), injectedAtMs: at('2026-11-30T06:17:20.050Z') };
const record = [
  obs('2026-11-30T06:17:00.000Z', `${CP1}_aaa`, '2026-11-30T06:11:24.447000Z', '2026-11-30T06:16:59.900000Z'),
  obs('2026-11-30T06:17:19.900Z', `${CP1}_aaa`, '2026-11-30T06:11:24.447000Z', '2026-11-30T06:17:19.000000Z'),
  obs('2026-11-30T06:17:39.200Z', `${CP3}_ccc`, '2026-11-30T06:17:39.017000Z', '2026-11-30T06:17:39.017000Z'),
  obs('2026-11-30T06:18:00.000Z', `${CP3}_ccc`, '2026-11-30T06:17:39.017000Z', '2026-11-30T06:17:59.000000Z'),
];
const opts = { clockSkewMs: 1_500, runStartWallMs: START };

describe('leaseLogReport', () => {
  it('passes a handover after the holder was killed, with the acquisition in the record', () => {
    const events = [
      ev(CP1, 'kube-scheduler/3.log', 'acquired', '2026-11-30T06:11:24.447369228Z'),
      ev(CP1, 'kube-scheduler/3.log', 'last-line', '2026-11-30T06:17:19.500000000Z'),
      ev(CP3, 'kube-scheduler/0.log', 'acquired', '2026-11-30T06:17:39.018160000Z'),
      ev(CP3, 'kube-scheduler/0.log', 'last-line', '2026-11-30T06:18:05.000000000Z'),
    ];
    expect(leaseLogReport(events, record, [kill], opts)).toEqual({ acquisitions: 2, matched: 1, handoversChecked: 1, violations: [] });
  });

  it('fails when the previous leader kept running after the new one acquired, without losing the lease', () => {
    const events = [
      ev(CP1, 'kube-scheduler/3.log', 'acquired', '2026-11-30T06:11:24.447369228Z'),
      ev(CP1, 'kube-scheduler/3.log', 'last-line', '2026-11-30T06:17:50.000000000Z'),
      ev(CP3, 'kube-scheduler/0.log', 'acquired', '2026-11-30T06:17:39.018160000Z'),
    ];
    const r = leaseLogReport(events, record, [], opts);
    expect(r.violations).toHaveLength(1);
    expect(r.violations[0]).toMatchObject({ rule: 'previous-leader-still-running', lease: 'kube-system/kube-scheduler' });
  });

  it('accepts a previous leader that logged losing the lease before the new one acquired', () => {
    const events = [
      ev(CP1, 'kube-scheduler/3.log', 'acquired', '2026-11-30T06:11:24.447369228Z'),
      ev(CP1, 'kube-scheduler/3.log', 'lost', '2026-11-30T06:17:30.000000000Z'),
      ev(CP1, 'kube-scheduler/3.log', 'last-line', '2026-11-30T06:17:50.000000000Z'),
      ev(CP3, 'kube-scheduler/0.log', 'acquired', '2026-11-30T06:17:39.018160000Z'),
    ];
    expect(leaseLogReport(events, record, [], opts).violations).toEqual([]);
  });

  it('fails an acquisition the lease record never showed', () => {
    const events = [ev('kube-ha-chaos-control-plane2', 'kube-scheduler/1.log', 'acquired', '2026-11-30T06:17:45.000000000Z')];
    const r = leaseLogReport(events, record, [kill], opts);
    expect(r.violations.map((v) => v.rule)).toEqual(['acquisition-not-in-record']);
  });
});

describe('eventsForCase', () => {
  it('keeps what happened in the case and the instance that held the lease when it began', () => {
    const events = [
      ev(CP3, 'kube-scheduler/0.log', 'acquired', '2026-11-30T06:05:00.000000000Z'),
      ev(CP3, 'kube-scheduler/0.log', 'last-line', '2026-11-30T06:06:00.000000000Z'),
      ev(CP1, 'kube-scheduler/3.log', 'acquired', '2026-11-30T06:11:24.447369228Z'),
      ev(CP1, 'kube-scheduler/3.log', 'last-line', '2026-11-30T06:12:00.000000000Z'),
      ev(CP3, 'kube-scheduler/1.log', 'attempting', '2026-11-30T06:10:00.000000000Z'),
      ev(CP3, 'kube-scheduler/1.log', 'acquired', '2026-11-30T06:17:39.018160000Z'),
    ];
    const kept = eventsForCase(events, at('2026-11-30T06:15:00.000Z'));
    expect(kept.map((e) => `${e.node} ${e.instance} ${e.event}`)).toEqual([
      `${CP1} kube-scheduler/3.log acquired`,
      `${CP1} kube-scheduler/3.log last-line`,
      `${CP3} kube-scheduler/1.log acquired`,
    ]);
  });
});
