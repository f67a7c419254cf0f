import { describe, expect, it } from 'vitest';
import type { BackendStateObservation, EndpointsObservation, NodeConditionObservation } from '../probes/history.js';
import { firstAfter, firstEjectedAfter, firstFullyUpAfter, firstWithAddressAfter, firstWithoutAddressAfter, isBackendEjected, isBackendServing, lastBefore, nodeIpChanges, stateChanges } from './observed-states.js';

const be = (atMs: number, status: string, server = 'cp2'): BackendStateObservation => ({ kind: 'lb-backend', atMs, lb: 'lb', server, status });
const node = (atMs: number, ready: NodeConditionObservation['ready'], internalIp = '172.23.0.6'): NodeConditionObservation => ({ kind: 'node', atMs, node: 'cp3', ready, internalIp });
const ep = (atMs: number, addresses: string[]): EndpointsObservation => ({ kind: 'endpoints', atMs, service: 'default/kubernetes', addresses, via: 'lb' });

describe('haproxy status words', () => {
  it.each([
    ['UP', false, true],
    ['UP 1/3', false, true],
    ['DOWN', true, false],
    ['DOWN 1/2', true, false],
    ['MAINT', true, false],
    ['MAINT (resolution)', true, false],
    ['DRAIN', false, false],
    ['no check', false, true],
  ])('%s: ejected %s, serving %s', (status, ejected, serving) => {
    expect(isBackendEjected(status)).toBe(ejected);
    expect(isBackendServing(status)).toBe(serving);
  });
  it('finds the first DOWN after the fault and the first full UP after the return, per server', () => {
    const states = [be(0, 'UP'), be(1_000, 'UP 1/3'), be(3_000, 'UP 2/3'), be(5_200, 'DOWN'), be(5_200, 'UP', 'cp1'), be(30_000, 'DOWN 1/2'), be(32_000, 'UP')];
    expect(firstEjectedAfter(states, 'cp2', 100)?.atMs).toBe(5_200);
    expect(firstEjectedAfter(states, 'cp1', 0)).toBeUndefined();
    expect(firstFullyUpAfter(states, 'cp2', 5_200)?.atMs).toBe(32_000);
  });
});

describe('generic state helpers', () => {
  it('firstAfter / lastBefore respect the instant and the predicate', () => {
    const obs = [node(0, 'True'), node(500, 'True'), node(48_000, 'Unknown'), node(90_000, 'True')];
    expect(firstAfter(obs, 1, (o) => o.ready !== 'True')?.atMs).toBe(48_000);
    expect(firstAfter(obs, 48_001, (o) => o.ready !== 'True')).toBeUndefined();
    expect(lastBefore(obs, 47_999)?.atMs).toBe(500);
    expect(lastBefore(obs, -1)).toBeUndefined();
  });
  it('stateChanges reports only changes, in time order, whatever the input order', () => {
    const obs = [node(48_000, 'Unknown'), node(0, 'True'), node(500, 'True'), node(90_000, 'True')];
    expect(stateChanges(obs, (o) => o.ready).map((c) => [c.atMs, c.from, c.to])).toEqual([
      [48_000, 'True', 'Unknown'],
      [90_000, 'Unknown', 'True'],
    ]);
  });
  it('nodeIpChanges notices a node that came back with another IP (kind#1689)', () => {
    const obs = [node(0, 'True'), node(90_000, 'True', '172.23.0.7')];
    expect(nodeIpChanges(obs, 'cp3').map((c) => [c.from, c.to])).toEqual([['172.23.0.6', '172.23.0.7']]);
    expect(nodeIpChanges([node(0, 'True'), node(1, 'True')], 'cp3')).toEqual([]);
  });
  it('finds when an address left and rejoined the endpoints', () => {
    const obs = [ep(0, ['a', 'b', 'c']), ep(20_000, ['a', 'c']), ep(43_000, ['a', 'b', 'c'])];
    expect(firstWithoutAddressAfter(obs, 'b', 10_000)?.atMs).toBe(20_000);
    expect(firstWithAddressAfter(obs, 'b', 20_000)?.atMs).toBe(43_000);
    expect(firstWithoutAddressAfter(obs, 'a', 0)).toBeUndefined();
  });
});
