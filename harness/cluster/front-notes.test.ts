import { describe, expect, it } from 'vitest';
import { frontNotes } from './front-notes.js';

describe('frontNotes', () => {
  it('says nothing for a front the host probes go through (kind haproxy, VIP pair)', () => {
    expect(frontNotes({})).toEqual([]);
  });

  it('on localhost-lb names nginx\'s settings and says the LB verdicts are about kind\'s haproxy', () => {
    const notes = frontNotes({
      localhostLb: {
        image: 'kube-ha-chaos.local/nginx-proxy:36e2aa44eff39dc7',
        listen: '127.0.0.1:6443',
        workers: ['kube-ha-chaos-worker', 'kube-ha-chaos-worker2'],
        upstreams: ['172.19.0.5:6443', '172.19.0.4:6443', '172.19.0.3:6443'],
        settings: { maxFails: 1, failTimeoutS: 10, connectTimeoutMs: 1_000, proxyTimeoutS: 600, nextUpstream: true, nextUpstreamTries: 0, workerProcesses: 2, sharedZone: false },
        kubeletServer: 'https://localhost:6443',
        kubeProxyServer: 'https://127.0.0.1:6443',
        hostAccess: 'kind-haproxy',
      },
    });
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain('kube-ha-chaos-worker, kube-ha-chaos-worker2');
    expect(notes[0]).toContain('max_fails=1 fail_timeout=10s proxy_connect_timeout=1000 ms');
    expect(notes[0]).toContain('about that haproxy, not about nginx');
  });
});
