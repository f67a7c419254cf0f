/**
 * One entry point for a named topology: up (create, or reuse when healthy, or recreate when broken),
 * down (and prove nothing of it is left), status.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { config } from '../../harness/config.js';
import { type Topology, loadTopology, InvalidTopologyError } from '../../harness/cluster/topology.js';
import { decideReuse, topologyDigest } from './reuse-decision.js';
import { commandSucceeds } from '../../harness/runtime/command.js';
import { clearDirty, dirtyReason } from '../../harness/cluster/dirty.js';
import { docker, dockerRootDir, imageExists, kindContainers, networkContainers, type LabeledContainer } from '../../harness/runtime/docker.js';
import { freeBytes } from '../../harness/runtime/host.js';
import { createCluster, deleteCluster, getClusters } from '../../harness/runtime/kind.js';
import { isKindPortRace, KIND_CREATE_ATTEMPTS } from './kind-port-race.js';
import { kubectl, kubectlJson, type KubectlContext } from '../../harness/runtime/kubectl.js';
import { dockerAnswers, ensureDockerEngine } from '../engine/docker-engine.js';
import { buildAllImages } from '../images/pipeline.js';
import { cacheDir, repoRoot } from '../paths.js';
import { type Progress, UserFacingError } from '../progress.js';
import { versions } from '../versions.js';
import { type ClusterState, clusterDir, kubeconfigPath, readClusterState, removeClusterState, writeClusterState } from './cluster-state.js';
import type { ExternalEtcdRecord, LbPairRecord } from '../../harness/cluster/cluster-handle.js';
import { etcdMemberCount, layoutProblemsOnNetwork, type ControlPlaneLayout } from '../../harness/cluster/layout.js';
import { bringUpExternalEtcd, ensureFixedSubnetNetwork, etcdMemberContainers, etcdMemberVolumes, externalEtcdProblems, removeExternalEtcd, type ExternalEtcdUp } from './external-etcd.js';
import { ensureLbImage } from '../images/lb-image.js';
import { bringUpLbPair, lbHostContainers, lbPairProblems, predictClusterNetwork, removeLbPair } from './lb-hosts.js';
import { APISERVER_PORT, kindControlPlaneNames, kubeconfigWithServer, lbAddresses, vipServerUrl } from './lb-pair.js';
import { renderKindConfig, unbuildableReason } from './kind-config.js';
import { ensureNginxImage } from '../images/nginx-image.js';
import { bringUpLocalhostLb, localhostLbProblems } from './localhost-lb-up.js';

/** One cluster at a time: the suites share it, and two would not fit a 2-core machine. */
export const CLUSTER_NAME = 'kube-ha-chaos';

const GiB = 1024 ** 3;
/** Measured: a ha-3cp cluster writes ~3.5 GiB (node volumes); images ~2 GiB; room for logs. */
const MIN_FREE_BYTES_FOR_UP = 10 * GiB;

export interface ClusterHealth {
  readonly exists: boolean;
  readonly problems: readonly string[];
  readonly containers: readonly LabeledContainer[];
}

function countRoles(containers: readonly LabeledContainer[]): { controlPlanes: number; workers: number; lbs: number } {
  return {
    controlPlanes: containers.filter((c) => c.role === 'control-plane').length,
    workers: containers.filter((c) => c.role === 'worker').length,
    lbs: containers.filter((c) => c.role === 'external-load-balancer').length,
  };
}

function describeRoles(c: { controlPlanes: number; workers: number }): string {
  return `${c.controlPlanes} control planes + ${c.workers} worker${c.workers === 1 ? '' : 's'}`;
}

/** Is this cluster usable as it is? Every container running, every node Ready, the API answering via the LB. */
export async function inspectClusterHealth(state: ClusterState | undefined): Promise<ClusterHealth> {
  const nodeContainers = await kindContainers(CLUSTER_NAME);
  if (nodeContainers.length === 0) {
    return { exists: false, problems: ['no containers'], containers: nodeContainers };
  }
  // External etcd members and LB hosts are listed too (roles external-etcd, vip-lb), so `status` shows them.
  const containers: LabeledContainer[] = [...nodeContainers, ...(await etcdMemberContainers(CLUSTER_NAME)), ...(await lbHostContainers(CLUSTER_NAME))];
  const problems: string[] = [];
  const dirty = dirtyReason(CLUSTER_NAME);
  if (dirty !== undefined) {
    problems.push(`it is marked dirty (a heal could not be verified: ${dirty.split('\n').pop() ?? ''})`);
  }
  for (const c of containers) {
    if (c.state !== 'running') {
      problems.push(`${c.name} is ${c.state}`);
    }
  }
  if (!state || !existsSync(state.kubeconfig)) {
    problems.push('its kubeconfig is missing');
    return { exists: true, problems, containers };
  }
  if (state.externalEtcd !== undefined) {
    problems.push(...(await externalEtcdProblems(CLUSTER_NAME, state.externalEtcd)));
  }
  if (state.lbPair !== undefined) {
    problems.push(...(await lbPairProblems(CLUSTER_NAME, state.lbPair)));
  }
  if (state.localhostLb !== undefined) {
    problems.push(...(await localhostLbProblems(state.localhostLb, nodeContainers.filter((c) => c.role === 'control-plane').map((c) => c.name).sort())));
  }
  if (problems.length > 0) {
    return { exists: true, problems, containers };
  }
  const ctx: KubectlContext = { kubectlBinary: state.kubectlBinary, kubeconfig: state.kubeconfig };
  if (!(await commandSucceeds([ctx.kubectlBinary, '--kubeconfig', ctx.kubeconfig, '--request-timeout=5s', 'get', '--raw', '/readyz'], { timeoutMs: 10_000 }))) {
    problems.push('the API does not answer /readyz through the load balancer');
    return { exists: true, problems, containers };
  }
  const nodes = await kubectlJson<{ items: { metadata: { name: string }; status: { conditions: { type: string; status: string }[] } }[] }>(
    ctx, ['get', 'nodes'], 15_000,
  );
  for (const n of nodes.items) {
    if (!n.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True')) {
      problems.push(`node ${n.metadata.name} is not Ready`);
    }
  }
  return { exists: true, problems, containers };
}

async function assertEnoughDisk(): Promise<void> {
  for (const path of [await dockerRootDir(), cacheDir()]) {
    const free = freeBytes(existsSync(path) ? path : '/');
    if (free < MIN_FREE_BYTES_FOR_UP) {
      throw new UserFacingError(
        `too little disk: ${(free / GiB).toFixed(1)} GiB free at ${path}, a cluster needs ${MIN_FREE_BYTES_FOR_UP / GiB} GiB: free space (docker system prune, or remove ${cacheDir()}) and re-run`,
      );
    }
  }
}

/** The upstream image, when the user asked for it and a registry answers; undefined otherwise. */
async function upstreamImageIfWanted(progress: Progress): Promise<string | undefined> {
  if (!config.useUpstreamNodeImage) {
    return undefined;
  }
  const ref = versions().upstreamNodeImage;
  if ((await imageExists(ref)) || (await commandSucceeds(['docker', 'pull', ref], { timeoutMs: 10 * 60_000 }))) {
    progress.step(`using the upstream node image ${ref}`);
    return ref;
  }
  progress.step(`no registry answers for ${ref}: using the offline build instead`);
  return undefined;
}

async function waitUntilReady(ctx: KubectlContext, topology: Topology, progress: Progress): Promise<void> {
  await progress.timed('waiting for every node to be Ready', () =>
    kubectl(ctx, ['wait', '--for=condition=Ready', 'nodes', '--all', '--timeout=300s'], { timeoutMs: 310_000 }),
  );
  await progress.timed('waiting for CoreDNS, kube-proxy and the pod network', async () => {
    await kubectl(ctx, ['-n', 'kube-system', 'rollout', 'status', 'daemonset/kindnet', '--timeout=180s'], { timeoutMs: 190_000 });
    await kubectl(ctx, ['-n', 'kube-system', 'rollout', 'status', 'daemonset/kube-proxy', '--timeout=180s'], { timeoutMs: 190_000 });
    await kubectl(ctx, ['-n', 'kube-system', 'rollout', 'status', 'deployment/coredns', '--timeout=180s'], { timeoutMs: 190_000 });
  });
  // A node is Ready before its static pods are: the last control plane to join may still be
  // starting etcd and its apiserver. Wait for all of them, Ready: 4 per control plane when etcd is
  // stacked on it, 3 when it is external (no etcd pod).
  await progress.timed('waiting for every control-plane static pod', async () => {
    const want = topology.controlPlanes * (topology.layout.etcd.mode === 'stacked' ? 4 : 3);
    const deadline = Date.now() + 180_000;
    for (;;) {
      const pods = await kubectlJson<{ items: { status: { conditions?: { type: string; status: string }[] } }[] }>(
        ctx, ['-n', 'kube-system', 'get', 'pods', '-l', 'tier=control-plane'], 15_000,
      );
      const ready = pods.items.filter((p) => p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
      if (ready === want) {
        return;
      }
      if (Date.now() > deadline) {
        throw new Error(`only ${ready} of ${want} control-plane static pods are Ready after 180 s`);
      }
      await new Promise((r) => setTimeout(r, 2_000));
    }
  });
  const nodes = await kubectlJson<{ items: unknown[] }>(ctx, ['get', 'nodes'], 15_000);
  if (nodes.items.length !== topology.controlPlanes + topology.workers) {
    throw new Error(`expected ${topology.controlPlanes + topology.workers} nodes, the API lists ${nodes.items.length}`);
  }
}

export interface UpResult {
  readonly state: ClusterState;
  readonly reused: boolean;
}

export async function clusterUp(topologyName: string, progress: Progress): Promise<UpResult> {
  // Validate everything we can before changing anything.
  let topology: Topology;
  try {
    topology = loadTopology(repoRoot(), topologyName);
  } catch (e) {
    if (e instanceof InvalidTopologyError) {
      throw new UserFacingError(`${e.message}: fix the file or pick a topology in kind-configs/ or topologies/`);
    }
    throw e;
  }
  if (topology.format === 'layout') {
    const reason = unbuildableReason(topology.layout);
    if (reason !== undefined) {
      throw new UserFacingError(`topology ${topology.name} (${topology.file}): ${reason}`);
    }
  }
  await ensureDockerEngine(progress);
  await assertEnoughDisk();
  await refuseUnusableVip(topology.layout);

  const previous = readClusterState(CLUSTER_NAME);
  const health = await inspectClusterHealth(previous);
  const digest = topologyDigest(topology.file);
  const existing = { exists: health.exists, problems: health.problems, ...countRoles(health.containers) };
  const shapeOnly = { ...topology, topology: topology.name, topologyDigest: digest };
  // Refuse before building anything when the answer cannot depend on the image.
  const early = decideReuse(existing, previous, { ...shapeOnly, nodeImage: previous?.nodeImage ?? '' });
  if (early.action === 'refuse') {
    throw new UserFacingError(`cluster ${CLUSTER_NAME}: ${early.why}`);
  }

  const upstream = await upstreamImageIfWanted(progress);
  const built = await progress.timed('offline images', () => buildAllImages(progress));
  const image = upstream ?? built.node.ref;
  const lbImage = topology.layout.front.kind === 'vip-pair' ? await progress.timed('LB image (keepalived + haproxy)', () => ensureLbImage(progress)) : undefined;
  const nginxImage = topology.layout.front.kind === 'localhost-nginx' ? await progress.timed('nginx-proxy image (nginx + stream module)', () => ensureNginxImage(progress)) : undefined;

  const decision = decideReuse(existing, previous, { ...shapeOnly, nodeImage: image });
  if (decision.action === 'reuse' && previous) {
    progress.step(`reusing healthy cluster ${CLUSTER_NAME} (${topology.name})`);
    return { state: previous, reused: true };
  }
  if (decision.action === 'recreate' || decision.action === 'refuse') {
    progress.step(`recreating cluster ${CLUSTER_NAME}: ${decision.why}`);
  }
  if (health.exists || (await getClusters(built.kindBinary)).includes(CLUSTER_NAME)) {
    await deleteCluster(built.kindBinary, CLUSTER_NAME, kubeconfigPath(CLUSTER_NAME));
  }
  // Members of an earlier cluster (or of an attempt that failed half-way) never serve a new one.
  const stale = [...(await removeExternalEtcd(CLUSTER_NAME)), ...(await removeLbPair(CLUSTER_NAME))];
  if (stale.length > 0) {
    progress.step(`removed the earlier cluster's etcd members and LB hosts: ${stale.join(', ')}`);
  }

  mkdirSync(clusterDir(CLUSTER_NAME), { recursive: true, mode: 0o700 });
  // A layout's kind config is generated; external etcd members are started (and healthy) first.
  const kindConfigFile = topology.format === 'layout' ? join(clusterDir(CLUSTER_NAME), 'kind-config.yaml') : topology.file;
  const startEtcd = async (): Promise<ExternalEtcdUp | undefined> => {
    if (topology.layout.etcd.mode !== 'external') {
      return undefined;
    }
    const members = etcdMemberCount(topology.layout);
    const up = await progress.timed(`starting ${members} external etcd members`, () =>
      bringUpExternalEtcd(
        {
          cluster: CLUSTER_NAME,
          namePrefix: CLUSTER_NAME,
          // kind puts every node on this network (providers/docker/network.go fixedNetworkName).
          network: 'kind',
          image: versions().images.etcd,
          members,
          pkiRoot: join(clusterDir(CLUSTER_NAME), 'etcd-pki'),
          etcdctlBinary: built.etcdctlBinary,
        },
        progress,
      ),
    );
    return up;
  };
  // The LB pair comes up before kind: kubeadm init and every join go through the VIP, and haproxy
  // finds the control planes by name as kind creates them (lb-pair.ts says why that is enough).
  const startLbPair = async (): Promise<LbPairRecord | undefined> => {
    const front = topology.layout.front;
    if (front.kind !== 'vip-pair' || lbImage === undefined) {
      return undefined;
    }
    const net = await ensureFixedSubnetNetwork('kind', progress);
    const problems = layoutProblemsOnNetwork(topology.layout, { subnet: net.subnet, usedAddresses: net.usedAddresses, dynamicRange: net.ipRange });
    if (problems.length > 0) {
      throw new UserFacingError(`topology ${topology.name} (${topology.file}): ${problems[0] ?? ''}`);
    }
    const up = await progress.timed(`starting the LB pair (keepalived + haproxy, VIP ${front.vip})`, () =>
      bringUpLbPair(
        {
          cluster: CLUSTER_NAME,
          namePrefix: CLUSTER_NAME,
          network: { ...net, name: 'kind' },
          image: lbImage,
          vip: front.vip,
          advertIntervalS: front.advertIntervalS,
          backends: kindControlPlaneNames(CLUSTER_NAME, topology.controlPlanes),
          configRoot: join(clusterDir(CLUSTER_NAME), 'lb'),
        },
        progress,
      ),
    );
    return up.record;
  };
  const prepareKindConfig = async (): Promise<ExternalEtcdRecord | undefined> => {
    const up = await startEtcd();
    if (topology.format === 'layout') {
      writeFileSync(kindConfigFile, renderKindConfig(topology.layout, topology.file, up?.wiring), { mode: 0o600 });
    }
    return up?.record;
  };
  let externalEtcd = await prepareKindConfig();
  const lbPair = await startLbPair();
  const state0 = {
    name: CLUSTER_NAME,
    topology: topology.name,
    topologyFile: topology.file,
    topologyDigest: digest,
    nodeImage: image,
    kindBinary: built.kindBinary,
    kubectlBinary: built.kubectlBinary,
    etcdctlBinary: built.etcdctlBinary,
    kubeconfig: kubeconfigPath(CLUSTER_NAME),
    createdAt: new Date().toISOString(),
    ...(topology.format === 'layout' ? { layout: topology.layout } : {}),
  };
  for (let attempt = 1; ; attempt += 1) {
    try {
      await progress.timed(`creating ${topology.name} (${describeRoles(topology)}) with kind ${versions().kind}`, () =>
        createCluster({
          kindBinary: built.kindBinary,
          name: CLUSTER_NAME,
          configFile: kindConfigFile,
          image,
          kubeconfig: state0.kubeconfig,
          timeoutMs: 15 * 60_000,
          onOutput: (line) => progress.detail(`kind: ${line}`),
        }),
      );
      break;
    } catch (err) {
      if (!isKindPortRace(err) || attempt >= KIND_CREATE_ATTEMPTS) {
        throw err;
      }
      progress.step(`kind drew one host port for two nodes (attempt ${attempt} of ${KIND_CREATE_ATTEMPTS}): deleting what it made and creating again`);
      if ((await getClusters(built.kindBinary)).includes(CLUSTER_NAME)) {
        await deleteCluster(built.kindBinary, CLUSTER_NAME, kubeconfigPath(CLUSTER_NAME));
      }
      // kubeadm init of the failed attempt wrote into the members: start from empty ones.
      if (externalEtcd !== undefined) {
        externalEtcd = await prepareKindConfig();
      }
    }
  }
  if (lbPair !== undefined) {
    await pointAtVip({ kubectlBinary: state0.kubectlBinary, kubeconfig: state0.kubeconfig }, lbPair, progress);
  }
  // localhost-nginx: nginx on every worker once kind made them (kubeadm's joins went through kind's
  // LB, kept for the host: LocalhostLbRecord.hostAccess); before the state is written, so a cluster
  // whose front did not come up is never taken for a healthy one.
  const localhostLb = nginxImage === undefined
    ? undefined
    : await bringUpLocalhostLb(
      {
        cluster: CLUSTER_NAME,
        kindBinary: built.kindBinary,
        kube: { kubectlBinary: state0.kubectlBinary, kubeconfig: state0.kubeconfig },
        image: nginxImage,
        controlPlanes: kindControlPlaneNames(CLUSTER_NAME, topology.controlPlanes),
        workers: (await kindContainers(CLUSTER_NAME)).filter((c) => c.role === 'worker').map((c) => c.name).sort(),
      },
      progress,
    );
  const state: ClusterState = {
    ...state0,
    ...(externalEtcd !== undefined ? { externalEtcd } : {}),
    ...(lbPair !== undefined ? { lbPair } : {}),
    ...(localhostLb !== undefined ? { localhostLb } : {}),
  };
  writeClusterState(state);
  clearDirty(CLUSTER_NAME);
  await waitUntilReady({ kubectlBinary: state.kubectlBinary, kubeconfig: state.kubeconfig }, topology, progress);
  if (localhostLb !== undefined) {
    const problems = await localhostLbProblems(localhostLb, kindControlPlaneNames(CLUSTER_NAME, topology.controlPlanes));
    if (problems.length > 0) {
      throw new Error(`the localhost-nginx front is not at its baseline after the nodes became Ready: ${problems.join('; ')}`);
    }
  }
  return { state, reused: false };
}

export interface DownResult {
  readonly deleted: boolean;
  readonly leftovers: readonly string[];
}

/** Delete the cluster, then prove nothing of it is left (containers, its network, its volumes). */
export async function clusterDown(progress: Progress): Promise<DownResult> {
  if (!(await dockerAnswers())) {
    throw new UserFacingError('No Docker engine answers: run `npm run engine` (nothing was changed)');
  }
  const state = readClusterState(CLUSTER_NAME);
  const before = await kindContainers(CLUSTER_NAME);
  // External etcd members are found by our labels, not the record: an `up` that failed half-way
  // may have started them without writing state.json.
  const membersBefore = await etcdMemberContainers(CLUSTER_NAME);
  const memberVolumesBefore = await etcdMemberVolumes(CLUSTER_NAME);
  const lbHostsBefore = await lbHostContainers(CLUSTER_NAME);
  if (before.length === 0 && !state && membersBefore.length === 0 && memberVolumesBefore.length === 0 && lbHostsBefore.length === 0 && !existsSync(clusterDir(CLUSTER_NAME))) {
    progress.step(`no cluster ${CLUSTER_NAME}: nothing to do`);
    return { deleted: false, leftovers: [] };
  }
  const volumesBefore = await containerVolumes(before.map((c) => c.name));
  const kindBinary = state?.kindBinary;
  if (kindBinary && existsSync(kindBinary)) {
    await progress.timed(`deleting cluster ${CLUSTER_NAME}`, () => deleteCluster(kindBinary, CLUSTER_NAME, kubeconfigPath(CLUSTER_NAME)));
  } else if (before.length > 0) {
    // kind itself is gone (cache wiped): remove by label, with the anonymous volumes.
    await docker(['rm', '-f', '-v', ...before.map((c) => c.name)], { timeoutMs: 120_000 });
  }
  // Before the network: the members are attached to it.
  const removedMembers = await removeExternalEtcd(CLUSTER_NAME);
  if (removedMembers.length > 0) {
    progress.step(`removed the external etcd members: ${removedMembers.join(', ')}`);
  }
  const removedLbHosts = await removeLbPair(CLUSTER_NAME);
  if (removedLbHosts.length > 0) {
    progress.step(`removed the LB hosts: ${removedLbHosts.join(', ')}`);
  }
  // kind leaves its shared "kind" network behind; it is ours when nothing else uses it.
  if ((await networkContainers('kind')).length === 0 && (await commandSucceeds(['docker', 'network', 'inspect', 'kind'], { timeoutMs: 10_000 }))) {
    await docker(['network', 'rm', 'kind'], { timeoutMs: 60_000 });
  }
  removeClusterState(CLUSTER_NAME);
  const leftovers: string[] = [];
  for (const c of await kindContainers(CLUSTER_NAME)) {
    leftovers.push(`container ${c.name}`);
  }
  for (const v of volumesBefore) {
    if (await commandSucceeds(['docker', 'volume', 'inspect', v], { timeoutMs: 10_000 })) {
      leftovers.push(`volume ${v}`);
    }
  }
  for (const c of await etcdMemberContainers(CLUSTER_NAME)) {
    leftovers.push(`etcd member container ${c.name}`);
  }
  for (const c of await lbHostContainers(CLUSTER_NAME)) {
    leftovers.push(`LB host container ${c.name}`);
  }
  for (const v of new Set([...memberVolumesBefore, ...(await etcdMemberVolumes(CLUSTER_NAME))])) {
    if (await commandSucceeds(['docker', 'volume', 'inspect', v], { timeoutMs: 10_000 })) {
      leftovers.push(`volume ${v}`);
    }
  }
  // The cluster dir holds the kubeconfig and, for external etcd, the PKI (CA key included).
  if (existsSync(clusterDir(CLUSTER_NAME))) {
    leftovers.push(`directory ${clusterDir(CLUSTER_NAME)}`);
  }
  if (await commandSucceeds(['docker', 'network', 'inspect', 'kind'], { timeoutMs: 10_000 })) {
    if ((await networkContainers('kind')).length === 0) {
      leftovers.push('network kind');
    }
  }
  return { deleted: true, leftovers };
}

async function containerVolumes(names: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const n of names) {
    const r = await docker(['inspect', '--format', '{{range .Mounts}}{{if eq .Type "volume"}}{{.Name}} {{end}}{{end}}', n], { timeoutMs: 30_000 });
    out.push(...r.stdout.trim().split(/\s+/).filter(Boolean));
  }
  return out;
}

export interface StatusReport {
  readonly state: ClusterState | undefined;
  readonly health: ClusterHealth;
}

export async function clusterStatus(): Promise<StatusReport> {
  if (!(await dockerAnswers())) {
    throw new UserFacingError('No Docker engine answers: run `npm run engine`');
  }
  const state = readClusterState(CLUSTER_NAME);
  return { state, health: await inspectClusterHealth(state) };
}

/**
 * A vip-pair's VIP checked against the cluster network as `up` will leave it (the cluster there now
 * removed), before anything is built, deleted or created: one line naming the fix.
 */
async function refuseUnusableVip(layout: ControlPlaneLayout): Promise<void> {
  if (layout.front.kind !== 'vip-pair') {
    return;
  }
  const ours = (c: string): boolean => c.startsWith(`${CLUSTER_NAME}-`);
  const net = await predictClusterNetwork('kind', ours);
  let reserved: string[] = [];
  try {
    reserved = lbAddresses(net.subnet, net.ipRange, []);
  } catch {
    // Reported by bringUpLbPair with its own fix; the VIP check does not depend on it.
  }
  const problems = layoutProblemsOnNetwork(layout, { subnet: net.subnet, usedAddresses: net.usedAddresses, dynamicRange: net.ipRange, reservedAddresses: reserved });
  if (problems.length > 0) {
    throw new UserFacingError(`topology ${layout.name}: ${problems[0] ?? ''} (nothing was changed)`);
  }
}

/**
 * After kind: the host kubeconfig points at the VIP (kind wrote its own LB's published port), and
 * kind's own LB, which nothing uses on a vip-pair cluster, is removed, so the cluster has one front.
 */
async function pointAtVip(kube: KubectlContext, lbPair: LbPairRecord, progress: Progress): Promise<void> {
  writeFileSync(kube.kubeconfig, kubeconfigWithServer(readFileSync(kube.kubeconfig, 'utf8'), vipServerUrl(lbPair.vip)), { mode: 0o600 });
  // kind hands the pod network's agent (podnet, in kind's kindnet DaemonSet) its own LB's name as
  // CONTROL_PLANE_ENDPOINT; with that LB gone podnet cannot list the nodes, never writes its CNI
  // config, and every node stays NotReady (seen on the first real lb-pair, 2026-12-07).
  const endpoint = `${lbPair.vip}:${APISERVER_PORT}`;
  await kubectl(kube, ['-n', 'kube-system', 'set', 'env', 'daemonset/kindnet', `CONTROL_PLANE_ENDPOINT=${endpoint}`], { timeoutMs: 30_000 });
  await progress.timed(`pointing the pod network (kindnet) at the VIP ${endpoint}`, () =>
    kubectl(kube, ['-n', 'kube-system', 'rollout', 'status', 'daemonset/kindnet', '--timeout=180s'], { timeoutMs: 190_000 }),
  );
  const kindLbs = (await kindContainers(CLUSTER_NAME)).filter((c) => c.role === 'external-load-balancer').map((c) => c.name);
  if (kindLbs.length > 0) {
    await docker(['rm', '--force', ...kindLbs], { timeoutMs: 60_000 });
    progress.step(`removed kind's own load balancer (${kindLbs.join(', ')}): every client uses the VIP ${lbPair.vip}`);
  }
}
