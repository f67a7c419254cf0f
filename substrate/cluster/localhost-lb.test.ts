import { describe, expect, it } from 'vitest';
import {
  apiConnectionsOf, KUBESPRAY_NGINX, nginxListens, nginxUpstreamConnections, parseNginxUpstreams, parseSs, planLocalhostLb, renderNginxConf, renderNginxManifest, upstreamProblem, withServerLine,
} from './localhost-lb.js';

const plan = planLocalhostLb({
  cluster: 'kube-ha-chaos',
  image: 'kube-ha-chaos.local/nginx-proxy:0123456789abcdef',
  workers: ['kube-ha-chaos-worker', 'kube-ha-chaos-worker2'],
  controlPlaneAddresses: ['172.18.0.5', '172.18.0.4', '172.18.0.6'],
});

describe('localhost-nginx front: nginx.conf', () => {
  const conf = renderNginxConf(plan);
  it('listens on 127.0.0.1:6443 only and spreads over every control plane with the passive-check values written out', () => {
    expect(conf).toContain('listen 127.0.0.1:6443;');
    expect(conf).not.toMatch(/listen\s+(0\.0\.0\.0:)?6443/);
    expect(conf).toContain('server 172.18.0.5:6443 max_fails=1 fail_timeout=10s;');
    expect(conf).toContain('server 172.18.0.6:6443 max_fails=1 fail_timeout=10s;');
    expect(conf).toContain('least_conn;');
    expect(conf).toContain('proxy_connect_timeout 1000ms;');
    expect(conf).toContain('proxy_timeout 600s;');
    expect(conf).toContain('load_module /usr/lib/nginx/modules/ngx_stream_module.so;');
    expect(conf).toContain('worker_processes 2;');
    expect(conf).not.toContain('zone kube_apiserver');
  });
  it('round-trips through the upstream parser', () => {
    expect(parseNginxUpstreams(conf)).toEqual(['172.18.0.5:6443', '172.18.0.4:6443', '172.18.0.6:6443']);
  });
  it('a shared zone is written when asked for', () => {
    expect(renderNginxConf({ ...plan, settings: { ...KUBESPRAY_NGINX, sharedZone: true } })).toContain('zone kube_apiserver 64k;');
  });
});

describe('parseNginxUpstreams on nginx -T output', () => {
  // `nginx -T` prints "configuration file ... test is successful" on stderr and the files on stdout.
  const dumped = `# configuration file /etc/nginx/nginx.conf:
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
stream {
  upstream other { server 10.0.0.1:1; }
  upstream kube_apiserver {
    least_conn;
    # server 1.2.3.4:6443;  (commented out)
    server 172.18.0.5:6443 max_fails=1 fail_timeout=10s;
    server 172.18.0.4:6443 max_fails=1 fail_timeout=10s;
  }
}
`;
  it('reads only the kube_apiserver block, ignoring comments', () => {
    expect(parseNginxUpstreams(dumped)).toEqual(['172.18.0.5:6443', '172.18.0.4:6443']);
  });
  it('throws without the block', () => {
    expect(() => parseNginxUpstreams('stream {}')).toThrow(/no "upstream kube_apiserver"/);
  });
});

describe('upstreamProblem', () => {
  it('is undefined when the list equals the addresses, in any order', () => {
    expect(upstreamProblem(['172.18.0.4:6443', '172.18.0.5:6443'], ['172.18.0.5', '172.18.0.4'])).toBeUndefined();
  });
  it('names the stale and the missing ones', () => {
    const p = upstreamProblem(['172.18.0.4:6443', '172.18.0.9:6443'], ['172.18.0.5', '172.18.0.4']);
    expect(p).toContain('missing 172.18.0.5:6443');
    expect(p).toContain('stale 172.18.0.9:6443');
  });
});

describe('ss parsing (real output of a kind worker)', () => {
  const established = `0      0      127.0.0.1:48668 127.0.0.1:6443 users:(("kubelet",pid=183,fd=10))
0      0      127.0.0.1:48674 127.0.0.1:6443 users:(("kube-proxy",pid=368,fd=6))
0      0      127.0.0.1:6443 127.0.0.1:48668 users:(("nginx",pid=901,fd=7))
0      0      172.18.0.3:51234 172.18.0.5:6443 users:(("nginx",pid=901,fd=8))
0      0      172.18.0.3:51236 172.18.0.4:6443 users:(("nginx",pid=902,fd=9))
0      0      172.18.0.3:47950 172.18.0.6:6443 users:(("podnet",pid=631,fd=3))  
`;
  const listening = `LISTEN 0      4096   127.0.0.11:38297 0.0.0.0:*                                     
LISTEN 0      511     127.0.0.1:6443 0.0.0.0:* users:(("nginx",pid=902,fd=6),("nginx",pid=901,fd=6),("nginx",pid=900,fd=6))
LISTEN 0      4096    127.0.0.1:10248 0.0.0.0:* users:(("kubelet",pid=183,fd=15))
`;
  it('parses lines with and without the state column', () => {
    const s = parseSs(established);
    expect(s).toHaveLength(6);
    expect(s[0]).toEqual({ state: 'ESTAB', local: '127.0.0.1:48668', peer: '127.0.0.1:6443', processes: ['kubelet'] });
    expect(parseSs(listening)[1]?.processes).toEqual(['nginx', 'nginx', 'nginx']);
  });
  it('sees nginx listening', () => {
    expect(nginxListens(listening)).toBe(true);
    expect(nginxListens('LISTEN 0 4096 127.0.0.1:10248 0.0.0.0:* users:(("kubelet",pid=183,fd=15))')).toBe(false);
  });
  it('tells through-nginx from direct apiserver connections per process', () => {
    const s = parseSs(established);
    expect(apiConnectionsOf(s, 'kubelet')).toEqual({ viaNginx: 1, direct: [] });
    expect(apiConnectionsOf(s, 'kube-proxy')).toEqual({ viaNginx: 1, direct: [] });
    expect(apiConnectionsOf(s, 'podnet')).toEqual({ viaNginx: 0, direct: ['172.18.0.6:6443'] });
    expect(nginxUpstreamConnections(s)).toEqual({ '172.18.0.5': 1, '172.18.0.4': 1 });
  });
});

describe('static pod and kubeconfigs', () => {
  it('the manifest runs the image on the host network, never pulling, with the config hash', () => {
    const conf = renderNginxConf(plan);
    const text = renderNginxManifest(plan, conf);
    const pod = JSON.parse(text.slice(text.indexOf('\n') + 1)) as { metadata: { annotations: Record<string, string> }; spec: { hostNetwork: boolean; containers: { image: string; imagePullPolicy: string }[] } };
    expect(pod.spec.hostNetwork).toBe(true);
    expect(pod.spec.containers[0]?.image).toBe(plan.image);
    expect(pod.spec.containers[0]?.imagePullPolicy).toBe('Never');
    expect(pod.metadata.annotations['kube-ha-chaos/nginx-conf-sha256']).toMatch(/^[0-9a-f]{64}$/);
    expect(renderNginxManifest(plan, `${conf}#`)).not.toBe(text);
  });
  it('rewrites the server line of a kubelet.conf / kube-proxy kubeconfig', () => {
    const kubeconfig = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: LS0t
    server: https://kube-ha-chaos-external-load-balancer:6443
  name: default-cluster
`;
    expect(withServerLine(kubeconfig, 'https://localhost:6443')).toContain('    server: https://localhost:6443\n');
    expect(() => withServerLine('apiVersion: v1\n', 'https://x')).toThrow(/no server/);
  });
  it('refuses a plan without workers or addresses', () => {
    expect(() => planLocalhostLb({ cluster: 'c', image: 'i', workers: [], controlPlaneAddresses: ['1.2.3.4'] })).toThrow(/none/);
    expect(() => planLocalhostLb({ cluster: 'c', image: 'i', workers: ['w'], controlPlaneAddresses: ['cp1'] })).toThrow(/IPv4/);
  });
});
