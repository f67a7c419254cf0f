import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assessPreflight } from './assess.js';
import type { ControlPlanePodFact, PreflightFacts } from './facts.js';
import { renderPreflightHtml, renderPreflightMarkdown } from './render.js';

// What `npm run preflight -- --nodes docker` found on the project's ha-3cp on 2026-12-07.
const facts = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/preflight/ha-3cp-docker-facts.json'), 'utf8')) as PreflightFacts;

const withPods = (f: PreflightFacts, change: (p: ControlPlanePodFact) => ControlPlanePodFact): PreflightFacts => ({ ...f, controlPlanePods: f.controlPlanePods.map(change) });

describe('assessPreflight on a real ha-3cp', () => {
  const a = assessPreflight(facts);
  it('discovers stacked etcd on 3 control planes behind one haproxy, with its leader', () => {
    expect(a.layout).toMatchObject({ controlPlanes: 3, workers: 1, etcd: { mode: 'stacked' }, front: { kind: 'kind-haproxy' } });
    expect(a.etcdLeader).toMatch(/^kube-ha-chaos-control-plane/);
    expect(a.leases.map((l) => [l.name, l.renewing])).toEqual([['kube-controller-manager', true], ['kube-scheduler', true]]);
  });
  it('says the baseline is healthy and names the single load balancer as a risk', () => {
    expect(a.baselineProblems).toEqual([]);
    expect(a.risks.map((r) => r.id)).toContain('single-load-balancer');
  });
  it('derives the bounds from the flags: 2.8 s elections from etcd 1000/100 ms, 26 s handovers from 15 s leases', () => {
    expect(a.bounds.filter((b) => b.name === 'maxElectionMs').map((b) => b.valueMs)).toEqual([2_800, 2_800, 2_800]);
    expect(a.bounds.filter((b) => b.name === 'maxAbruptHandoverMs').map((b) => b.valueMs)).toEqual([26_000, 26_000]);
  });
});

describe('assessPreflight off the defaults', () => {
  it('a 60 s controller-manager lease moves its own bound, not the scheduler\'s', () => {
    const tuned = withPods(facts, (p) => (p.component === 'kube-controller-manager' ? { ...p, command: [...p.command, '--leader-elect-lease-duration=60s', '--leader-elect-renew-deadline=40s'] } : p));
    const b = assessPreflight(tuned).bounds.filter((x) => x.name === 'maxAbruptHandoverMs');
    expect(b.map((x) => [x.target.split(' ')[1], x.valueMs])).toEqual([['kube-controller-manager', 71_000], ['kube-scheduler', 26_000]]);
  });
  it('schedulers without leader election are a high risk, and nobody holding the Lease is a baseline problem', () => {
    const off = withPods(facts, (p) => (p.component === 'kube-scheduler' ? { ...p, command: [...p.command, '--leader-elect=false'] } : p));
    const a = assessPreflight({ ...off, leases: { ...off.leases, first: off.leases.first.filter((l) => l.name !== 'kube-scheduler'), second: off.leases.second.filter((l) => l.name !== 'kube-scheduler') } });
    expect(a.risks.find((r) => r.id === 'kube-scheduler-leader-election-off')?.text).toMatch(/on kube-ha-chaos-control-plane, kube-ha-chaos-control-plane2, kube-ha-chaos-control-plane3: 3 instance\(s\) act at once/);
    expect(a.risks.find((r) => r.id === 'kube-scheduler-leader-election-off')?.level).toBe('high');
  });
  it('a NotReady node and an apiserver missing from the kubernetes Service make the baseline unhealthy', () => {
    const a = assessPreflight({ ...facts, nodes: facts.nodes.map((n, i) => (i === 1 ? { ...n, ready: 'False' } : n)), apiserverAddresses: facts.apiserverAddresses.slice(1) });
    expect(a.baselineProblems).toEqual([expect.stringMatching(/is not Ready \(False\)/), 'only 2 of 3 apiservers are registered in default/kubernetes']);
  });
  it('reads external etcd from --etcd-servers, and warns about an even member count', () => {
    const ext = withPods({ ...facts, controlPlanePods: facts.controlPlanePods.filter((p) => p.component !== 'etcd') }, (p) =>
      p.component === 'kube-apiserver' ? { ...p, command: p.command.map((c) => (c.startsWith('--etcd-servers=') ? '--etcd-servers=https://etcd1:2379,https://etcd2:2379,https://etcd3:2379,https://etcd4:2379' : c)) } : p);
    const a = assessPreflight(ext);
    expect(a.layout.etcd).toEqual({ mode: 'external', members: 4 });
    expect(a.risks.map((r) => r.id)).toContain('etcd-even-members');
    expect(a.risks.map((r) => r.id)).not.toContain('stacked-etcd');
  });
  it('a kubeconfig that points at one apiserver is a high risk: no load balancer', () => {
    const ip = facts.apiserverAddresses[0] ?? '';
    const a = assessPreflight({ ...facts, serverUrl: `https://${ip}:6443`, loadBalancerHosts: [] });
    expect(a.risks[0]).toMatchObject({ level: 'high', id: 'no-load-balancer' });
  });
});

describe('preflight report', () => {
  it('shows the topology, bounds and risks, and no credential', () => {
    const a = assessPreflight(facts);
    const md = renderPreflightMarkdown(facts, a);
    const html = renderPreflightHtml(facts, a);
    for (const text of [md, html]) {
      expect(text).toContain('stacked on the 3 control planes');
      expect(text).toContain('maxAbruptHandoverMs');
      expect(text).toContain('single point of failure');
      expect(text).not.toMatch(/BEGIN|token|eyJ/);
    }
    expect(html).toContain('BASELINE HEALTHY');
  });
});
