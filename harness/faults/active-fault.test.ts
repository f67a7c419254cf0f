import { describe, expect, it } from 'vitest';
import { healProgress } from './active-fault.js';

describe('healProgress', () => {
  it('names the fault and every problem the heal still waits on (as the health check words them)', () => {
    expect(healProgress('f3-kill-etcd', ['static pod etcd-kube-ha-chaos-control-plane2 not Ready (CrashLoopBackOff)', 'etcd member kube-ha-chaos-control-plane2 does not answer'])).toBe(
      'f3-kill-etcd: waiting for static pod etcd-kube-ha-chaos-control-plane2 not Ready (CrashLoopBackOff); etcd member kube-ha-chaos-control-plane2 does not answer',
    );
  });
  it('says when the cluster is healthy and only the settle time remains', () => {
    expect(healProgress('f3-kill-etcd', [])).toBe('f3-kill-etcd: cluster healthy, settling');
  });
});
