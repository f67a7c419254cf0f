/**
 * Heal everything this harness may have left behind: replay the journal's heal steps, then sweep
 * every node for our side effects even without a journal entry (Jepsen heals in setup!): held
 * manifests go back, our iptables chain goes, stopped control-plane processes continue, paused or
 * stopped containers of the cluster run again.
 */
import { HELD_MANIFEST_DIR, MANIFEST_DIR, fileExists, moveFile, readNodeFacts, signalProcess } from '../cluster/node-processes.js';
import { removeChain } from '../cluster/node-iptables.js';
import { docker, inspectContainer, kindContainers } from '../runtime/docker.js';
import type { FaultJournal } from './journal.js';
import type { HealStep } from './spec.js';

async function runStep(step: HealStep): Promise<string> {
  switch (step.kind) {
    case 'move-file':
      if (await fileExists(step.node, step.from)) {
        await moveFile(step.node, step.from, step.to);
        return `${step.node}: moved ${step.from} back to ${step.to}`;
      }
      return '';
    case 'remove-chain':
      await removeChain(step.node);
      return `${step.node}: removed iptables chain`;
    case 'signal':
      return (await signalProcess(step.node, step.process, step.signal)) ? `${step.node}: SIGCONT ${step.process}` : '';
    case 'docker-unpause':
      if ((await inspectContainer(step.container)).status === 'paused') {
        await docker(['unpause', step.container], { timeoutMs: 30_000 });
        return `unpaused ${step.container}`;
      }
      return '';
    case 'docker-start': {
      const st = (await inspectContainer(step.container)).status;
      if (st === 'exited' || st === 'created') {
        await docker(['start', step.container], { timeoutMs: 60_000 });
        return `started ${step.container}`;
      }
      return '';
    }
  }
}

/** Returns one line per action taken (empty when there was nothing to heal). */
export async function healAll(cluster: string, journal: FaultJournal): Promise<string[]> {
  const actions: string[] = [];
  const containers = await kindContainers(cluster);
  for (const c of containers) {
    if (c.state === 'paused') {
      await docker(['unpause', c.name], { timeoutMs: 30_000 });
      actions.push(`unpaused container ${c.name}`);
    } else if (c.state === 'exited' || c.state === 'created') {
      await docker(['start', c.name], { timeoutMs: 60_000 });
      actions.push(`started container ${c.name}`);
    }
  }
  for (const entry of journal.active()) {
    for (const step of entry.heal) {
      const done = await runStep(step);
      if (done) {
        actions.push(`${done} (journal: ${entry.faultId})`);
      }
    }
    journal.remove(entry.faultId);
  }
  for (const node of containers.filter((c) => c.role === 'control-plane').map((c) => c.name)) {
    const facts = await readNodeFacts(node);
    for (const file of facts.heldManifests) {
      await moveFile(node, `${HELD_MANIFEST_DIR}/${file}`, `${MANIFEST_DIR}/${file}`);
      actions.push(`${node}: moved held manifest ${file} back`);
    }
    if (facts.chaosChainPresent) {
      await removeChain(node);
      actions.push(`${node}: removed iptables chain KUBE-HA-CHAOS`);
    }
    if (facts.stoppedPids.length > 0) {
      for (const p of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) {
        await signalProcess(node, p, 'CONT');
      }
      actions.push(`${node}: SIGCONT to stopped control-plane processes ${facts.stoppedPids.join(', ')}`);
    }
  }
  journal.compact();
  return actions;
}
