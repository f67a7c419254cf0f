import { describe, expect, it } from 'vitest';
import { etcdLossTakesApiserver, etcdMemberCount, isHostInSubnet, kindDefaultLayout, layoutProblemsOnNetwork, parseLayout } from './layout.js';

// The shapes issue 10 asks for, as their topology files would say them.
const EXT_ETCD_5 = 'name: ext-etcd-5\ncontrolPlanes: 3\nworkers: 1\netcd: { external: 5 }\nfront: kind-haproxy\n';
const LB_PAIR = 'name: lb-pair\ncontrolPlanes: 3\nworkers: 1\nfront: { kind: vip-pair, vip: 172.18.0.250, advertIntervalS: 1 }\n';

describe('parseLayout', () => {
  it('reads external etcd: 5 members apart from 3 control planes', () => {
    const l = parseLayout('ext-etcd-5.yaml', EXT_ETCD_5);
    expect(l).toEqual({ name: 'ext-etcd-5', controlPlanes: 3, workers: 1, etcd: { mode: 'external', members: 5 }, front: { kind: 'kind-haproxy' } });
    expect(etcdMemberCount(l)).toBe(5);
    expect(etcdLossTakesApiserver(l)).toBe(false);
  });
  it('defaults to kubeadm stacked etcd behind kind\'s haproxy, one member per control plane', () => {
    const l = parseLayout('ha-5cp', 'name: ha-5cp\ncontrolPlanes: 5\nworkers: 1\n');
    expect(l).toEqual(kindDefaultLayout('ha-5cp', 5, 1));
    expect(etcdMemberCount(l)).toBe(5);
    expect(etcdLossTakesApiserver(l)).toBe(true);
  });
  it('reads the VIP pair, the localhost LB and DNS round-robin', () => {
    expect(parseLayout('lb-pair', LB_PAIR).front).toEqual({ kind: 'vip-pair', vip: '172.18.0.250', advertIntervalS: 1 });
    expect(parseLayout('l', 'name: localhost-lb\ncontrolPlanes: 3\nworkers: 2\nfront: localhost-nginx\n').front).toEqual({ kind: 'localhost-nginx' });
    expect(parseLayout('d', 'name: dns-rr\ncontrolPlanes: 3\nworkers: 1\nfront: { kind: dns-rr, name: api.ha.test }\n').front).toEqual({ kind: 'dns-rr', name: 'api.ha.test' });
  });
  it.each([
    ['an unknown front', 'name: x\ncontrolPlanes: 3\nfront: f5\n', /unknown front "f5": use one of kind-haproxy, vip-pair, localhost-nginx, dns-rr/],
    ['no control planes', 'name: x\ncontrolPlanes: 0\n', /controlPlanes is 0/],
    ['an even member count', 'name: x\ncontrolPlanes: 3\netcd: { external: 4 }\n', /use an odd number of members/],
    ['a VIP that is no address', 'name: x\ncontrolPlanes: 3\nfront: { kind: vip-pair, vip: 172.18.0 }\n', /needs vip/],
    ['nginx on workers without workers', 'name: x\ncontrolPlanes: 3\nworkers: 0\nfront: localhost-nginx\n', /add at least one worker/],
    ['a misspelt field', 'name: x\ncontrolPlane: 3\n', /unknown field "controlPlane"/],
    ['an upper-case name', 'name: HA\ncontrolPlanes: 3\n', /name must be lower-case/],
  ])('refuses %s with a message that names the fix', (_what, text, message) => {
    expect(() => parseLayout('t.yaml', text)).toThrow(message);
  });
});

describe('layoutProblemsOnNetwork', () => {
  const lbPair = parseLayout('lb-pair', LB_PAIR);
  it('accepts a free VIP inside the kind network', () => {
    expect(layoutProblemsOnNetwork(lbPair, { subnet: '172.18.0.0/16', usedAddresses: ['172.18.0.2', '172.18.0.3'] })).toEqual([]);
  });
  it('refuses a VIP outside the network, or one a container already has', () => {
    expect(layoutProblemsOnNetwork(lbPair, { subnet: '172.19.0.0/16', usedAddresses: [] })[0]).toMatch(/outside the cluster network 172.19.0.0\/16/);
    expect(layoutProblemsOnNetwork(lbPair, { subnet: '172.18.0.0/16', usedAddresses: ['172.18.0.250'] })[0]).toMatch(/already used/);
  });
  it('refuses a VIP in the dynamic range of Docker or on one of our own hosts', () => {
    const inRange = parseLayout('x', 'name: x\ncontrolPlanes: 3\nfront: { kind: vip-pair, vip: 172.18.0.250 }\n');
    expect(layoutProblemsOnNetwork(inRange, { subnet: '172.18.0.0/16', usedAddresses: [], dynamicRange: '172.18.0.0/17' })[0]).toMatch(/inside 172.18.0.0\/17, where Docker hands out node addresses/);
    const onLb = parseLayout('x', 'name: x\ncontrolPlanes: 3\nfront: { kind: vip-pair, vip: 172.18.128.21 }\n');
    expect(layoutProblemsOnNetwork(onLb, { subnet: '172.18.0.0/16', usedAddresses: [], dynamicRange: '172.18.0.0/17', reservedAddresses: ['172.18.128.21', '172.18.128.22'] })[0]).toMatch(/fixed address of one of the cluster's own hosts/);
    const good = parseLayout('x', 'name: x\ncontrolPlanes: 3\nfront: { kind: vip-pair, vip: 172.18.128.100 }\n');
    expect(layoutProblemsOnNetwork(good, { subnet: '172.18.0.0/16', usedAddresses: ['172.18.0.2'], dynamicRange: '172.18.0.0/17', reservedAddresses: ['172.18.128.21'] })).toEqual([]);
  });
  it('treats network and broadcast addresses as outside', () => {
    expect(isHostInSubnet('172.18.0.0', '172.18.0.0/16')).toBe(false);
    expect(isHostInSubnet('172.18.255.255', '172.18.0.0/16')).toBe(false);
    expect(isHostInSubnet('172.18.255.254', '172.18.0.0/16')).toBe(true);
  });
});
