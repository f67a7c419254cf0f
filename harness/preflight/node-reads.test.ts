import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assessPreflight, nodeReadFindings } from './assess.js';
import type { NodeReadFact, PreflightFacts } from './facts.js';
import { parseControlPlaneProcesses, parseManifestListing } from './node-reads.js';
import { changesLine, renderPreflightMarkdown } from './render.js';

// `ps -ww -eo pid=,args=` on kube-ha-chaos-control-plane2 (ha-3cp, 2026-12-07), as docker exec and
// the agent's nsenter both run it on the node.
const ps = readFileSync(join(import.meta.dirname, '../../fixtures/preflight/ps-control-plane2.txt'), 'utf8');
const facts = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/preflight/ha-3cp-docker-facts.json'), 'utf8')) as PreflightFacts;

/** Node reads that say exactly what the mirror pods say. */
function matchingReads(f: PreflightFacts): NodeReadFact[] {
  const nodes = [...new Set(f.controlPlanePods.map((p) => p.node))];
  return nodes.map((node) => ({
    node,
    manifests: ['etcd.yaml', 'kube-apiserver.yaml', 'kube-controller-manager.yaml', 'kube-scheduler.yaml'],
    processes: f.controlPlanePods.filter((p) => p.node === node).map((p, i) => ({ component: p.component, pid: 500 + i, args: [...p.command] })),
  }));
}

describe('parseControlPlaneProcesses on a real kind control plane', () => {
  const procs = parseControlPlaneProcesses(ps);
  it('finds the four static-pod components and nothing else (not kubelet, kube-proxy, pause, ps itself)', () => {
    expect(procs.map((p) => [p.component, p.pid])).toEqual([['etcd', 548], ['kube-apiserver', 597], ['kube-controller-manager', 596], ['kube-scheduler', 534]]);
  });
  it('keeps the flags as separate arguments, the program as its base name', () => {
    const etcd = procs.find((p) => p.component === 'etcd');
    expect(etcd?.args[0]).toBe('etcd');
    expect(etcd?.args).toContain('--data-dir=/var/lib/etcd');
    expect(etcd?.args.every((a) => !a.includes(' '))).toBe(true);
  });
  it('matches a program run by its path', () => {
    expect(parseControlPlaneProcesses('  42 /usr/local/bin/etcd --name=a\n  43 /usr/bin/etcdctl get x\n')).toEqual([{ component: 'etcd', pid: 42, args: ['etcd', '--name=a'] }]);
  });
});

describe('parseManifestListing', () => {
  it('reads ls -1 output, sorted, without blank lines', () => {
    expect(parseManifestListing('kube-scheduler.yaml\netcd.yaml\n\n')).toEqual(['etcd.yaml', 'kube-scheduler.yaml']);
  });
});

describe('nodeReadFindings', () => {
  it('finds nothing when the processes run with the mirror pods\' flags', () => {
    expect(nodeReadFindings({ ...facts, nodeReads: matchingReads(facts) })).toEqual({ baselineProblems: [], risks: [] });
    expect(assessPreflight({ ...facts, nodeReads: matchingReads(facts) }).baselineProblems).toEqual([]);
  });
  it('names a process whose flags differ from its mirror pod (an edited manifest not yet picked up)', () => {
    const reads = matchingReads(facts).map((r) => r.node !== 'kube-ha-chaos-control-plane2' ? r : {
      ...r,
      processes: r.processes.map((p) => p.component !== 'etcd' ? p : { ...p, args: [...p.args.filter((a) => !a.startsWith('--election-timeout')), '--election-timeout=5000'] }),
    });
    const { risks } = nodeReadFindings({ ...facts, nodeReads: reads });
    expect(risks.map((r) => r.id)).toEqual(['etcd-flags-differ']);
    expect(risks[0]?.text).toContain('kube-ha-chaos-control-plane2');
    expect(risks[0]?.text).toContain('running only: --election-timeout=5000');
  });
  it('makes a listed mirror pod without a process, and an unreadable node, baseline problems', () => {
    const reads = matchingReads(facts);
    const first = reads[0] as NodeReadFact;
    const broken: NodeReadFact[] = [{ ...first, processes: first.processes.filter((p) => p.component !== 'kube-apiserver') }, { node: 'kube-ha-chaos-control-plane3', manifests: [], processes: [], error: 'ls -1 /etc/kubernetes/manifests on kube-ha-chaos-control-plane3 through its agent: agent-gone: Error from server (NotFound): pods "agent-kube-ha-chaos-control-plane3" not found' }];
    const { baselineProblems } = nodeReadFindings({ ...facts, nodeAccess: 'agent', nodeReads: broken });
    expect(baselineProblems).toHaveLength(2);
    expect(baselineProblems[0]).toMatch(/kube-apiserver on kube-ha-chaos-control-plane: its mirror pod is listed but no kube-apiserver process runs/);
    expect(baselineProblems[1]).toMatch(/kube-ha-chaos-control-plane3 could not be read through agent node access/);
  });
});

describe('the report says what the preflight created', () => {
  it('says nothing was changed without agents', () => {
    expect(changesLine(facts)).toBe('Read-only: nothing was changed.');
  });
  it('names the agents and their verified removal', () => {
    const f: PreflightFacts = {
      ...facts,
      nodeAccess: 'agent',
      nodeReads: matchingReads(facts),
      clusterChanges: { created: ['namespace/kube-ha-chaos-agent', 'pod/agent-kube-ha-chaos-control-plane'], removed: true, detail: 'namespace kube-ha-chaos-agent and its pods deleted, in 2.1 s', image: 'kube-ha-chaos.local/agent:d3603ed6dd721605' },
    };
    const md = renderPreflightMarkdown(f, assessPreflight(f));
    expect(md).toContain('Read-only apart from its node agents: it created namespace/kube-ha-chaos-agent, pod/agent-kube-ha-chaos-control-plane');
    expect(md).toContain('removed them again');
    expect(md).toContain('## Read on the nodes (agent)');
    expect(md).not.toContain('nothing was changed');
  });
  it('says so when the removal could not be confirmed', () => {
    const f: PreflightFacts = { ...facts, clusterChanges: { created: ['namespace/kube-ha-chaos-agent'], removed: false, detail: 'not removed' } };
    expect(changesLine(f)).toMatch(/could NOT confirm their removal/);
  });
});
