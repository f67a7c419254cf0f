import { describe, expect, it } from 'vitest';
import { History, HistoryFormatError, type HistoryEntry } from './history.js';

const lease = (over: Partial<Extract<HistoryEntry, { kind: 'lease' }>> = {}): HistoryEntry => ({
  kind: 'lease',
  atMs: 1_000,
  namespace: 'kube-system',
  lease: 'kube-scheduler',
  holder: 'ha-3cp-control-plane_75f3c654-18ed-4871-a992-a3978e059ab6',
  transitions: 4,
  renewTimeIso: '2026-11-22T03:01:34.664063Z',
  acquireTimeIso: '2026-11-22T03:01:28.568377Z',
  durationS: 15,
  via: 'lb',
  ...over,
});

const ENTRIES: HistoryEntry[] = [
  lease(),
  lease({ atMs: 1_200, lease: 'kube-controller-manager', holder: '', durationS: 1, via: 'ha-3cp-control-plane2' }),
  { kind: 'poll-error', atMs: 1_400, poller: 'lease', target: 'kube-system', outcome: 'unknown', error: 'lb: no answer within 1000 ms' },
  { kind: 'node', atMs: 1_500, node: 'ha-3cp-worker', ready: 'True', reason: 'KubeletReady', lastTransitionIso: '2026-11-22T03:20:05Z', internalIp: '172.23.0.3', via: 'lb' },
  { kind: 'node', atMs: 1_500, node: 'ha-3cp-control-plane3', ready: 'Unknown', reason: 'NodeStatusUnknown' },
  { kind: 'lb-backend', atMs: 1_600, lb: 'ha-3cp-external-load-balancer', server: 'ha-3cp-control-plane2', status: 'DOWN', checkStatus: 'L7STS', lastChangeS: 18, downTransitions: 7 },
  { kind: 'lb-backend', atMs: 1_600, lb: 'ha-3cp-external-load-balancer', server: 'ha-3cp-control-plane', status: 'UP 1/3' },
  { kind: 'endpoints', atMs: 1_700, service: 'default/kubernetes', addresses: ['172.23.0.4', '172.23.0.6'], via: 'lb', source: 'endpointslices' },
  {
    kind: 'pods',
    atMs: 1_800,
    namespace: 'kube-ha-chaos-workload',
    selector: 'app=echo',
    pods: [{ name: 'echo-1', uid: 'u1', node: 'ha-3cp-worker', phase: 'Running', restarts: 0, ready: true, deleting: false, owner: 'ReplicaSet/echo-7c9f' }],
    via: 'lb',
  },
];

describe('History: control-plane entry kinds', () => {
  it('records each new kind and serves it through its accessor', () => {
    const h = new History(ENTRIES);
    expect(h.leaseObservations().map((o) => o.lease)).toEqual(['kube-scheduler', 'kube-controller-manager']);
    expect(h.leaseObservations('kube-scheduler')).toHaveLength(1);
    expect(h.leaseNames()).toEqual(['kube-scheduler', 'kube-controller-manager']);
    expect(h.pollErrors('lease')).toHaveLength(1);
    expect(h.pollErrors('node')).toHaveLength(0);
    expect(h.observedNodes()).toEqual(['ha-3cp-worker', 'ha-3cp-control-plane3']);
    expect(h.nodeObservations('ha-3cp-control-plane3')[0]?.ready).toBe('Unknown');
    expect(h.backendServers()).toEqual(['ha-3cp-control-plane2', 'ha-3cp-control-plane']);
    expect(h.backendStates('ha-3cp-control-plane2')[0]?.status).toBe('DOWN');
    expect(h.endpointsObservations('default/kubernetes')[0]?.addresses).toEqual(['172.23.0.4', '172.23.0.6']);
    expect(h.podSnapshots('kube-ha-chaos-workload')[0]?.pods[0]?.uid).toBe('u1');
    expect(h.podSnapshots('other')).toEqual([]);
    expect(h.startMs()).toBe(1_000);
    expect(h.endMs()).toBe(1_800);
  });

  it('round-trips through JSON lines unchanged', () => {
    const h = new History(ENTRIES);
    const back = History.fromJsonl(h.toJsonl());
    expect(back.entries()).toEqual(h.entries());
    expect(back.toJsonl()).toBe(h.toJsonl());
  });

  it('is append-only for nested pod lists too', () => {
    const h = new History(ENTRIES);
    const pod = h.podSnapshots()[0]?.pods[0] as unknown as { restarts: number };
    expect(() => {
      pod.restarts = 5;
    }).toThrow(TypeError);
  });

  it.each<[string, HistoryEntry, RegExp]>([
    ['a lease without via', { ...lease(), via: undefined } as unknown as HistoryEntry, /missing field via/],
    ['a lease with a typo', { ...lease(), holderIdentity: 'x' } as unknown as HistoryEntry, /unknown field holderIdentity/],
    ['a node Ready value Kubernetes never writes', { kind: 'node', atMs: 1, node: 'n', ready: 'true' } as unknown as HistoryEntry, /True \| False \| Unknown/],
    ['a poll error of an unknown poller', { kind: 'poll-error', atMs: 1, poller: 'etcd', target: 'x', outcome: 'fail', error: 'e' } as unknown as HistoryEntry, /lease \| node/],
    ['endpoints with a non-string address', { kind: 'endpoints', atMs: 1, service: 's', addresses: [1], via: 'lb' } as unknown as HistoryEntry, /array of strings/],
    [
      'a pod with a negative restart count',
      { kind: 'pods', atMs: 1, namespace: 'ns', pods: [{ name: 'p', uid: 'u', phase: 'Running', restarts: -1, ready: true, deleting: false }] } as unknown as HistoryEntry,
      /restarts: expected a whole number/,
    ],
    [
      'a pod whose ready is a string',
      { kind: 'pods', atMs: 1, namespace: 'ns', pods: [{ name: 'p', uid: 'u', phase: 'Running', restarts: 0, ready: 'yes', deleting: false }] } as unknown as HistoryEntry,
      /expected a boolean/,
    ],
    [
      'a pod with an unknown field',
      { kind: 'pods', atMs: 1, namespace: 'ns', pods: [{ name: 'p', uid: 'u', phase: 'Running', restarts: 0, ready: true, deleting: false, ip: '10.0.0.1' }] } as unknown as HistoryEntry,
      /unknown field ip/,
    ],
  ])('refuses %s', (_what, entry, message) => {
    const h = new History();
    expect(() => h.record(entry)).toThrow(HistoryFormatError);
    expect(() => h.record(entry)).toThrow(message);
    expect(h.size).toBe(0);
  });

  it('names the line of a bad entry in a stored history', () => {
    const text = `${JSON.stringify(lease())}\n${JSON.stringify({ kind: 'node', atMs: 1, node: 'n', ready: 'Maybe' })}\n`;
    expect(() => History.fromJsonl(text)).toThrow(/line 2: .*ready/);
  });
});
