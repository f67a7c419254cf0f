import { describe, expect, it } from 'vitest';
import { attemptsPerWorker, nginxClientView, type NginxFailureInput } from './nginx-passive-checks.js';
import { KUBESPRAY_NGINX } from '../../substrate/cluster/localhost-lb.js';

const base: NginxFailureInput = { settings: KUBESPRAY_NGINX, upstreams: 3, failed: 1, failure: 'refused', outageMs: 35_000, clientTimeoutMs: 2_000, healthyRequestMs: 50 };

describe('nginx passive checks (kubespray: max_fails=1 fail_timeout=10s, connect 1s, 2 workers, no zone)', () => {
  it('counts max_fails at once, then one retry per fail_timeout, per worker', () => {
    expect(attemptsPerWorker(1, 10, 0)).toBe(1);
    expect(attemptsPerWorker(1, 10, 9_999)).toBe(1);
    expect(attemptsPerWorker(1, 10, 35_000)).toBe(4);
    expect(attemptsPerWorker(3, 30, 35_000)).toBe(4);
    expect(attemptsPerWorker(0, 10, 35_000)).toBeUndefined();
  });

  it('a killed apiserver (refused) costs clients nothing but a round trip', () => {
    const v = nginxClientView(base);
    expect(v.detectedByNginx).toBe(true);
    expect(v.affectedConnection).toBe('retried');
    expect(v.extraLatencyMs).toBe(0);
    // 2 workers x (1 + floor(35/10)) = 8
    expect(v.maxAffectedConnections).toBe(8);
    expect(v.maxClientErrors).toBe(0);
    expect(v.maxSkippedAfterRecoveryMs).toBe(10_000);
    expect(v.statement).toContain('at most 8 connections over 35 s');
  });

  it('an unreachable node costs each affected connection proxy_connect_timeout', () => {
    const v = nginxClientView({ ...base, failure: 'unreachable' });
    expect(v.affectedConnection).toBe('retried');
    expect(v.extraLatencyMs).toBe(1_000);
    expect(v.maxClientErrors).toBe(0);
    expect(v.statement).toContain('1 s later');
  });

  it('a client whose deadline is shorter than connect timeout + request sees errors', () => {
    const v = nginxClientView({ ...base, failure: 'unreachable', clientTimeoutMs: 1_000 });
    expect(v.affectedConnection).toBe('error');
    expect(v.maxClientErrors).toBe(8);
  });

  it('a shared zone divides the cost by the worker count', () => {
    const v = nginxClientView({ ...base, settings: { ...KUBESPRAY_NGINX, sharedZone: true } });
    expect(v.maxAffectedConnections).toBe(4);
  });

  it('two of three down: a connection may meet both before the healthy one', () => {
    const v = nginxClientView({ ...base, failed: 2, failure: 'unreachable', clientTimeoutMs: 5_000 });
    expect(v.extraLatencyMs).toBe(2_000);
    expect(v.affectedConnection).toBe('retried');
    expect(v.maxAffectedConnections).toBe(16);
  });

  it('all down, or next upstream off: every affected connection is an error', () => {
    expect(nginxClientView({ ...base, failed: 3 }).affectedConnection).toBe('error');
    const off = nginxClientView({ ...base, settings: { ...KUBESPRAY_NGINX, nextUpstream: false } });
    expect(off.affectedConnection).toBe('error');
    expect(off.maxClientErrors).toBe(8);
    const oneTry = nginxClientView({ ...base, settings: { ...KUBESPRAY_NGINX, nextUpstreamTries: 1 } });
    expect(oneTry.affectedConnection).toBe('error');
  });

  it('max_fails=0: never skipped, no bound', () => {
    const v = nginxClientView({ ...base, failure: 'unreachable', settings: { ...KUBESPRAY_NGINX, maxFails: 0 } });
    expect(v.detectedByNginx).toBe(false);
    expect(v.maxAffectedConnections).toBeUndefined();
    expect(v.statement).toContain('never skips it');
  });

  it('a hung apiserver is never detected: up to 1/n of new connections hang until the client gives up', () => {
    const v = nginxClientView({ ...base, failure: 'hang' });
    expect(v.detectedByNginx).toBe(false);
    expect(v.affectedConnection).toBe('hangs');
    expect(v.maxShareWhileUndetected).toBeCloseTo(1 / 3);
    expect(v.maxClientErrors).toBeUndefined();
    expect(v.extraLatencyMs).toBe(2_000);
    expect(v.statement).toContain('never count it');
  });

  it('refuses nonsense', () => {
    expect(() => nginxClientView({ ...base, failed: 4 })).toThrow(/failed must be 1..3/);
    expect(() => nginxClientView({ ...base, settings: { ...KUBESPRAY_NGINX, failTimeoutS: 0 } })).toThrow(/fail_timeout/);
  });
});
