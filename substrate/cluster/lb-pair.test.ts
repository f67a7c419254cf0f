import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseHaproxyBackendChecks } from '../../harness/guarantees/haproxy-config.js';
import {
  holdsVip, kindControlPlaneNames, kubeconfigWithServer, lbAddresses, lbRunArgv, planLbPair, renderHaproxyCfg, renderKeepalivedConf, vipOwner, vipServerUrl,
} from './lb-pair.js';

const plan = planLbPair({
  cluster: 'kube-ha-chaos',
  namePrefix: 'kube-ha-chaos',
  network: 'kind',
  image: 'kube-ha-chaos.local/lb:4c662152bb2c287d',
  vip: '172.18.128.100',
  advertIntervalS: 1,
  addresses: ['172.18.128.21', '172.18.128.22'],
  backends: kindControlPlaneNames('kube-ha-chaos', 3),
  configRoot: '/root/.cache/kube-ha-chaos/clusters/kube-ha-chaos/lb',
});

describe('the LB pair plan', () => {
  it('names kind control planes as kind does', () => {
    expect(kindControlPlaneNames('kube-ha-chaos', 3)).toEqual(['kube-ha-chaos-control-plane', 'kube-ha-chaos-control-plane2', 'kube-ha-chaos-control-plane3']);
  });
  it('gives the two hosts priorities 150 and 100 and a config dir each', () => {
    expect(plan.hosts.map((h) => [h.name, h.ip, h.priority])).toEqual([
      ['kube-ha-chaos-lb1', '172.18.128.21', 150],
      ['kube-ha-chaos-lb2', '172.18.128.22', 100],
    ]);
    expect(plan.hosts[1].hostConfigDir).toBe('/root/.cache/kube-ha-chaos/clusters/kube-ha-chaos/lb/kube-ha-chaos-lb2');
  });
  it('refuses a VIP that is one of the hosts, or no backends', () => {
    expect(() => planLbPair({ ...plan, namePrefix: 'x', configRoot: '/x', addresses: ['172.18.128.21', '172.18.128.100'] })).toThrow(/three different addresses/);
    expect(() => planLbPair({ ...plan, namePrefix: 'x', configRoot: '/x', addresses: ['172.18.128.21', '172.18.128.22'], backends: [] })).toThrow(/at least one apiserver/);
  });
});

describe('lbAddresses', () => {
  it('places the hosts past the dynamic range and the etcd member block', () => {
    // etcd members take 172.18.128.11-17 (etcd-network.ts); the LB hosts come after them.
    expect(lbAddresses('172.18.0.0/16', '172.18.0.0/17', ['172.18.0.2', '172.18.128.11'])).toEqual(['172.18.128.21', '172.18.128.22']);
  });
  it('refuses a taken address, naming what to do', () => {
    expect(() => lbAddresses('172.18.0.0/16', '172.18.0.0/17', ['172.18.128.22'])).toThrow(/172.18.128.22 is already used.*remove that container/);
  });
  it('refuses a subnet without room outside its dynamic range', () => {
    expect(() => lbAddresses('172.18.0.0/27', '172.18.0.0/28', [])).toThrow(/do not fit/);
  });
});

describe('keepalived.conf', () => {
  const lb1 = renderKeepalivedConf(plan, plan.hosts[0]);
  const lb2 = renderKeepalivedConf(plan, plan.hosts[1]);
  it('is one VRRPv3 instance, unicast to the peer, with the priority and advert_int of the layout', () => {
    expect(lb1).toMatch(/vrrp_version 3/);
    expect(lb1).toMatch(/priority 150\n/);
    expect(lb2).toMatch(/priority 100\n/);
    expect(lb1).toMatch(/advert_int 1\n/);
    expect(lb1).toMatch(/unicast_src_ip 172\.18\.128\.21\n\s+unicast_peer \{\n\s+172\.18\.128\.22\n/);
    expect(lb2).toMatch(/unicast_src_ip 172\.18\.128\.22\n\s+unicast_peer \{\n\s+172\.18\.128\.21\n/);
    expect(lb1).toMatch(/virtual_ipaddress \{\n\s+172\.18\.128\.100\/32 dev eth0\n/);
    expect(lb1).toMatch(/state BACKUP/);
    expect(lb1).toMatch(/virtual_router_id 51/);
  });
  it('tracks the local haproxy with a weight that hands the VIP over', () => {
    expect(lb1).toMatch(/script "\/usr\/bin\/pgrep -x haproxy"/);
    expect(lb1).toMatch(/weight -60/);
    expect(lb1).toMatch(/track_script \{\n\s+haproxy_alive\n/);
    expect(150 - 60).toBeLessThan(100);
    expect(lb1).toMatch(/script_user root/);
  });
});

describe('haproxy.cfg', () => {
  const cfg = renderHaproxyCfg(plan);
  it('spreads tcp 6443 over every control plane, health-checked as kind does with the timers written out', () => {
    expect(cfg).toMatch(/bind \*:6443\n/);
    expect(cfg).toMatch(/mode tcp/);
    expect(cfg).toMatch(/option httpchk GET \/healthz/);
    for (const b of ['kube-ha-chaos-control-plane', 'kube-ha-chaos-control-plane2', 'kube-ha-chaos-control-plane3']) {
      expect(cfg).toContain(`server ${b} ${b}:6443 check check-ssl verify none inter 2s fall 3 rise 2 resolvers docker resolve-prefer ipv4`);
    }
    expect(cfg).toMatch(/default-server init-addr none/);
    expect(cfg).toMatch(/resolvers docker\n\s+parse-resolv-conf/);
  });
  it('reads back with the timers the harness derives its bounds from', () => {
    const checks = parseHaproxyBackendChecks(cfg);
    expect(checks.httpCheck).toBe('GET /healthz');
    expect(checks.servers.map((sv) => [sv.name, sv.interMs, sv.fall, sv.rise])).toEqual(
      kindControlPlaneNames('kube-ha-chaos', 3).map((n) => [n, 2_000, 3, 2]),
    );
  });
  it('serves the stats the harness reads, and sizes maxconn for this host', () => {
    expect(cfg).toMatch(/bind \*:8404/);
    expect(cfg).toMatch(/stats uri \/stats/);
    expect(cfg).toMatch(/maxconn 4096/);
  });
});

describe('docker run of an LB host', () => {
  it('adds only NET_ADMIN, a fixed address, our labels, no restart, and both configs read-only', () => {
    const argv = lbRunArgv(plan, plan.hosts[0]);
    expect(argv).toEqual(expect.arrayContaining(['--ip', '172.18.128.21', '--cap-add', 'NET_ADMIN', '--restart=no', '--tmpfs', '/run', '--network', 'kind']));
    expect(argv).not.toContain('--privileged');
    expect(argv).toContain('io.kube-ha-chaos.role=vip-lb');
    expect(argv).toContain('io.kube-ha-chaos.cluster=kube-ha-chaos');
    expect(argv).toContain('/root/.cache/kube-ha-chaos/clusters/kube-ha-chaos/lb/kube-ha-chaos-lb1/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro');
    expect(argv).toContain('/root/.cache/kube-ha-chaos/clusters/kube-ha-chaos/lb/kube-ha-chaos-lb1/keepalived.conf:/etc/keepalived/keepalived.conf:ro');
    expect(argv.at(-1)).toBe(plan.image);
  });
});

describe('who holds the VIP', () => {
  // `ip -4 -o addr show dev eth0` in an LB host, as measured (keepalived 2.2.7 adds the VIP as /32).
  const master = [
    '321: eth0    inet 172.18.128.21/16 brd 172.18.255.255 scope global eth0\\       valid_lft forever preferred_lft forever',
    '321: eth0    inet 172.18.128.100/32 scope global eth0\\       valid_lft forever preferred_lft forever',
  ].join('\n');
  const backup = '333: eth0    inet 172.18.128.22/16 brd 172.18.255.255 scope global eth0\\       valid_lft forever preferred_lft forever\n';
  it('reads the VIP off the address list, never a prefix of another address', () => {
    expect(holdsVip(master, '172.18.128.100')).toBe(true);
    expect(holdsVip(backup, '172.18.128.100')).toBe(false);
    expect(holdsVip(master, '172.18.128.10')).toBe(false);
    expect(holdsVip('', '172.18.128.100')).toBe(false);
  });
  it('finds exactly one owner, or says why not', () => {
    expect(vipOwner({ lb1: 'holds', lb2: 'free' })).toEqual({ owner: 'lb1' });
    expect(vipOwner({ lb1: 'unknown', lb2: 'holds' })).toEqual({ owner: 'lb2' });
    expect(vipOwner({ lb1: 'holds', lb2: 'holds' })).toEqual({ owner: undefined, why: 'lb1 and lb2 both hold the VIP (split brain)' });
    expect(vipOwner({ lb1: 'unknown', lb2: 'free' })).toEqual({ owner: undefined, why: 'no LB host that answers holds the VIP (lb1 did not answer)' });
    expect(vipOwner({ lb1: 'free', lb2: 'free' })).toEqual({ owner: undefined, why: 'no LB host holds the VIP' });
  });
});

describe('the kubeconfig on a vip-pair cluster', () => {
  it('points every cluster at the VIP and keeps the rest', () => {
    const kind = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: LS0t
    server: https://127.0.0.1:40113
  name: kind-kube-ha-chaos
contexts:
- context:
    cluster: kind-kube-ha-chaos
    user: kind-kube-ha-chaos
  name: kind-kube-ha-chaos
current-context: kind-kube-ha-chaos
kind: Config
users:
- name: kind-kube-ha-chaos
  user:
    client-certificate-data: LS0t
`;
    const out = parse(kubeconfigWithServer(kind, vipServerUrl('172.18.128.100'))) as { clusters: { cluster: { server: string; 'certificate-authority-data': string } }[]; 'current-context': string };
    expect(out.clusters[0]?.cluster.server).toBe('https://172.18.128.100:6443');
    expect(out.clusters[0]?.cluster['certificate-authority-data']).toBe('LS0t');
    expect(out['current-context']).toBe('kind-kube-ha-chaos');
    expect(() => kubeconfigWithServer('apiVersion: v1\nkind: Config\n', 'https://x')).toThrow(/lists no cluster/);
  });
});
