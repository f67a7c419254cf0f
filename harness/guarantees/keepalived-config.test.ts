import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planLbPair, renderKeepalivedConf } from '../../substrate/cluster/lb-pair.js';
import { KeepalivedConfigError, parseKeepalivedConf, vrrpMasterDownMs, vrrpSkewMs, vrrpTimingsOf } from './keepalived-config.js';

const plan = planLbPair({
  cluster: 'kube-ha-chaos',
  namePrefix: 'kube-ha-chaos',
  network: 'kind',
  image: 'kube-ha-chaos/lb:test',
  vip: '172.18.128.100',
  advertIntervalS: 1,
  addresses: ['172.18.128.21', '172.18.128.22'],
  backends: ['kube-ha-chaos-control-plane', 'kube-ha-chaos-control-plane2', 'kube-ha-chaos-control-plane3'],
  configRoot: '/tmp/x',
});

describe('parseKeepalivedConf', () => {
  it('reads what the substrate writes for each host: VRRPv3, priorities 150 and 100, advert 1 s, preemption on', () => {
    const [a, b] = plan.hosts;
    expect(parseKeepalivedConf('lb1', renderKeepalivedConf(plan, a!))).toEqual({ version: 3, priority: 150, advertIntervalS: 1, preempt: true });
    expect(parseKeepalivedConf('lb2', renderKeepalivedConf(plan, b!))).toEqual({ version: 3, priority: 100, advertIntervalS: 1, preempt: true });
  });

  it('ignores the track script\'s interval and weight (a nested block is not the instance)', () => {
    const text = renderKeepalivedConf(plan, plan.hosts[1]!);
    expect(text).toMatch(/vrrp_script haproxy_alive \{\n {2}script "\/usr\/bin\/pgrep -x haproxy"\n {2}interval 1/);
    expect(parseKeepalivedConf('lb2', text.replace('advert_int 1', 'advert_int 3')).advertIntervalS).toBe(3);
  });

  it('applies keepalived\'s defaults (VRRPv2, priority 100, advert 1 s) and sees nopreempt and comments', () => {
    const text = `! hand-written
vrrp_instance VI_1 {
  state BACKUP   # both backup
  interface eth0
  virtual_router_id 51
  nopreempt
  virtual_ipaddress {
    10.0.0.100
  }
}`;
    expect(parseKeepalivedConf('h', text)).toEqual({ version: 2, priority: 100, advertIntervalS: 1, preempt: false });
  });

  it('refuses a config without an instance or with an impossible priority, naming the host', () => {
    expect(() => parseKeepalivedConf('lb9', 'global_defs {\n router_id x\n}\n')).toThrow(/lb9: keepalived.conf has no vrrp_instance block/);
    expect(() => parseKeepalivedConf('lb9', 'vrrp_instance V {\n priority 300\n}\n')).toThrow(KeepalivedConfigError);
  });
});

describe('vrrp timings and RFC 5798 / 3768 arithmetic', () => {
  it('takes the backup\'s (lowest) priority and the slowest advert interval of the pair', () => {
    const t = vrrpTimingsOf({ lb1: { version: 3, priority: 150, advertIntervalS: 1, preempt: true }, lb2: { version: 3, priority: 100, advertIntervalS: 2, preempt: true } });
    expect(t).toEqual({ version: 3, advertIntervalS: 2, backupPriority: 100, preempt: true });
    // v3: Skew = (256 - 100) * 2 / 256 s = 1.21875 s; MDI = 6 s + skew.
    expect(vrrpSkewMs(t, 100)).toBeCloseTo(1218.75, 2);
    expect(vrrpMasterDownMs(t, 100)).toBeCloseTo(7218.75, 2);
  });

  it('VRRPv2 does not scale the skew by the advert interval', () => {
    expect(vrrpSkewMs({ version: 2, advertIntervalS: 3 }, 100)).toBeCloseTo(609.375, 3);
    expect(vrrpMasterDownMs({ version: 2, advertIntervalS: 3 }, 100)).toBeCloseTo(9609.375, 3);
  });

  it('refuses a pair that could not hear each other, or a single host', () => {
    expect(() => vrrpTimingsOf({ a: { version: 2, priority: 150, advertIntervalS: 1, preempt: true }, b: { version: 3, priority: 100, advertIntervalS: 1, preempt: true } })).toThrow(/different VRRP versions/);
    expect(() => vrrpTimingsOf({ a: { version: 3, priority: 150, advertIntervalS: 1, preempt: true } })).toThrow(/needs two LB hosts/);
  });

  it('parses the file the lb2 container really ran on 2026-12-07 (read back with docker exec)', () => {
    const live = readFileSync(new URL('../../fixtures/keepalived/lb2-2026-12-07.conf', import.meta.url), 'utf8');
    const t = vrrpTimingsOf({ lb1: { version: 3, priority: 150, advertIntervalS: 1, preempt: true }, lb2: parseKeepalivedConf('lb2', live) });
    expect(t).toEqual({ version: 3, advertIntervalS: 1, backupPriority: 100, preempt: true });
    // 3 s + (256 - 100) / 256 s: the 3.61 s the helper's bench bound was built on.
    expect(vrrpMasterDownMs(t, t.backupPriority)).toBeCloseTo(3609.375, 3);
  });
});
