/**
 * "Replace a member that is gone for good" on kubeadm's stacked etcd, by etcd's runtime
 * reconfiguration procedure (etcd v3.6 "Runtime reconfiguration" and "Learner"): the member's data is
 * destroyed (not paused: gone), the loss is detected, the dead member is removed, a fresh member with
 * the same name and peer URL is added as a LEARNER (it does not vote, so adding it cannot cost
 * quorum), started with the cluster it joins (--initial-cluster from the add, state existing) and an
 * empty data directory, and promoted once etcd agrees it has caught up (etcd refuses to promote a
 * learner that is behind the leader, so the promote is retried).
 *
 * Before every membership change the procedure asks membershipChangeSafety (etcd's strict
 * reconfiguration rules) and records the answer; it refuses to make a change the model calls
 * unsafe, so the suite can show it never attempts one.
 *
 * What kubeadm would add on a real replacement (a new machine joined with `kubeadm join
 * --control-plane`) is not reproduced: kind cannot add a node to a running cluster, so the member
 * is replaced on the same node.
 */
import type { ClusterHandle } from '../cluster/cluster-handle.js';
import type { EtcdAccess } from '../cluster/etcd-access.js';
import { markDirty } from '../cluster/dirty.js';
import { etcdctlAttempt, etcdctlJson, memberIdHex, quoteLargeIntegers, type EtcdEndpointStatus, type EtcdMember } from '../runtime/etcdctl.js';
import { drillStep, type DrillContext } from './drill-step.js';
import { describeChange, membershipChangeSafety, type MemberState, type MembershipChange } from './membership-safety.js';
import { waitFor } from './restore-drill.js';
import { initialClusterFlag, manifestForRejoin } from './restore-plan.js';
import { etcdDataDir, readDrillManifest, startStaticPods, stopStaticPods, wipeMemberData, writeDrillManifest } from './stacked-members.js';

export const REPLACE_DRILL = 'replace-member';

export interface ReplaceDrillInput {
  readonly cluster: ClusterHandle;
  readonly etcd: EtcdAccess;
  readonly runId: string;
  /** The member whose host and data are lost (a follower: the drill must not need an election to lose it). */
  readonly victim: string;
  readonly stepTimeoutMs: number;
}

export interface ReplaceOutcome {
  readonly oldId: string;
  readonly newId: string;
  readonly lossAtMs: number;
  readonly fullToleranceAtMs: number;
}

/** Each member's id, name, learner flag, and whether its own endpoint answers a status call now. */
export async function memberStates(cluster: ClusterHandle, etcd: EtcdAccess, timeoutMs = 4_000): Promise<MemberState[]> {
  const ctx = { etcdctlBinary: cluster.info.etcdctlBinary, ...etcd.tls };
  const list = await etcdctlJson<{ members: EtcdMember[] }>(ctx, [...etcd.endpoints.values()], ['member', 'list'], 10_000);
  return Promise.all(list.members.map(async (m) => {
    const id = memberIdHex(m.ID);
    const endpoint = etcd.endpoints.get(m.name);
    let healthy = false;
    if (endpoint !== undefined) {
      try {
        const st = await etcdctlJson<EtcdEndpointStatus[]>(ctx, [endpoint], ['endpoint', 'status'], timeoutMs);
        healthy = st.length === 1 && memberIdHex(st[0]?.Status.leader ?? 0) !== '0';
      } catch {
        healthy = false;
      }
    }
    return { id, name: m.name, learner: m.isLearner === true, healthy };
  }));
}

export async function replaceStackedMember(ctx: DrillContext, input: ReplaceDrillInput): Promise<ReplaceOutcome> {
  if (input.cluster.layout.etcd.mode !== 'stacked') {
    throw new Error('the replacement drill is built for stacked etcd; replacing an external member container is not built yet');
  }
  const node = input.cluster.node(input.victim);
  const endpoint = input.etcd.endpoints.get(input.victim);
  if (endpoint === undefined) {
    throw new Error(`no etcd endpoint for ${input.victim}`);
  }
  const etcdctl = { etcdctlBinary: input.cluster.info.etcdctlBinary, ...input.etcd.tls };
  const others = [...input.etcd.endpoints].filter(([name]) => name !== input.victim).map(([, url]) => url);
  const mark = (name: string, startMs: number, endMs?: number): void => ctx.history.record(endMs === undefined ? { kind: 'phase', name, startMs } : { kind: 'phase', name, startMs, endMs });

  const before = await drillStep(ctx, REPLACE_DRILL, 'record-member', async () => {
    const states = await memberStates(input.cluster, input.etcd);
    const me = states.find((m) => m.name === input.victim);
    if (me === undefined) {
      throw new Error(`${input.victim} is not an etcd member`);
    }
    if (states.some((m) => !m.healthy || m.learner)) {
      throw new Error(`refusing to start: not every member is a healthy voter (${states.map((m) => `${m.name}${m.learner ? ' learner' : ''}${m.healthy ? '' : ' DOWN'}`).join(', ')})`);
    }
    const list = await etcdctlJson<{ members: EtcdMember[] }>(etcdctl, others, ['member', 'list'], 10_000);
    const peerUrl = list.members.find((m) => m.name === input.victim)?.peerURLs[0] ?? '';
    return { value: { states, oldId: me.id, peerUrl, dataDir: await etcdDataDir(node) }, detail: `${input.victim} is member ${me.id} at ${peerUrl}; ${states.length} healthy voters`, facts: { voters: states.length } };
  });

  const lossAtMs = ctx.clock.nowMs();
  mark('member-loss', lossAtMs);
  markDirty(input.cluster.info.name, `disaster-recovery drill ${input.runId} destroyed the etcd data of ${input.victim}; dirty until the replacement is verified`);
  await drillStep(ctx, REPLACE_DRILL, 'destroy-member', async () => {
    const pids = await stopStaticPods([node], 'etcd', input.stepTimeoutMs);
    const bytes = await wipeMemberData(node, before.dataDir);
    return { value: undefined, detail: `etcd pid ${pids[input.victim]} on ${input.victim} stopped for good and its data removed (${(bytes / 1024 / 1024).toFixed(1)} MiB)`, facts: { bytesDestroyed: bytes } };
  });
  await drillStep(ctx, REPLACE_DRILL, 'detect-loss', async () => {
    const states = await waitFor(input.stepTimeoutMs, `${input.victim} is seen down`, async () => {
      const s = await memberStates(input.cluster, input.etcd);
      return s.find((m) => m.name === input.victim)?.healthy === false ? s : undefined;
    });
    return { value: states, detail: `${input.victim} does not answer; ${states.filter((m) => m.healthy).length} of ${states.length} voters healthy`, facts: { healthyVoters: states.filter((m) => m.healthy).length, detectMs: ctx.clock.nowMs() - lossAtMs } };
  });
  mark('member-loss', lossAtMs, ctx.clock.nowMs());

  const replaceStart = ctx.clock.nowMs();
  mark('replacement', replaceStart);
  const guarded = async (change: MembershipChange, args: readonly string[]): Promise<string> => {
    const states = await memberStates(input.cluster, input.etcd);
    const answer = membershipChangeSafety(states, change);
    if (!answer.safe) {
      throw new Error(`the procedure refuses to ${describeChange(change)}: ${answer.reason}`);
    }
    const r = await etcdctlAttempt(etcdctl, others, args, 15_000);
    if (!r.ok) {
      throw new Error(`etcd refused to ${describeChange(change)} (exit ${r.exitCode}): ${r.stderr.slice(-300)}`);
    }
    return `${answer.reason}; etcd: ${r.stdout.trim().split('\n')[0] ?? ''}`;
  };
  await drillStep(ctx, REPLACE_DRILL, 'remove-member', async () => {
    const said = await guarded({ kind: 'remove', id: before.oldId }, ['member', 'remove', before.oldId]);
    return { value: undefined, detail: said, facts: { modelSafe: 1 } };
  });
  const added = await drillStep(ctx, REPLACE_DRILL, 'add-learner', async () => {
    const states = await memberStates(input.cluster, input.etcd);
    const answer = membershipChangeSafety(states, { kind: 'add-learner', name: input.victim });
    if (!answer.safe) {
      throw new Error(`the procedure refuses to add ${input.victim} as a learner: ${answer.reason}`);
    }
    const r = await etcdctlAttempt(etcdctl, others, ['member', 'add', input.victim, `--peer-urls=${before.peerUrl}`, '--learner', '-w', 'json'], 15_000);
    if (!r.ok) {
      throw new Error(`etcd refused to add ${input.victim} as a learner (exit ${r.exitCode}): ${r.stderr.slice(-300)}`);
    }
    const parsed = JSON.parse(quoteLargeIntegers(r.stdout)) as { member: EtcdMember; members: EtcdMember[] };
    const newId = memberIdHex(parsed.member.ID);
    const cluster = initialClusterFlag(parsed.members.map((m) => ({ name: memberIdHex(m.ID) === newId ? input.victim : m.name, peerUrl: m.peerURLs[0] ?? '' })));
    return { value: { newId, cluster }, detail: `${answer.reason}; learner ${newId} added, joins with --initial-cluster=${cluster}`, facts: { modelSafe: 1 } };
  });
  await drillStep(ctx, REPLACE_DRILL, 'start-learner', async () => {
    const manifest = await readDrillManifest(node, 'etcd');
    await writeDrillManifest(node, 'etcd', manifestForRejoin(manifest, added.cluster));
    const pids = await startStaticPods([node], 'etcd', {}, input.stepTimeoutMs);
    return { value: undefined, detail: `etcd pid ${pids[input.victim]} on ${input.victim} started on an empty data directory with --initial-cluster-state=existing` };
  });
  await drillStep(ctx, REPLACE_DRILL, 'promote-learner', async () => {
    const startedAt = ctx.clock.nowMs();
    let attempts = 0;
    let lastRefusal = '';
    await waitFor(input.stepTimeoutMs, `etcd promotes learner ${added.newId}`, async () => {
      const states = await memberStates(input.cluster, input.etcd);
      const answer = membershipChangeSafety(states, { kind: 'promote', id: added.newId });
      if (!answer.safe) {
        lastRefusal = `model: ${answer.reason}`;
        return undefined;
      }
      attempts += 1;
      const r = await etcdctlAttempt(etcdctl, others, ['member', 'promote', added.newId], 15_000);
      if (r.ok) {
        return true;
      }
      // "can only promote a learner member which is in sync with leader": not caught up yet.
      lastRefusal = r.stderr.slice(-200);
      return undefined;
    });
    return { value: undefined, detail: `learner ${added.newId} promoted after ${attempts} attempt(s), ${((ctx.clock.nowMs() - startedAt) / 1000).toFixed(1)} s after it started${lastRefusal === '' ? '' : ` (last refusal: ${lastRefusal})`}`, facts: { promoteAttempts: attempts, catchUpMs: ctx.clock.nowMs() - startedAt, modelSafe: 1 } };
  });
  const fullToleranceAtMs = await drillStep(ctx, REPLACE_DRILL, 'verify-membership', async () => {
    const states = await waitFor(input.stepTimeoutMs, 'every member is a healthy voter', async () => {
      const s = await memberStates(input.cluster, input.etcd);
      return s.length === before.states.length && s.every((m) => m.healthy && !m.learner) ? s : undefined;
    });
    const replaced = states.find((m) => m.name === input.victim);
    return {
      value: ctx.clock.nowMs(),
      detail: `${states.length} healthy voters, no learner; ${input.victim} is now member ${replaced?.id ?? '?'} (was ${before.oldId}); full tolerance ${((ctx.clock.nowMs() - lossAtMs) / 1000).toFixed(1)} s after the loss`,
      facts: { voters: states.filter((m) => !m.learner).length, learners: states.filter((m) => m.learner).length, healthy: states.filter((m) => m.healthy).length, expectedVoters: before.states.length, idChanged: replaced !== undefined && replaced.id !== before.oldId ? 1 : 0, replacementMs: ctx.clock.nowMs() - lossAtMs },
    };
  });
  mark('replacement', replaceStart, ctx.clock.nowMs());
  return { oldId: before.oldId, newId: added.newId, lossAtMs, fullToleranceAtMs };
}
