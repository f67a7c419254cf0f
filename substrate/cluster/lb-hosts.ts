/**
 * The vip-pair LB hosts for real: their config files, their containers on the cluster network, the
 * wait until exactly one of them holds the VIP, and their removal. The decisions are in lb-pair.ts;
 * every command goes through harness/runtime (required timeouts).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LbPairRecord } from '../../harness/cluster/cluster-handle.js';
import { readVipClaims } from '../../harness/cluster/vip-owner.js';
import { docker } from '../../harness/runtime/docker.js';
import { dockerNode } from '../../harness/runtime/docker-nodes.js';
import type { Progress } from '../progress.js';
import { UserFacingError } from '../progress.js';
import { LB_ROLE, lbAddresses, lbFilters, lbRunArgv, planLbPair, renderHaproxyCfg, renderKeepalivedConf, vipOwner, type LbPairPlan } from './lb-pair.js';
import { chooseSubnet, decideNetwork, FIXED_SUBNET_LABEL, subnetParts, type NetworkFacts } from './etcd-network.js';
import { inspectNetwork, usedSubnets } from './external-etcd.js';

const SHORT = 30_000;

export interface LbHostContainer {
  readonly name: string;
  readonly state: string;
  readonly role: typeof LB_ROLE;
}

/** Every LB host container of `cluster` (any state), by our labels. */
export async function lbHostContainers(cluster: string): Promise<LbHostContainer[]> {
  const r = await docker(['ps', '-a', ...lbFilters(cluster), '--format', '{{.Names}}\t{{.State}}'], { timeoutMs: SHORT });
  return r.stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l): LbHostContainer => {
      const [name, state] = l.split('\t');
      return { name: name ?? '', state: state ?? '', role: LB_ROLE };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Remove every LB host of `cluster`; returns what was removed. */
export async function removeLbPair(cluster: string): Promise<string[]> {
  const containers = await lbHostContainers(cluster);
  if (containers.length === 0) {
    return [];
  }
  await docker(['rm', '--force', ...containers.map((c) => c.name)], { timeoutMs: 120_000 });
  return containers.map((c) => `container ${c.name}`);
}

/** The one VIP holder among `hosts`, waiting up to `timeoutMs` for there to be exactly one. */
export async function waitForOneVipOwner(hosts: readonly string[], vip: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let why = '';
  for (;;) {
    const o = vipOwner(await readVipClaims(hosts.map((h) => dockerNode(h, ['load-balancer'])), vip));
    if (o.owner !== undefined) {
      return o.owner;
    }
    why = o.why;
    if (Date.now() > deadline) {
      const logs: string[] = [];
      for (const h of hosts) {
        const r = await docker(['logs', '--tail', '3', h], { timeoutMs: SHORT }).catch((e: Error) => ({ stdout: '', stderr: e.message }));
        logs.push(`${h}: ${`${r.stdout}\n${r.stderr}`.trim().split('\n').pop() ?? ''}`);
      }
      throw new Error(`the LB pair did not settle on one VIP holder in ${Math.round(timeoutMs / 1000)} s (${why}); last log lines: ${logs.join(' | ')}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

export interface LbPairRequest {
  readonly cluster: string;
  /** Container name prefix (`<prefix>-lb1`, `-lb2`). */
  readonly namePrefix: string;
  readonly network: NetworkFacts & { readonly name: string };
  readonly image: string;
  readonly vip: string;
  readonly advertIntervalS: number;
  /** The apiservers behind the pair, by container name (kind's control planes). */
  readonly backends: readonly string[];
  /** Host directory for the hosts' config files (made afresh). */
  readonly configRoot: string;
  readonly settleTimeoutMs?: number;
}

export interface LbPairUp {
  readonly plan: LbPairPlan;
  readonly record: LbPairRecord;
  readonly owner: string;
}

/**
 * Start the two LB hosts of `cluster` from nothing (earlier ones removed first) on a network with a
 * fixed subnet, and return once exactly one holds the VIP.
 */
export async function bringUpLbPair(req: LbPairRequest, progress: Progress): Promise<LbPairUp> {
  await removeLbPair(req.cluster);
  let addresses: [string, string];
  try {
    addresses = lbAddresses(req.network.subnet, req.network.ipRange, req.network.usedAddresses);
  } catch (e) {
    throw new UserFacingError((e as Error).message);
  }
  const plan = planLbPair({
    cluster: req.cluster,
    namePrefix: req.namePrefix,
    network: req.network.name,
    image: req.image,
    vip: req.vip,
    advertIntervalS: req.advertIntervalS,
    addresses,
    backends: req.backends,
    configRoot: req.configRoot,
  });
  rmSync(req.configRoot, { recursive: true, force: true });
  for (const h of plan.hosts) {
    mkdirSync(h.hostConfigDir, { recursive: true, mode: 0o755 });
    writeFileSync(join(h.hostConfigDir, 'keepalived.conf'), renderKeepalivedConf(plan, h), { mode: 0o644 });
    writeFileSync(join(h.hostConfigDir, 'haproxy.cfg'), renderHaproxyCfg(plan), { mode: 0o644 });
  }
  for (const h of plan.hosts) {
    await docker(lbRunArgv(plan, h), { timeoutMs: 60_000 });
    progress.detail(`${h.name} at ${h.ip} (VRRP priority ${h.priority})`);
  }
  const owner = await progress.timed(`waiting for one LB host to hold the VIP ${plan.vip}`, () =>
    waitForOneVipOwner(plan.hosts.map((h) => h.name), plan.vip, req.settleTimeoutMs ?? 30_000),
  );
  progress.detail(`${owner} holds the VIP ${plan.vip}`);
  return { plan, owner, record: lbPairRecord(plan) };
}

export function lbPairRecord(plan: LbPairPlan): LbPairRecord {
  return {
    network: plan.network,
    image: plan.image,
    vip: plan.vip,
    advertIntervalS: plan.advertIntervalS,
    hosts: plan.hosts.map((h) => ({ name: h.name, ip: h.ip, priority: h.priority })),
  };
}

/** Problems with the recorded pair as it is now: both hosts running, exactly one holding the VIP. */
export async function lbPairProblems(cluster: string, record: LbPairRecord): Promise<string[]> {
  const running = new Map((await lbHostContainers(cluster)).map((c) => [c.name, c.state]));
  const problems: string[] = [];
  for (const h of record.hosts) {
    const state = running.get(h.name);
    if (state !== 'running') {
      problems.push(`LB host ${h.name} is ${state ?? 'missing'}`);
    }
  }
  if (problems.length === 0) {
    const o = vipOwner(await readVipClaims(record.hosts.map((h) => dockerNode(h.name, ['load-balancer'])), record.vip));
    if (o.owner === undefined) {
      problems.push(`VIP ${record.vip}: ${o.why}`);
    }
  }
  return problems;
}

/**
 * The cluster network as it will be once `cluster up` has removed the cluster that is there now
 * (containers `isOurs` says are ours): its subnet, dynamic range and the addresses others use. Read
 * only, so a VIP that cannot work is refused before anything is deleted, built or created.
 */
export async function predictClusterNetwork(name: string, isOurs: (container: string) => boolean): Promise<{ subnet: string; ipRange: string; usedAddresses: string[] }> {
  const facts = await inspectNetwork(name);
  const others = facts.containers.filter((c) => !isOurs(c));
  if (facts.exists && facts.labels[FIXED_SUBNET_LABEL] === 'true' && facts.subnet !== '' && facts.ipRange !== '') {
    // Kept as it is (decideNetwork 'use'); only the others' addresses stay taken.
    const ourAddresses = await addressesOf(name, facts.containers.filter(isOurs));
    return { subnet: facts.subnet, ipRange: facts.ipRange, usedAddresses: facts.usedAddresses.filter((a) => !ourAddresses.includes(a)) };
  }
  const decision = decideNetwork(name, { ...facts, containers: others });
  if (decision.action === 'refuse') {
    throw new UserFacingError(decision.why);
  }
  // Created afresh (after the old one, if any, is removed): the subnet chooseSubnet will pick.
  const subnets = (await usedSubnets()).filter((s) => !(facts.exists && s === facts.subnet));
  const subnet = chooseSubnet(subnets);
  return { subnet, ipRange: subnetParts(subnet).ipRange, usedAddresses: [] };
}

async function addressesOf(network: string, containers: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const c of containers) {
    const r = await docker(['inspect', '--format', `{{with index .NetworkSettings.Networks "${network}"}}{{.IPAddress}}{{end}}`, c], { timeoutMs: SHORT });
    const ip = r.stdout.trim();
    if (ip !== '') {
      out.push(ip);
    }
  }
  return out;
}
