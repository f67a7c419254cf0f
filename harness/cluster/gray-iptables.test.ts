import { describe, expect, it } from 'vitest';
import {
  blackholeClientRules, blackholeRuleCount, etcdClientPaths, etcdServerHosts, flagValue, packetLossRules, parseLossCounters, parseStatisticSupport,
} from './gray-iptables.js';

const IPS = { cp1: '172.18.0.5', cp2: '172.18.0.4', cp3: '172.18.0.6' };

describe('etcdClientPaths', () => {
  it('stacked etcd (kubeadm): only the member\'s own apiserver reaches it, over loopback', () => {
    const servers = { cp1: 'https://127.0.0.1:2379', cp2: 'https://127.0.0.1:2379', cp3: 'https://127.0.0.1:2379' };
    const p = etcdClientPaths('cp2', IPS.cp2, 2379, servers, IPS);
    expect(p).toEqual({ local: ['127.0.0.0/8'], remoteClients: [] });
    expect(blackholeRuleCount(p)).toBe(1);
  });
  it('every apiserver listing every member: the other control planes are remote clients, the own one goes over its address', () => {
    const all = 'https://172.18.0.5:2379,https://172.18.0.4:2379,https://172.18.0.6:2379';
    const p = etcdClientPaths('cp2', IPS.cp2, 2379, { cp1: all, cp2: all, cp3: all }, IPS);
    expect(p).toEqual({ local: ['172.18.0.4/32'], remoteClients: [{ node: 'cp1', ip: IPS.cp1 }, { node: 'cp3', ip: IPS.cp3 }] });
    expect(blackholeRuleCount(p)).toBe(5);
  });
  it('finds nobody when no apiserver uses the member on that port (the injector refuses)', () => {
    expect(blackholeRuleCount(etcdClientPaths('cp2', IPS.cp2, 2379, { cp1: 'https://127.0.0.1:2379', cp2: undefined }, IPS))).toBe(0);
  });
  it('parses --etcd-servers hosts and ports', () => {
    expect(etcdServerHosts('https://127.0.0.1:2379, http://[::1]:2379,localhost:4001')).toEqual([
      { host: '127.0.0.1', port: 2379 }, { host: '::1', port: 2379 }, { host: 'localhost', port: 4001 },
    ]);
    expect(flagValue(['kube-apiserver', '--etcd-servers=a', '--etcd-servers', 'b'], 'etcd-servers')).toBe('b');
  });
});

describe('rule builders', () => {
  it('blackholes loopback and remote clients in our chain, DROP only (never REJECT)', () => {
    const rules = blackholeClientRules({ local: ['127.0.0.0/8'], remoteClients: [{ node: 'cp1', ip: '172.18.0.5' }] }, 2379);
    expect(rules).toContain('-A KUBE-HA-CHAOS -s 127.0.0.0/8 -d 127.0.0.0/8 -p tcp -m multiport --ports 2379 -j DROP');
    expect(rules).toContain('-A KUBE-HA-CHAOS -s 172.18.0.5/32 -p tcp -m multiport --ports 2379 -j DROP');
    expect(rules).toContain('-A KUBE-HA-CHAOS -d 172.18.0.5/32 -p tcp -m multiport --ports 2379 -j DROP');
    expect(rules).not.toContain('REJECT');
    expect(rules).not.toContain('2380');
    expect(rules.startsWith('*filter\n:KUBE-HA-CHAOS - [0:0]\n-I INPUT 1 -j KUBE-HA-CHAOS\n-I OUTPUT 1 -j KUBE-HA-CHAOS\n')).toBe(true);
  });
  it('random loss: a counting rule before each statistic DROP, both directions per peer', () => {
    const rules = packetLossRules(['172.18.0.5', '172.18.0.6'], 2380, 0.2).split('\n').filter((l) => l.startsWith('-A '));
    expect(rules).toHaveLength(8);
    expect(rules[1]).toBe('-A KUBE-HA-CHAOS -s 172.18.0.5/32 -p tcp -m multiport --ports 2380 -m statistic --mode random --probability 0.2000 -j DROP');
    expect(() => packetLossRules(['x'], 2380, 1)).toThrow(RangeError);
  });
  it('reads seen and dropped packets from iptables -S -v', () => {
    const out = [
      '-N KUBE-HA-CHAOS',
      '-A KUBE-HA-CHAOS -s 172.18.0.5/32 -p tcp -m multiport --ports 2380 -m comment --comment kube-ha-chaos-seen -c 3100 412000',
      '-A KUBE-HA-CHAOS -s 172.18.0.5/32 -p tcp -m multiport --ports 2380 -m statistic --mode random --probability 0.20000000019 -j DROP -c 611 80000',
      '-A KUBE-HA-CHAOS -d 172.18.0.5/32 -p tcp -m multiport --ports 2380 -m comment --comment kube-ha-chaos-seen -c 3070 390000',
      '-A KUBE-HA-CHAOS -d 172.18.0.5/32 -p tcp -m multiport --ports 2380 -m statistic --mode random --probability 0.20000000019 -j DROP -c 623 81000',
    ].join('\n');
    expect(parseLossCounters(out)).toEqual({ seenPackets: 6170, droppedPackets: 1234 });
  });
});

describe('parseStatisticSupport', () => {
  it('this machine (2026-12-07): kernel 6.18 lists the match, built in, iptables 1.8.9 nf_tables', () => {
    const r = parseStatisticSupport('userspace=yes\nkernel=listed\nconfig=y\nkernel-release=6.18.44-fc-v1272\niptables=iptables v1.8.9 (nf_tables)\n');
    expect(r.supported).toBe(true);
    expect(r.reason).toContain('CONFIG_NETFILTER_XT_MATCH_STATISTIC=y');
  });
  it('a module not yet loaded is supported (autoloaded on first use)', () => {
    expect(parseStatisticSupport('userspace=yes\nkernel=unlisted\nconfig=m\n').supported).toBe(true);
  });
  it('help text alone is not support: a kernel without the match is refused, with the reason', () => {
    const r = parseStatisticSupport('userspace=yes\nkernel=unlisted\nconfig=unknown\nkernel-release=5.4.0\n');
    expect(r.supported).toBe(false);
    expect(r.reason).toContain('neither lists');
    expect(parseStatisticSupport('userspace=no\nkernel=listed\nconfig=y\n').supported).toBe(false);
  });
});
