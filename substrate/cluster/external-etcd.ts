/**
 * External etcd members for a cluster, for real: the network with a fixed subnet, the PKI (openssl),
 * one container and data volume per member, a health check with the client certificate, and their
 * removal. The decisions are in the pure modules beside it (etcd-network.ts, etcd-members.ts,
 * etcd-pki.ts); every command goes through harness/runtime (required timeouts, errors that show the
 * command, exit code and stderr). No key material is ever printed: openssl writes keys to files only.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ExternalEtcdRecord } from '../../harness/cluster/cluster-handle.js';
import { CommandError, runCommand } from '../../harness/runtime/command.js';
import { docker } from '../../harness/runtime/docker.js';
import { etcdctlJson } from '../../harness/runtime/etcdctl.js';
import type { Progress } from '../progress.js';
import { UserFacingError } from '../progress.js';
import { ETCD_ROLE, memberFilters, memberRunArgv, memberVolumeArgv, planExternalEtcd, type ExternalEtcdPlan } from './etcd-members.js';
import { chooseSubnet, decideNetwork, memberAddresses, networkCreateArgv, subnetParts, type NetworkFacts } from './etcd-network.js';
import {
  APISERVER_CLIENT_BASENAME, CA_COMMON_NAME, CA_EXTENSIONS, KIND_COPY_CA_KEY_PLACEHOLDER,
  caSignArgv, etcdPkiLayout, keyAndCsrArgv, leafExtensions, selfSignArgv, verifyArgv, type EtcdPkiLayout,
} from './etcd-pki.js';
import type { ExternalEtcdWiring } from './kind-config.js';

const SHORT = 30_000;

interface InspectedNetwork {
  Labels?: Record<string, string> | null;
  IPAM?: { Config?: { Subnet?: string; IPRange?: string }[] | null };
  Containers?: Record<string, { Name: string; IPv4Address?: string }> | null;
}

export async function inspectNetwork(name: string): Promise<NetworkFacts> {
  let raw: InspectedNetwork;
  try {
    const r = await docker(['network', 'inspect', '--format', '{{json .}}', name], { timeoutMs: SHORT });
    raw = JSON.parse(r.stdout) as InspectedNetwork;
  } catch (e) {
    if (e instanceof CommandError && /No such network|not found/i.test(e.result.stderr)) {
      return { exists: false, labels: {}, subnet: '', ipRange: '', containers: [], usedAddresses: [] };
    }
    throw e;
  }
  const v4 = (raw.IPAM?.Config ?? []).find((c) => (c.Subnet ?? '').includes('.'));
  const containers = Object.values(raw.Containers ?? {});
  return {
    exists: true,
    labels: raw.Labels ?? {},
    subnet: v4?.Subnet ?? '',
    ipRange: v4?.IPRange ?? '',
    containers: containers.map((c) => c.Name).sort(),
    usedAddresses: containers.map((c) => (c.IPv4Address ?? '').split('/')[0] ?? '').filter(Boolean),
  };
}

export async function usedSubnets(): Promise<string[]> {
  const ids = (await docker(['network', 'ls', '-q'], { timeoutMs: SHORT })).stdout.split('\n').map((s) => s.trim()).filter(Boolean);
  if (ids.length === 0) {
    return [];
  }
  const r = await docker(['network', 'inspect', '--format', '{{range .IPAM.Config}}{{.Subnet}} {{end}}', ...ids], { timeoutMs: SHORT });
  return r.stdout.split(/\s+/).filter((s) => s.includes('.'));
}

async function defaultBridgeMtu(): Promise<number | undefined> {
  try {
    const r = await docker(['network', 'inspect', 'bridge', '--format', '{{ index .Options "com.docker.network.driver.mtu" }}'], { timeoutMs: SHORT });
    const mtu = Number(r.stdout.trim());
    return Number.isInteger(mtu) && mtu > 0 ? mtu : undefined;
  } catch {
    return undefined;
  }
}

/** Make sure `name` exists with a fixed IPv4 subnet (etcd-network.ts says why); returns its facts. */
export async function ensureFixedSubnetNetwork(name: string, progress: Progress): Promise<NetworkFacts> {
  const facts = await inspectNetwork(name);
  const decision = decideNetwork(name, facts);
  if (decision.action === 'use') {
    return facts;
  }
  if (decision.action === 'refuse') {
    throw new UserFacingError(decision.why);
  }
  if (decision.action === 'recreate') {
    progress.step(`recreating the Docker network ${name} with a fixed subnet: ${decision.why}`);
    await docker(['network', 'rm', name], { timeoutMs: 60_000 });
  }
  const subnet = chooseSubnet(await usedSubnets());
  await docker(networkCreateArgv(name, subnet, await defaultBridgeMtu()), { timeoutMs: 60_000 });
  progress.detail(`network ${name}: ${subnet}, nodes from ${subnetParts(subnet).ipRange}, etcd members above it`);
  return inspectNetwork(name);
}

function serial(): string {
  const b = randomBytes(16);
  b[0] = (b[0] ?? 0) & 0x7f; // a positive serial
  return b.toString('hex');
}

const OPENSSL_MS = 30_000;

/** Generate the whole PKI under layout.root (made afresh): CA, member, apiserver and harness certificates. */
export async function generateEtcdPki(layout: EtcdPkiLayout): Promise<void> {
  rmSync(layout.root, { recursive: true, force: true });
  const dirs = new Set([layout.root, ...layout.leaves.map((l) => dirname(l.base)), ...layout.caCopies]);
  for (const d of dirs) {
    mkdirSync(d, { recursive: true, mode: 0o700 });
  }
  const work = join(layout.root, '.work');
  mkdirSync(work, { mode: 0o700 });
  try {
    const caCsr = join(work, 'ca.csr');
    const caExt = join(work, 'ca.ext');
    writeFileSync(caExt, CA_EXTENSIONS, { mode: 0o600 });
    await runCommand(keyAndCsrArgv(layout.caKey, caCsr, CA_COMMON_NAME), { timeoutMs: OPENSSL_MS });
    await runCommand(selfSignArgv(caCsr, layout.caKey, caExt, layout.caCert, serial()), { timeoutMs: OPENSSL_MS });
    chmodSync(layout.caKey, 0o600);
    for (const [i, leaf] of layout.leaves.entries()) {
      const csr = join(work, `${i}.csr`);
      const ext = join(work, `${i}.ext`);
      writeFileSync(ext, leafExtensions(leaf), { mode: 0o600 });
      await runCommand(keyAndCsrArgv(`${leaf.base}.key`, csr, leaf.commonName), { timeoutMs: OPENSSL_MS });
      await runCommand(caSignArgv(csr, layout.caCert, layout.caKey, ext, `${leaf.base}.crt`, serial()), { timeoutMs: OPENSSL_MS });
      chmodSync(`${leaf.base}.key`, 0o600);
      await runCommand(verifyArgv(layout.caCert, `${leaf.base}.crt`, leaf.usage), { timeoutMs: OPENSSL_MS });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  for (const d of layout.caCopies) {
    copyFileSync(layout.caCert, join(d, 'ca.crt'));
  }
  writeFileSync(join(layout.kindCopyDir, 'ca.key'), KIND_COPY_CA_KEY_PLACEHOLDER, { mode: 0o600 });
}

/** Every member container and data volume of `cluster` (by our labels), removed; returns what was. */
export async function removeExternalEtcd(cluster: string): Promise<string[]> {
  const removed: string[] = [];
  const containers = await etcdMemberContainers(cluster);
  if (containers.length > 0) {
    await docker(['rm', '--force', '--volumes', ...containers.map((c) => c.name)], { timeoutMs: 120_000 });
    removed.push(...containers.map((c) => `container ${c.name}`));
  }
  const volumes = await etcdMemberVolumes(cluster);
  if (volumes.length > 0) {
    await docker(['volume', 'rm', '--force', ...volumes], { timeoutMs: 60_000 });
    removed.push(...volumes.map((v) => `volume ${v}`));
  }
  return removed;
}

export interface EtcdMemberContainer {
  readonly name: string;
  readonly state: string;
  readonly role: typeof ETCD_ROLE;
}

export async function etcdMemberContainers(cluster: string): Promise<EtcdMemberContainer[]> {
  const r = await docker(['ps', '-a', ...memberFilters(cluster), '--format', '{{.Names}}\t{{.State}}'], { timeoutMs: SHORT });
  return r.stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l): EtcdMemberContainer => {
      const [name, state] = l.split('\t');
      return { name: name ?? '', state: state ?? '', role: ETCD_ROLE };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export async function etcdMemberVolumes(cluster: string): Promise<string[]> {
  const r = await docker(['volume', 'ls', '-q', ...memberFilters(cluster)], { timeoutMs: SHORT });
  return r.stdout.split('\n').map((s) => s.trim()).filter(Boolean).sort();
}

interface EndpointHealth {
  readonly endpoint: string;
  readonly health: boolean;
  readonly error?: string;
}

/**
 * Wait until every member answers `etcdctl endpoint health --cluster` (a linearizable read through
 * each member's client URL, TLS with the harness's client certificate): the member list comes from
 * the cluster itself, so a member that did not join is missing from it.
 */
export async function waitForHealthyMembers(etcdctlBinary: string, plan: ExternalEtcdPlan, client: ExternalEtcdRecord['client'], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const ctx = { etcdctlBinary, cacert: client.caFile, cert: client.certFile, key: client.keyFile };
  let last = '';
  for (;;) {
    try {
      const health = await etcdctlJson<EndpointHealth[]>(ctx, plan.endpoints, ['endpoint', 'health', '--cluster'], 15_000);
      const healthy = health.filter((h) => h.health).map((h) => h.endpoint).sort();
      if (healthy.length === plan.members.length && plan.endpoints.every((e) => healthy.includes(e))) {
        return;
      }
      last = `healthy: ${healthy.join(', ') || 'none'} of ${plan.endpoints.join(', ')}`;
    } catch (e) {
      last = (e as Error).message.split('\n').slice(-3).join(' ');
    }
    if (Date.now() > deadline) {
      const logs: string[] = [];
      for (const m of plan.members) {
        const r = await docker(['logs', '--tail', '3', m.name], { timeoutMs: SHORT }).catch((e: Error) => ({ stdout: '', stderr: e.message }));
        logs.push(`${m.name}: ${(r.stderr || r.stdout).trim().split('\n').pop() ?? ''}`);
      }
      throw new Error(`external etcd not healthy after ${Math.round(timeoutMs / 1000)} s (${last}); last log lines: ${logs.join(' | ')}`);
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

export interface ExternalEtcdUp {
  readonly record: ExternalEtcdRecord;
  /** What the kind config needs (kind-config.ts). */
  readonly wiring: ExternalEtcdWiring;
}

export interface ExternalEtcdRequest {
  readonly cluster: string;
  /** Container name prefix (`<prefix>-etcd1`...). */
  readonly namePrefix: string;
  readonly network: string;
  readonly image: string;
  readonly members: number;
  readonly pkiRoot: string;
  readonly etcdctlBinary: string;
  readonly healthTimeoutMs?: number;
}

/**
 * Start `members` etcd members for `cluster` from nothing (any earlier ones of it are removed first)
 * and return once every one is healthy over TLS.
 */
export async function bringUpExternalEtcd(req: ExternalEtcdRequest, progress: Progress): Promise<ExternalEtcdUp> {
  await removeExternalEtcd(req.cluster);
  const net = await ensureFixedSubnetNetwork(req.network, progress);
  let addresses: string[];
  try {
    addresses = memberAddresses(net.subnet, net.ipRange, req.members, net.usedAddresses);
  } catch (e) {
    throw new UserFacingError((e as Error).message);
  }
  const plan = planExternalEtcd({
    cluster: req.cluster,
    namePrefix: req.namePrefix,
    network: req.network,
    image: req.image,
    addresses,
    pkiRoot: req.pkiRoot,
    token: `${req.cluster}-${randomBytes(6).toString('hex')}`,
  });
  const pki = etcdPkiLayout(req.pkiRoot, plan);
  await progress.timed(`etcd PKI: a CA and ${pki.leaves.length} certificates`, () => generateEtcdPki(pki));
  for (const m of plan.members) {
    await docker(memberVolumeArgv(plan, m), { timeoutMs: SHORT });
    await docker(memberRunArgv(plan, m), { timeoutMs: 60_000 });
    progress.detail(`${m.name} at ${m.ip}`);
  }
  await progress.timed(`waiting for ${plan.members.length} etcd members to be healthy (TLS, client certificate)`, () =>
    waitForHealthyMembers(req.etcdctlBinary, plan, pki.harnessClient, req.healthTimeoutMs ?? 90_000),
  );
  return {
    record: {
      network: plan.network,
      image: plan.image,
      members: plan.members.map((m) => ({ name: m.name, ip: m.ip, clientUrl: m.clientUrl, peerUrl: m.peerUrl, metricsUrl: m.metricsUrl, dataVolume: m.dataVolume })),
      endpoints: plan.endpoints,
      client: pki.harnessClient,
      pkiDir: pki.root,
    },
    wiring: {
      endpoints: plan.endpoints,
      hostClientDir: pki.apiserverDir,
      hostKindCopyDir: pki.kindCopyDir,
      caBasename: 'ca.crt',
      clientBasename: APISERVER_CLIENT_BASENAME,
    },
  };
}

/** Problems with the recorded members as they are now (for `cluster up`'s reuse and `status`). */
export async function externalEtcdProblems(cluster: string, record: ExternalEtcdRecord): Promise<string[]> {
  const running = new Map((await etcdMemberContainers(cluster)).map((c) => [c.name, c.state]));
  const problems: string[] = [];
  for (const m of record.members) {
    const state = running.get(m.name);
    if (state !== 'running') {
      problems.push(`etcd member ${m.name} is ${state ?? 'missing'}`);
    }
  }
  if (!existsSync(record.client.keyFile)) {
    problems.push('the etcd client certificate is missing');
  }
  return problems;
}
