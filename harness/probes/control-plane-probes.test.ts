import { describe, expect, it, vi } from 'vitest';
import { KubeApiCredentials } from '../runtime/kubeconfig.js';
import { KubeApiError } from '../runtime/kube-api.js';
import { HttpTimeoutError } from '../runtime/http.js';
import { firstAnswer, NoSourceAnsweredError, SourceOrder, sourcesOf, VIA_LB } from './api-sources.js';
import { readyzFailures } from './apiserver-probe.js';
import { History } from './history.js';
import { httpProbe, servedBy } from './http-probe.js';
import { lbBackendPoller } from './lb-backend-poller.js';
import { isLeaderElectionLease } from './lease-observer.js';
import type { MonotonicClock } from './clock.js';

const creds = new KubeApiCredentials('https://127.0.0.1:6443', 'ctx', { ca: '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----' });

/** A clock that advances 1 ms per reading: deterministic, and strictly increasing like the real one. */
function tickingClock(): MonotonicClock {
  let t = 0;
  return { startedAtIso: '2026-11-22T03:00:00.000Z', nowMs: () => (t += 1) };
}

describe('API sources: the LB first, then each apiserver directly', () => {
  const sources = sourcesOf({ creds, direct: new Map([['cp1', 'https://172.23.0.4:6443'], ['cp2', 'https://172.23.0.5:6443']]) });
  it('lists the LB, then the apiservers in the given order', () => {
    expect(sources).toEqual([{ via: VIA_LB }, { via: 'cp1', serverUrl: 'https://172.23.0.4:6443' }, { via: 'cp2', serverUrl: 'https://172.23.0.5:6443' }]);
    expect(sourcesOf({ creds, viaLoadBalancer: false, direct: new Map([['cp1', 'u']]) }).map((s) => s.via)).toEqual(['cp1']);
  });
  it('starts with the source that answered last, and retries the LB first every n-th poll', () => {
    const order = new SourceOrder(sources, 3);
    expect(order.next().map((s) => s.via)).toEqual(['lb', 'cp1', 'cp2']);
    order.answered('cp2');
    expect(order.next().map((s) => s.via)).toEqual(['cp2', 'lb', 'cp1']);
    // Poll 3: the LB again, then straight to the one that answered last.
    expect(order.next().map((s) => s.via)).toEqual(['lb', 'cp2', 'cp1']);
    expect(order.next().map((s) => s.via)).toEqual(['cp2', 'lb', 'cp1']);
    order.answered('lb');
    expect(order.next().map((s) => s.via)).toEqual(['lb', 'cp1', 'cp2']);
    expect(() => new SourceOrder([])).toThrow(/at least one/);
  });
  it('returns the first answer and who gave it; failures before it are skipped', async () => {
    const calls: string[] = [];
    const r = await firstAnswer(sources, async (s) => {
      calls.push(s.via);
      if (s.via === VIA_LB) {
        throw new KubeApiError('fail', 'connect ECONNREFUSED');
      }
      return 42;
    });
    expect(r).toEqual({ value: 42, via: 'cp1' });
    expect(calls).toEqual(['lb', 'cp1']);
  });
  it('when nobody answers: fail if every attempt failed definitely, unknown if one timed out', async () => {
    await expect(firstAnswer(sources, () => Promise.reject(new KubeApiError('fail', 'refused')))).rejects.toMatchObject({ outcome: 'fail' });
    const mixed = firstAnswer(sources, (s) => Promise.reject(new KubeApiError(s.via === 'cp2' ? 'unknown' : 'fail', 'x')));
    await expect(mixed).rejects.toBeInstanceOf(NoSourceAnsweredError);
    await expect(mixed).rejects.toMatchObject({ outcome: 'unknown', message: 'lb: x; cp1: x; cp2: x' });
  });
});

describe('which Leases are leader election', () => {
  it.each([
    [{ name: 'kube-scheduler' }, true],
    [{ name: 'kube-controller-manager' }, true],
    [{ name: 'cloud-controller-manager' }, true],
    // The apiserver identity leases on the live cluster: labelled, and named apiserver-<hash>.
    [{ name: 'apiserver-ewefpg7ntmdwrcxzytowq5zwju', labels: { 'apiserver.kubernetes.io/identity': 'kube-apiserver', 'kubernetes.io/hostname': 'kube-ha-chaos-control-plane' } }, false],
    [{ name: 'apiserver-hcw54hjqp5aeouwb76lwhqv64y' }, false],
    [{ name: 'my-operator', labels: { app: 'x' } }, true],
  ])('%j -> %s', (lease, expected) => {
    expect(isLeaderElectionLease(lease)).toBe(expected);
  });
});

describe('small parsers', () => {
  it('readyzFailures lists the failing checks of a /readyz answer', () => {
    const body = '[+]ping ok\n[+]log ok\n[-]etcd failed: reason withheld\n[+]informer-sync ok\n[-]etcd-readiness failed: reason withheld\nreadyz check failed\n';
    expect(readyzFailures(body)).toBe('[-]etcd failed: reason withheld, [-]etcd-readiness failed: reason withheld');
    expect(readyzFailures('Service Unavailable\n')).toBe('Service Unavailable');
  });
  it('servedBy keeps who served a workload request, or the (short) body', () => {
    expect(servedBy('{"pod":"echo-7c9f-abcde","node":"kube-ha-chaos-worker","podIP":"10.244.1.5","startedAt":"x","path":"/"}\n')).toBe('{"pod":"echo-7c9f-abcde","node":"kube-ha-chaos-worker"}');
    expect(servedBy('<html>\n  502 Bad Gateway\n</html>')).toBe('<html> 502 Bad Gateway </html>');
    expect(servedBy('x'.repeat(500))).toHaveLength(200);
  });
});

describe('probes record what they see (fake transports, no timing assumptions)', () => {
  it('the LB backend poller records one state per server, and a poll error when the stats do not answer', async () => {
    const history = new History();
    let call = 0;
    const probe = lbBackendPoller(
      { history, clock: tickingClock() },
      {
        lb: 'kube-ha-chaos-external-load-balancer',
        lbIp: '172.23.0.2',
        intervalMs: 5,
        read: async () => {
          call += 1;
          if (call === 2) {
            throw new Error('GET http://172.23.0.2:8404/stats;csv: connect ECONNREFUSED');
          }
          return [
            { server: 'kube-ha-chaos-control-plane', status: 'UP', checkStatus: 'L7OK', lastChangeS: 52, downTransitions: 7 },
            { server: 'kube-ha-chaos-control-plane2', status: 'DOWN', checkStatus: 'L7STS', lastChangeS: 18, downTransitions: 7 },
          ];
        },
      },
    );
    probe.start();
    await vi.waitFor(() => expect(call).toBeGreaterThanOrEqual(3), { timeout: 5_000, interval: 5 });
    await probe.stop();
    const states = history.backendStates();
    expect(states.slice(0, 2).map((s) => [s.server, s.status, s.checkStatus])).toEqual([
      ['kube-ha-chaos-control-plane', 'UP', 'L7OK'],
      ['kube-ha-chaos-control-plane2', 'DOWN', 'L7STS'],
    ]);
    // Both states of one poll carry one instant.
    expect(states[0]?.atMs).toBe(states[1]?.atMs);
    expect(history.pollErrors('lb-backend')[0]).toMatchObject({ target: 'kube-ha-chaos-external-load-balancer', error: expect.stringContaining('ECONNREFUSED') });
  });

  it('the HTTP probe records ok with who served, fail for an error status or a refused connection, unknown for a deadline', async () => {
    const history = new History();
    const answers = [
      async () => ({ status: 200, body: '{"pod":"echo-1","node":"w"}' }),
      async () => ({ status: 503, body: 'no endpoints' }),
      async () => Promise.reject(new Error('connect ECONNREFUSED 172.23.0.3:30080')),
      async () => Promise.reject(new HttpTimeoutError('GET http://172.23.0.3:30080/: no answer within 1000 ms')),
    ];
    let i = 0;
    const probe = httpProbe({ history, clock: tickingClock() }, { targets: [{ node: 'kube-ha-chaos-worker', url: 'http://172.23.0.3:30080/' }], intervalMs: 5, get: () => {
      const answer = answers[Math.min(i++, answers.length - 1)];
      if (answer === undefined) {
        throw new Error('no answer scripted');
      }
      return answer();
    } });
    probe.start();
    await vi.waitFor(() => expect(history.operations().length).toBeGreaterThanOrEqual(4), { timeout: 5_000, interval: 5 });
    await probe.stop();
    const ops = history.operations({ probe: 'workload-http' }).slice(0, 4);
    expect(ops.map((o) => [o.op, o.target, o.outcome])).toEqual([
      ['get', 'kube-ha-chaos-worker', 'ok'],
      ['get', 'kube-ha-chaos-worker', 'fail'],
      ['get', 'kube-ha-chaos-worker', 'fail'],
      ['get', 'kube-ha-chaos-worker', 'unknown'],
    ]);
    expect(ops[0]?.value).toBe('{"pod":"echo-1","node":"w"}');
    expect(ops[1]?.error).toBe('HTTP 503');
    expect(() => httpProbe({ history, clock: tickingClock() }, { targets: [] })).toThrow(/no targets/);
  });
});

describe('controlPlaneProbes', () => {
  const base = {
    creds,
    runId: 'r1',
    namespace: 'kube-ha-chaos-probes',
    apiservers: new Map([['cp1', 'https://172.23.0.4:6443']]),
    lb: { name: 'kube-ha-chaos-external-load-balancer', ip: '172.23.0.2' },
    settings: { apiIntervalMs: 100, directIntervalMs: 100, requestTimeoutMs: 1_000, leaseIntervalMs: 200, lbPollIntervalMs: 200, endpointsIntervalMs: 500, nodeIntervalMs: 500, httpIntervalMs: 100 },
  };
  it('builds every probe under a distinct name (the workload probe only with targets), without starting any', async () => {
    const { controlPlaneProbes } = await import('./control-plane-probe-set.js');
    const ctx = { history: new History(), clock: tickingClock() };
    expect(controlPlaneProbes(ctx, base).map((p) => p.name)).toEqual(['api-write', 'apiserver-readyz', 'lease-observer', 'lb-backends', 'apiserver-endpoints', 'node-conditions']);
    const some = controlPlaneProbes(ctx, { ...base, include: { apiWrite: false, endpoints: false }, workload: [{ node: 'w', url: 'http://172.23.0.3:30080/' }] });
    expect(some.map((p) => p.name)).toEqual(['apiserver-readyz', 'lease-observer', 'lb-backends', 'node-conditions', 'workload-http']);
    expect(ctx.history.size).toBe(0);
    expect(() => controlPlaneProbes(ctx, { ...base, aimFraction: 1.5 })).toThrow(RangeError);
  });
});
