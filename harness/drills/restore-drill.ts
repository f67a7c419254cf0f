/**
 * "Restore after losing all data" on kubeadm's stacked etcd, the way the Kubernetes and etcd docs
 * tell an operator to do it (kubernetes.io "Operating etcd clusters for Kubernetes: Restoring an
 * etcd cluster"; etcd v3.6 "Disaster recovery"):
 *
 *   disaster: every kube-apiserver stopped, every etcd member stopped, every member's data destroyed;
 *   restore:  the same snapshot restored as every member (same names and peer URLs, a new cluster
 *             token, the revision bumped and marked compacted so clients holding newer revisions
 *             relist), every etcd started again, then every kube-apiserver.
 *
 * Nothing else is restarted: whether the controllers and kubelets recover by themselves is what the
 * drill judges (the docs recommend restarting them; a cluster that needs it is a finding).
 *
 * The cluster is marked dirty before the first byte is destroyed and stays so until the caller has
 * verified the restored cluster at its baseline: a drill that stops half-way is recreated by the
 * next run, never reused.
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { ClusterHandle } from '../cluster/cluster-handle.js';
import type { EtcdAccess } from '../cluster/etcd-access.js';
import { markDirty } from '../cluster/dirty.js';
import { readEtcdView } from '../cluster/etcd-status.js';
import type { SecretDir } from '../cluster/secrets.js';
import type { ClusterNode } from '../nodes/node-access.js';
import { etcdctlJson, type EtcdMember } from '../runtime/etcdctl.js';
import { etcdToolsBeside, etcdutl } from '../runtime/etcdutl.js';
import { readyz } from '../runtime/kube-api.js';
import type { KubeApiCredentials } from '../runtime/kubeconfig.js';
import { drillStep, type DrillContext } from './drill-step.js';
import type { TakenSnapshot } from './etcd-snapshot.js';
import { restoreCommands, type PlannedMember } from './restore-plan.js';
import { etcdDataDir, installMemberData, startStaticPods, stopStaticPods, wipeMemberData } from './stacked-members.js';

export const RESTORE_DRILL = 'restore';

export interface RestoreDrillInput {
  readonly cluster: ClusterHandle;
  readonly etcd: EtcdAccess;
  readonly creds: KubeApiCredentials;
  readonly snapshot: TakenSnapshot;
  readonly secrets: SecretDir;
  readonly runId: string;
  /** etcd: larger than the writes since the snapshot; 1e9 leaves no doubt. */
  readonly bumpRevision: number;
  /** Longest any one wait (members stop, members healthy, API ready) may take. */
  readonly stepTimeoutMs: number;
}

export interface RestoreOutcome {
  /** Run clock: the first destructive action, etcd healthy again, the API answering /readyz. */
  readonly disasterAtMs: number;
  readonly etcdBackAtMs: number;
  readonly apiBackAtMs: number;
}

/** Reads who the members are (names, peer URLs, data dirs) while the cluster still knows. */
async function membersToRestore(input: RestoreDrillInput): Promise<{ members: PlannedMember[]; dataDirs: Map<string, string> }> {
  const list = await etcdctlJson<{ members: EtcdMember[] }>({ etcdctlBinary: input.cluster.info.etcdctlBinary, ...input.etcd.tls }, [...input.etcd.endpoints.values()], ['member', 'list'], 15_000);
  const members = list.members.map((m) => ({ name: m.name, peerUrl: m.peerURLs[0] ?? '' }));
  const nodes = new Set(input.cluster.controlPlaneNodes.map((n) => n.name));
  const strangers = members.filter((m) => !nodes.has(m.name));
  if (strangers.length > 0 || members.length !== nodes.size) {
    throw new Error(`stacked restore expects one member per control-plane node, found members ${members.map((m) => m.name).join(', ')} for nodes ${[...nodes].join(', ')}`);
  }
  const dataDirs = new Map<string, string>();
  for (const n of input.cluster.controlPlaneNodes) {
    dataDirs.set(n.name, await etcdDataDir(n));
  }
  return { members, dataDirs };
}

export async function restoreStackedEtcd(ctx: DrillContext, input: RestoreDrillInput): Promise<RestoreOutcome> {
  if (input.cluster.layout.etcd.mode !== 'stacked') {
    throw new Error('the restore drill is built for stacked etcd; external members are restored by recreating their containers (not built yet)');
  }
  const nodes: readonly ClusterNode[] = input.cluster.controlPlaneNodes;
  const plan = await drillStep(ctx, RESTORE_DRILL, 'record-membership', async () => {
    const p = await membersToRestore(input);
    return { value: p, detail: `members ${p.members.map((m) => `${m.name}=${m.peerUrl}`).join(', ')}; data in ${[...new Set(p.dataDirs.values())].join(', ')}`, facts: { members: p.members.length } };
  });
  const mark = (name: string, startMs: number, endMs?: number): void => ctx.history.record(endMs === undefined ? { kind: 'phase', name, startMs } : { kind: 'phase', name, startMs, endMs });

  const disasterAtMs = ctx.clock.nowMs();
  mark('disaster', disasterAtMs);
  markDirty(input.cluster.info.name, `disaster-recovery drill ${input.runId} destroyed etcd's data; dirty until the restored cluster is verified`);
  const apiPids = await drillStep(ctx, RESTORE_DRILL, 'stop-apiservers', async () => {
    const pids = await stopStaticPods(nodes, 'kube-apiserver', input.stepTimeoutMs);
    return { value: pids, detail: `kube-apiserver stopped on every control plane (pids ${Object.values(pids).join(', ')} gone)`, facts: { nodes: nodes.length } };
  });
  const etcdPids = await drillStep(ctx, RESTORE_DRILL, 'stop-members', async () => {
    const pids = await stopStaticPods(nodes, 'etcd', input.stepTimeoutMs);
    return { value: pids, detail: `etcd stopped on every control plane (pids ${Object.values(pids).join(', ')} gone)`, facts: { members: nodes.length } };
  });
  await drillStep(ctx, RESTORE_DRILL, 'destroy-data', async () => {
    let bytes = 0;
    for (const n of nodes) {
      bytes += await wipeMemberData(n, plan.dataDirs.get(n.name) ?? '/var/lib/etcd');
    }
    return { value: undefined, detail: `every member's data directory removed (${(bytes / 1024 / 1024).toFixed(1)} MiB of WAL and backend)`, facts: { bytesDestroyed: bytes } };
  });
  mark('disaster', disasterAtMs, ctx.clock.nowMs());

  const restoreStart = ctx.clock.nowMs();
  mark('restore', restoreStart);
  const token = `kube-ha-chaos-restore-${input.runId}`.slice(0, 60);
  await drillStep(ctx, RESTORE_DRILL, 'restore-snapshot', async () => {
    const tools = etcdToolsBeside(input.cluster.info.etcdctlBinary);
    const hostRoot = join(input.secrets.dir, 'restored');
    mkdirSync(hostRoot, { recursive: true, mode: 0o700 });
    const cmds = restoreCommands({ snapshotFile: input.snapshot.file, members: plan.members, clusterToken: token, bumpRevision: input.bumpRevision, dataDirOf: (name) => join(hostRoot, name) });
    for (const c of cmds) {
      await etcdutl(tools.etcdutl, c.args, 120_000);
      const node = input.cluster.node(c.member);
      await installMemberData(node, plan.dataDirs.get(c.member) ?? '/var/lib/etcd', c.dataDir, join(hostRoot, `${c.member}.tar`));
    }
    return {
      value: undefined,
      detail: `snapshot at revision ${input.snapshot.revision} restored as ${cmds.length} members (token ${token}, revision bumped by ${input.bumpRevision}, marked compacted)`,
      facts: { snapshotRevision: input.snapshot.revision, bumpRevision: input.bumpRevision, members: cmds.length },
    };
  });
  await drillStep(ctx, RESTORE_DRILL, 'start-members', async () => {
    const pids = await startStaticPods(nodes, 'etcd', etcdPids, input.stepTimeoutMs);
    return { value: pids, detail: `etcd running again on every control plane (pids ${Object.entries(pids).map(([n, p]) => `${n} ${etcdPids[n]} -> ${p}`).join(', ')})` };
  });
  const etcdBackAtMs = await drillStep(ctx, RESTORE_DRILL, 'members-healthy', async () => {
    const view = await waitFor(input.stepTimeoutMs, 'every restored member answers and one leads', async () => {
      const v = await readEtcdView(input.cluster.info.etcdctlBinary, input.etcd, 5_000);
      const leaders = new Set(v.statuses.map((s) => s.leaderId).filter((l) => l !== '0'));
      return v.statuses.length === plan.members.length && leaders.size === 1 && v.members.length === plan.members.length ? v : undefined;
    });
    const revision = Math.max(...view.statuses.map((s) => s.revision));
    return { value: ctx.clock.nowMs(), detail: `${view.members.length} members, one leader, revision ${revision}`, facts: { members: view.members.length, revision } };
  });
  await drillStep(ctx, RESTORE_DRILL, 'start-apiservers', async () => {
    const pids = await startStaticPods(nodes, 'kube-apiserver', apiPids, input.stepTimeoutMs);
    return { value: pids, detail: `kube-apiserver running again on every control plane` };
  });
  const apiBackAtMs = await drillStep(ctx, RESTORE_DRILL, 'api-ready', async () => {
    await waitFor(input.stepTimeoutMs, 'the API answers /readyz through the load balancer', async () => ((await readyz(input.creds, { timeoutMs: 3_000 }).catch(() => ({ ready: false }))).ready ? true : undefined));
    const at = ctx.clock.nowMs();
    return { value: at, detail: `API ready ${((at - disasterAtMs) / 1000).toFixed(1)} s after the disaster began`, facts: { timeToRestoreMs: at - disasterAtMs } };
  });
  mark('restore', restoreStart, ctx.clock.nowMs());
  return { disasterAtMs, etcdBackAtMs, apiBackAtMs };
}

/** Polls `probe` every second until it returns a value or `timeoutMs` passes (then throws naming `what`). */
export async function waitFor<T>(timeoutMs: number, what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) {
        return v;
      }
    } catch (e) {
      last = e instanceof Error ? e.message.split('\n')[0] ?? '' : String(e);
    }
    if (performance.now() > deadline) {
      throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting until ${what}${last === '' ? '' : ` (last: ${last.slice(0, 200)})`}`);
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
}
