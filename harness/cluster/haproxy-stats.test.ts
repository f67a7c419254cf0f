import { describe, expect, it } from 'vitest';
import { parseHaproxyCsv } from './haproxy-stats.js';

// Trimmed from haproxy 2.6 `stats;csv` with kind's config: one apiserver failing its checks.
const CSV = `# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,check_code,check_duration,
control-plane,FRONTEND,,,3,7,100000,412,1,2,0,0,0,,,,,OPEN,,,,,,,,,1,2,0,,,,0,1,0,9,,,,
kube-apiservers,kube-ha-chaos-control-plane,0,0,1,3,,140,1,2,,0,,0,0,0,0,UP,1,1,0,0,0,612,0,,1,3,1,,140,,2,0,,4,L7OK,200,3,
kube-apiservers,kube-ha-chaos-control-plane2,0,0,0,2,,131,1,2,,0,,2,0,0,0,DOWN,1,1,0,4,1,6,6,,1,3,2,,131,,2,0,,4,L4CON,,0,
kube-apiservers,kube-ha-chaos-control-plane3,0,0,2,2,,141,1,2,,0,,0,0,0,0,UP 1/2,1,1,0,1,0,612,0,,1,3,3,,141,,2,0,,4,L7OK,200,2,
kube-apiservers,BACKEND,0,0,3,7,10000,412,1,2,0,0,,2,0,0,0,UP,2,2,0,,0,612,0,,1,3,0,,412,,1,1,,9,,,,
kube-ha-chaos-stats,FRONTEND,,,1,1,100000,3,0,0,0,0,0,,,,,OPEN,,,,,,,,,1,4,0,,,,0,1,0,1,,,,
`;

describe('parseHaproxyCsv', () => {
  it('returns one state per apiserver of the kube-apiservers backend, as haproxy reports it', () => {
    const states = parseHaproxyCsv(CSV);
    expect(states.map((s) => s.server)).toEqual([
      'kube-ha-chaos-control-plane',
      'kube-ha-chaos-control-plane2',
      'kube-ha-chaos-control-plane3',
    ]);
    expect(states.map((s) => s.status)).toEqual(['UP', 'DOWN', 'UP 1/2']);
    expect(states[1]).toMatchObject({ checkStatus: 'L4CON', lastChangeS: 6, downTransitions: 1 });
  });
  it('fails loudly on something that is not haproxy stats', () => {
    expect(() => parseHaproxyCsv('<html>502</html>')).toThrow(/lack column/);
  });
});
