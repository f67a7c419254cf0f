/**
 * Heal everything this harness may have left behind: replay the journal's heal steps, then sweep
 * every node for our side effects even without a journal entry (Jepsen heals in setup!): held
 * manifests go back, our iptables chain goes, stopped control-plane processes continue, paused or
 * stopped machines of the cluster run again (when the node access can see and change that).
 */
import { HELD_MANIFEST_DIR, MANIFEST_DIR, fileExists, moveFile, readNodeFacts, signalProcess } from '../cluster/node-processes.js';
import { chainExists, removeChain } from '../cluster/node-iptables.js';
import { nodeAccessForCluster } from '../nodes/kind-node-access.js';
import { findNode, hasRole, requirePower, type ClusterNode, type NodeProvider } from '../nodes/node-access.js';
import type { FaultJournal } from './journal.js';
import type { HealStep } from './spec.js';

async function runStep(step: HealStep, access: NodeProvider, node: (name: string) => ClusterNode): Promise<string> {
  switch (step.kind) {
    case 'move-file':
      if (await fileExists(node(step.node), step.from)) {
        await moveFile(node(step.node), step.from, step.to);
        return `${step.node}: moved ${step.from} back to ${step.to}`;
      }
      return '';
    case 'remove-chain':
      await removeChain(node(step.node));
      return `${step.node}: removed iptables chain`;
    case 'signal':
      return (await signalProcess(node(step.node), step.process, step.signal)) ? `${step.node}: SIGCONT ${step.process}` : '';
    case 'resume-host': {
      const power = requirePower(access, ['resume'], `replaying ${step.kind} of ${step.node}`);
      if ((await power.state(node(step.node))).status === 'paused') {
        await power.resume(node(step.node));
        return `${power.pastTense.resume} ${step.node}`;
      }
      return '';
    }
    case 'start-host': {
      const power = requirePower(access, ['start'], `replaying ${step.kind} of ${step.node}`);
      if ((await power.state(node(step.node))).status === 'stopped') {
        await power.start(node(step.node));
        return `${power.pastTense.start} ${step.node}`;
      }
      return '';
    }
  }
}

/**
 * Returns one line per action taken (empty when there was nothing to heal). `cluster` names the
 * cluster (its journal entries and, by default, how its nodes are reached: nodeAccessForCluster).
 */
export async function healAll(cluster: string, journal: FaultJournal, access: NodeProvider = nodeAccessForCluster(cluster)): Promise<string[]> {
  const actions: string[] = [];
  const listed = await access.listNodes();
  const nodes = listed.map((l) => l.node);
  const node = (name: string): ClusterNode => findNode(nodes, name, `cluster ${cluster}`);
  const power = access.power;
  if (power !== undefined) {
    for (const { node: n, power: state } of listed) {
      if (state?.status === 'paused' && access.capabilities.power.includes('resume')) {
        await power.resume(n);
        actions.push(`${power.pastTense.resume} ${power.unit} ${n.name}`);
      } else if (state?.status === 'stopped' && access.capabilities.power.includes('start')) {
        await power.start(n);
        actions.push(`${power.pastTense.start} ${power.unit} ${n.name}`);
      }
    }
  }
  for (const entry of journal.active()) {
    for (const step of entry.heal) {
      const done = await runStep(step, access, node);
      if (done) {
        actions.push(`${done} (journal: ${entry.faultId})`);
      }
    }
    journal.remove(entry.faultId);
  }
  for (const n of nodes.filter((x) => hasRole(x, 'control-plane'))) {
    const facts = await readNodeFacts(n);
    for (const file of facts.heldManifests) {
      await moveFile(n, `${HELD_MANIFEST_DIR}/${file}`, `${MANIFEST_DIR}/${file}`);
      actions.push(`${n.name}: moved held manifest ${file} back`);
    }
    if (facts.chaosChainPresent) {
      await removeChain(n);
      actions.push(`${n.name}: removed iptables chain KUBE-HA-CHAOS`);
    }
    if (facts.stoppedPids.length > 0) {
      for (const p of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) {
        await signalProcess(n, p, 'CONT');
      }
      actions.push(`${n.name}: SIGCONT to stopped control-plane processes ${facts.stoppedPids.join(', ')}`);
    }
  }
  // External etcd members (no userland: their netns is reached from the host): our chain goes.
  for (const { node: n, power: state } of listed.filter((l) => hasRole(l.node, 'etcd'))) {
    if (state !== undefined && state.status !== 'running') {
      continue; // no network namespace to look into; the power sweep above started it if it could
    }
    if (await chainExists(n)) {
      await removeChain(n);
      actions.push(`${n.name}: removed iptables chain KUBE-HA-CHAOS`);
    }
  }
  journal.compact();
  return actions;
}
