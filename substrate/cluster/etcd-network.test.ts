import { describe, expect, it } from 'vitest';
import { FIXED_SUBNET_LABEL, chooseSubnet, decideNetwork, memberAddresses, networkCreateArgv, subnetParts, type NetworkFacts } from './etcd-network.js';

// What `docker network inspect kind` says on this machine after kind made it (IPv4 chosen by Docker).
const KINDS_OWN: NetworkFacts = {
  exists: true,
  labels: {},
  subnet: '172.18.0.0/16',
  ipRange: '',
  containers: ['kube-ha-chaos-control-plane', 'kube-ha-chaos-external-load-balancer'],
  usedAddresses: ['172.18.0.3', '172.18.0.2'],
};
const OURS: NetworkFacts = { exists: true, labels: { [FIXED_SUBNET_LABEL]: 'true' }, subnet: '172.18.0.0/16', ipRange: '172.18.0.0/17', containers: [], usedAddresses: [] };

describe('decideNetwork', () => {
  it('creates a missing network and uses one we made', () => {
    expect(decideNetwork('kind', { ...OURS, exists: false, labels: {} })).toEqual({ action: 'create' });
    expect(decideNetwork('kind', OURS)).toEqual({ action: 'use', subnet: '172.18.0.0/16', ipRange: '172.18.0.0/17' });
  });
  it('recreates kind\'s own network when nothing is attached, refuses (naming the containers) when something is', () => {
    expect(decideNetwork('kind', { ...KINDS_OWN, containers: [], usedAddresses: [] })).toMatchObject({ action: 'recreate' });
    const d = decideNetwork('kind', KINDS_OWN);
    expect(d.action).toBe('refuse');
    expect(d.action === 'refuse' && d.why).toMatch(/no fixed IPv4 subnet \(Docker chose 172\.18\.0\.0\/16\).*kube-ha-chaos-control-plane, kube-ha-chaos-external-load-balancer still use it: remove or disconnect them/);
  });
});

describe('subnets and member addresses', () => {
  it('chooses the first 172.x/16 that overlaps no network, from 172.18', () => {
    expect(chooseSubnet(['172.17.0.0/16'])).toBe('172.18.0.0/16');
    expect(chooseSubnet(['172.17.0.0/16', '172.18.0.0/16', '172.19.5.0/24'])).toBe('172.20.0.0/16');
    expect(() => chooseSubnet(['172.16.0.0/12'])).toThrow(/docker network prune/);
  });
  it('splits a subnet into gateway and a lower-half dynamic range', () => {
    expect(subnetParts('172.18.0.0/16')).toEqual({ gateway: '172.18.0.1', ipRange: '172.18.0.0/17' });
    expect(subnetParts('10.5.7.0/24')).toEqual({ gateway: '10.5.7.1', ipRange: '10.5.7.0/25' });
  });
  it('places members in the upper half, outside the dynamic range', () => {
    expect(memberAddresses('172.18.0.0/16', '172.18.0.0/17', 5, ['172.18.0.2'])).toEqual(['172.18.128.11', '172.18.128.12', '172.18.128.13', '172.18.128.14', '172.18.128.15']);
    expect(memberAddresses('10.5.7.0/24', '10.5.7.0/25', 3, [])).toEqual(['10.5.7.139', '10.5.7.140', '10.5.7.141']);
  });
  it('refuses members that do not fit or an address already taken, naming the fix', () => {
    expect(() => memberAddresses('172.18.0.0/16', '172.18.0.0/17', 9, [])).toThrow(/at most 7 members.*use 3 or 5/);
    expect(() => memberAddresses('10.5.7.0/28', '10.5.7.0/29', 3, [])).toThrow(/only 0 fixed member addresses fit in 10.5.7.0\/28/);
    expect(() => memberAddresses('172.18.0.0/16', '172.18.0.0/17', 3, ['172.18.128.12'])).toThrow(/172\.18\.128\.12 is already used.*remove that container/);
  });
  it('creates the network kind\'s way plus a fixed subnet, labelled', () => {
    expect(networkCreateArgv('kind', '172.18.0.0/16', 1500)).toEqual([
      'network', 'create', '-d=bridge', '-o', 'com.docker.network.bridge.enable_ip_masquerade=true', '-o', 'com.docker.network.driver.mtu=1500',
      '--subnet', '172.18.0.0/16', '--gateway', '172.18.0.1', '--ip-range', '172.18.0.0/17', '--label', `${FIXED_SUBNET_LABEL}=true`, 'kind',
    ]);
    expect(networkCreateArgv('kind', '172.18.0.0/16', undefined).some((a) => a.includes('mtu'))).toBe(false);
  });
});
