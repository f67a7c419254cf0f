import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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
    expect(parseLayout('d', 'name: dns-rr\ncontrolPlanes: 3\nworkers: 1\nfront: { kind: dns-rr, name: api.ha.test, server: 172.18.128.53, ttlS: 30 }\n').front).toEqual({ kind: 'dns-rr', name: 'api.ha.test', server: '172.18.128.53', ttlS: 30 });
  });
  it('gives a dns-rr front the default name and a 5 s TTL when the file names only the server', () => {
    expect(parseLayout('d', 'name: d\ncontrolPlanes: 3\nfront: { kind: dns-rr, server: 172.18.128.53 }\n').front).toEqual({ kind: 'dns-rr', name: 'api.kube-ha-chaos.internal', server: '172.18.128.53', ttlS: 5 });
  });
  it('reads the shipped dns-rr topology', () => {
    const l = parseLayout('topologies/dns-rr.yaml', readFileSync(join(import.meta.dirname, '../../topologies/dns-rr.yaml'), 'utf8'));
    expect(l).toEqual({ name: 'dns-rr', controlPlanes: 3, workers: 1, etcd: { mode: 'stacked' }, front: { kind: 'dns-rr', name: 'api.kube-ha-chaos.internal', server: '172.18.128.53', ttlS: 5 } });
  });
  it.each([
    ['no server', 'front: { kind: dns-rr, name: api.ha.test }', /front dns-rr needs server: <the DNS server's IPv4 address.*found undefined/],
    ['a server that is a name', 'front: { kind: dns-rr, server: dns.local }', /front dns-rr needs server/],
    ['a name without a dot', 'front: { kind: dns-rr, name: apiserver, server: 172.18.128.53 }', /front dns-rr needs name: <a lower-case DNS name with at least one dot/],
    ['an upper-case name', 'front: { kind: dns-rr, name: API.ha.test, server: 172.18.128.53 }', /front dns-rr needs name/],
    ['a label over 63 characters', `front: { kind: dns-rr, name: ${'a'.repeat(64)}.test, server: 172.18.128.53 }`, /front dns-rr needs name/],
    ['a TTL of 0', 'front: { kind: dns-rr, server: 172.18.128.53, ttlS: 0 }', /front.ttlS must be a whole number from 1 to 3600, found 0/],
    ['a fractional TTL', 'front: { kind: dns-rr, server: 172.18.128.53, ttlS: 2.5 }', /front.ttlS must be a whole number/],
    ['a misspelt field', 'front: { kind: dns-rr, server: 172.18.128.53, ttl: 5 }', /front dns-rr has unknown field "ttl" \(known: kind, name, server, ttlS\)/],
  ])('refuses a dns-rr front with %s, naming the fix', (_what, front, message) => {
    expect(() => parseLayout('t.yaml', `name: x\ncontrolPlanes: 3\nworkers: 1\n${front}\n`)).toThrow(message);
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
  it('checks a dns-rr server as it checks a VIP: inside the network, free, outside the dynamic range, not one of our hosts', () => {
    const dns = (server: string) => parseLayout('x', `name: x\ncontrolPlanes: 3\nfront: { kind: dns-rr, server: ${server} }\n`);
    const net = { subnet: '172.18.0.0/16', usedAddresses: ['172.18.0.2', '172.18.128.60'], dynamicRange: '172.18.0.0/17', reservedAddresses: ['172.18.128.11', '172.18.128.21'] };
    expect(layoutProblemsOnNetwork(dns('172.18.128.53'), net)).toEqual([]);
    expect(layoutProblemsOnNetwork(dns('172.19.128.53'), net)).toEqual(['DNS server 172.19.128.53 is outside the cluster network 172.18.0.0/16: choose a free address inside it']);
    expect(layoutProblemsOnNetwork(dns('172.18.0.53'), net)[0]).toMatch(/^DNS server 172.18.0.53 is inside 172.18.0.0\/17, where Docker hands out node addresses/);
    expect(layoutProblemsOnNetwork(dns('172.18.128.60'), net)[0]).toMatch(/^DNS server 172.18.128.60 is already used/);
    expect(layoutProblemsOnNetwork(dns('172.18.128.21'), net)[0]).toMatch(/^DNS server 172.18.128.21 is the fixed address of one of the cluster's own hosts/);
  });
  it('treats network and broadcast addresses as outside', () => {
    expect(isHostInSubnet('172.18.0.0', '172.18.0.0/16')).toBe(false);
    expect(isHostInSubnet('172.18.255.255', '172.18.0.0/16')).toBe(false);
    expect(isHostInSubnet('172.18.255.254', '172.18.0.0/16')).toBe(true);
  });
});
