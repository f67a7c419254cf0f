/**
 * The final read the durability check compares acknowledged writes against: after recovery, the
 * whole probe prefix read at one revision, from a member that has a leader (linearizable, so it
 * reflects every committed write, not a lagging member's view).
 *
 * Like the probes, these record and never judge: when no member can serve the read, they record a
 * note and return undefined, and the check reports `inconclusive` for lack of a snapshot.
 */
import { listConfigMaps } from '../runtime/kube-api.js';
import type { KubeApiCredentials } from '../runtime/kubeconfig.js';
import type { ReadSnapshot } from './history.js';
import { configMapKey, RUN_LABEL, runLabelValue, runObjectPrefix } from './api-write-probe.js';
import { openMemberClients, probeKeyPrefix, type EtcdTargets } from './etcd-targets.js';
import { errorText, type ProbeContext } from './probe.js';

/** Options of the etcd snapshot. */
export interface EtcdSnapshotOptions {
  readonly targets: EtcdTargets;
  readonly runId: string;
  /** Prefix to read; default the run's probe prefix. */
  readonly prefix?: string;
  /** Whose writes the snapshot covers; default 'etcd-write'. */
  readonly probe?: string;
  /** Members to try, in order; default the endpoints' order. */
  readonly members?: readonly string[];
  /** Per-call deadline (per page). Default 10 s. */
  readonly timeoutMs?: number;
}

/** Reads the prefix from the first member that has a leader and answers; records a ReadSnapshot. */
export async function takeEtcdSnapshot(ctx: ProbeContext, opts: EtcdSnapshotOptions): Promise<ReadSnapshot | undefined> {
  const prefix = opts.prefix ?? probeKeyPrefix(opts.runId);
  const probe = opts.probe ?? 'etcd-write';
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const order = opts.members ?? [...opts.targets.endpoints.keys()];
  const clients = openMemberClients(opts.targets, timeoutMs, order);
  clients.sort((a, b) => order.indexOf(a.member) - order.indexOf(b.member));
  const problems: string[] = [];
  try {
    for (const { member, client } of clients) {
      try {
        // A member without a leader would fail the linearizable read anyway; asking first gives a
        // clearer note.
        const status = await client.status();
        if (status.leaderId === '0') {
          problems.push(`${member}: no leader`);
          continue;
        }
        const read = await client.rangePrefix(prefix);
        const snapshot: ReadSnapshot = { kind: 'snapshot', atMs: ctx.clock.nowMs(), probe, target: member, prefix, revision: read.revision, entries: read.entries };
        ctx.history.record(snapshot);
        return snapshot;
      } catch (err) {
        problems.push(`${member}: ${errorText(err)}`);
      }
    }
  } finally {
    for (const c of clients) {
      c.client.close();
    }
  }
  ctx.history.record({ kind: 'note', atMs: ctx.clock.nowMs(), source: 'final-snapshot', text: `no etcd snapshot of ${prefix}: ${problems.join('; ')}` });
  return undefined;
}

/** Options of the API snapshot. */
export interface ApiSnapshotOptions {
  readonly creds: KubeApiCredentials;
  readonly runId: string;
  readonly namespace: string;
  /** Probe names whose writes it covers (one snapshot entry each); default ['api-write']. */
  readonly probes?: readonly string[];
  /** Per-page deadline. Default 10 s. */
  readonly timeoutMs?: number;
}

/**
 * Lists the run's ConfigMaps through the LB (a list without resourceVersion is served from etcd
 * with a quorum read) and records them as snapshots, keys and values as the API probe records them.
 */
export async function takeApiSnapshot(ctx: ProbeContext, opts: ApiSnapshotOptions): Promise<readonly ReadSnapshot[]> {
  const probes = opts.probes ?? ['api-write'];
  try {
    const list = await listConfigMaps(opts.creds, opts.namespace, { timeoutMs: opts.timeoutMs ?? 10_000, labelSelector: `${RUN_LABEL}=${runLabelValue(opts.runId)}` });
    const entries = list.items.map((cm) => ({ key: configMapKey(opts.namespace, cm.name), value: cm.data['seq'] ?? '', modRevision: cm.resourceVersion }));
    // Every worker's names start with this; the check filters writes by the snapshot's prefix.
    const prefix = configMapKey(opts.namespace, runObjectPrefix(opts.runId));
    const atMs = ctx.clock.nowMs();
    return probes.map((probe) => {
      const s: ReadSnapshot = { kind: 'snapshot', atMs, probe, target: 'lb', prefix, revision: list.resourceVersion, entries };
      ctx.history.record(s);
      return s;
    });
  } catch (err) {
    ctx.history.record({ kind: 'note', atMs: ctx.clock.nowMs(), source: 'final-snapshot', text: `no API snapshot of ${opts.namespace}: ${errorText(err)}` });
    return [];
  }
}
