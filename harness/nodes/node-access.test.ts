import { describe, expect, it } from 'vitest';
import { findNode, missingPowerOperations, requirePower, type NodeProvider } from './node-access.js';
import { rolesOfKindLabel } from './kind-node-access.js';
import { dockerPower } from '../runtime/docker-nodes.js';

// What the three accesses of issue 11 will declare: docker has every operation; an SSH inventory
// with a BMC could power-cycle but never freeze a host; the agent (a pod on the node) has none.
const docker: NodeProvider = {
  kind: 'docker',
  description: 'docker containers of kind cluster kube-ha-chaos',
  capabilities: { power: ['pause', 'resume', 'stop', 'start', 'kill'] },
  power: dockerPower,
  listNodes: async () => [],
};
const sshWithBmc: NodeProvider = { ...docker, kind: 'ssh', description: 'ssh to 3 hosts of staging.yaml', capabilities: { power: ['stop', 'start', 'kill'] } };
const agent: NodeProvider = { kind: 'agent', description: 'agent pods in kube-ha-chaos-agent', capabilities: { power: [] }, listNodes: async () => [] };

describe('missingPowerOperations', () => {
  it('is empty when the access offers every operation asked for', () => {
    expect(missingPowerOperations(docker, ['pause', 'resume'])).toEqual([]);
  });
  it('names exactly the operations the access lacks, in the order asked', () => {
    expect(missingPowerOperations(sshWithBmc, ['pause', 'resume'])).toEqual(['pause', 'resume']);
    expect(missingPowerOperations(sshWithBmc, ['kill', 'start'])).toEqual([]);
    expect(missingPowerOperations(sshWithBmc, ['stop', 'pause'])).toEqual(['pause']);
  });
  it('treats declared operations without a power interface as missing', () => {
    const { power: _power, ...noPower } = docker;
    expect(missingPowerOperations(noPower, ['start'])).toEqual(['start']);
  });
});

describe('requirePower', () => {
  it('returns the power interface when everything needed is offered', () => {
    expect(requirePower(docker, ['resume'], 'replaying resume-host for control-plane2')).toBe(dockerPower);
  });
  it('refuses in one line naming the step, the missing operation and the access', () => {
    expect(() => requirePower(agent, ['resume'], 'replaying resume-host for kube-ha-chaos-external-load-balancer')).toThrow(
      /^replaying resume-host for kube-ha-chaos-external-load-balancer needs the whole-machine operation\(s\) resume, which agent node access \(agent pods in kube-ha-chaos-agent\) does not offer/,
    );
  });
});

describe('findNode', () => {
  const nodes = [{ name: 'kube-ha-chaos-control-plane' }, { name: 'kube-ha-chaos-worker' }];
  it('finds by exact name', () => {
    expect(findNode(nodes, 'kube-ha-chaos-worker', 'cluster kube-ha-chaos')).toBe(nodes[1]);
  });
  it('names the nodes there are when the name is not one of them', () => {
    expect(() => findNode(nodes, 'kube-ha-chaos-control-plane2', 'cluster kube-ha-chaos')).toThrow(
      'kube-ha-chaos-control-plane2 is not a node of cluster kube-ha-chaos (its nodes: kube-ha-chaos-control-plane, kube-ha-chaos-worker)',
    );
  });
});

describe('rolesOfKindLabel', () => {
  it("maps kind's three role labels; the load balancer is a node with a role", () => {
    expect(rolesOfKindLabel('control-plane')).toEqual(['control-plane']);
    expect(rolesOfKindLabel('worker')).toEqual(['worker']);
    expect(rolesOfKindLabel('external-load-balancer')).toEqual(['load-balancer']);
  });
  it('gives an unknown label no role, so it is never chosen as a target', () => {
    expect(rolesOfKindLabel('')).toEqual([]);
    expect(rolesOfKindLabel('etcd')).toEqual([]);
  });
});
