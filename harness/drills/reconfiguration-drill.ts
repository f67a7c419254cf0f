/**
 * "A membership change that would leave the cluster without quorum is refused" (etcd's strict
 * reconfiguration check). Run while one member is held down by a fault: ask etcd, through the
 * leader, for two changes the model (membership-safety.ts) calls unsafe —
 *   1. add a voting member that has not started (4 voters, 2 up: below the quorum of 3),
 *   2. remove a healthy voter (2 voters left, 1 up: below the quorum of 2),
 * and record, per attempt, what the model said, what etcd answered, and the membership before and
 * after. The phantom's peer URL is on loopback, so even an accepted add sends nothing anywhere.
 * An accepted add is undone at once (removing a member that never started is safe); an accepted
 * removal cannot be undone here, so the cluster is marked dirty and recreated by the next run.
 */
import type { ClusterHandle } from '../cluster/cluster-handle.js';
import type { EtcdAccess } from '../cluster/etcd-access.js';
import { markDirty } from '../cluster/dirty.js';
import { etcdctlAttempt, memberIdHex, quoteLargeIntegers, type EtcdMember } from '../runtime/etcdctl.js';
import { drillStep, type DrillContext } from './drill-step.js';
import { memberStates } from './member-replacement.js';
import { describeChange, membershipChangeSafety, type MembershipChange } from './membership-safety.js';
import { waitFor } from './restore-drill.js';

export const RECONFIGURATION_DRILL = 'reconfiguration';
const PHANTOM = { name: 'kube-ha-chaos-phantom', peerUrl: 'https://127.0.0.1:12380' };

export async function attemptUnsafeChanges(ctx: DrillContext, cluster: ClusterHandle, etcd: EtcdAccess, down: string, runId: string, strictCheck: string | undefined, timeoutMs: number): Promise<void> {
  if (strictCheck !== undefined && strictCheck !== 'true') {
    await drillStep(ctx, RECONFIGURATION_DRILL, 'strict-check-flag', async () => ({ value: undefined, detail: `etcd runs with --strict-reconfig-check=${strictCheck}: it would accept changes that lose quorum, so none is attempted on this cluster` }));
    return;
  }
  const etcdctl = { etcdctlBinary: cluster.info.etcdctlBinary, ...etcd.tls };
  const states = await drillStep(ctx, RECONFIGURATION_DRILL, 'member-down', async () => {
    const s = await waitFor(timeoutMs, `${down} is seen down by its peers`, async () => {
      const st = await memberStates(cluster, etcd);
      return st.find((m) => m.name === down)?.healthy === false && st.filter((m) => m.healthy).length > 0 ? st : undefined;
    });
    return { value: s, detail: `${down} is down; ${s.filter((m) => m.healthy).map((m) => m.name).join(', ')} healthy`, facts: { healthyVoters: s.filter((m) => m.healthy && !m.learner).length } };
  });
  const leaderEndpoints = [...etcd.endpoints].filter(([n]) => n !== down).map(([, u]) => u);
  const listMembers = async (): Promise<EtcdMember[]> => {
    const r = await etcdctlAttempt(etcdctl, leaderEndpoints, ['member', 'list', '-w', 'json'], 10_000);
    return (JSON.parse(quoteLargeIntegers(r.stdout)) as { members: EtcdMember[] }).members;
  };
  const healthyFollower = states.find((m) => m.healthy && m.name !== down && !m.learner);
  const attempts: [string, MembershipChange, readonly string[]][] = [
    ['attempt-add-unstarted-voter', { kind: 'add-voter', name: PHANTOM.name }, ['member', 'add', PHANTOM.name, `--peer-urls=${PHANTOM.peerUrl}`, '-w', 'json']],
    ...(healthyFollower === undefined ? [] : [['attempt-remove-healthy-voter', { kind: 'remove', id: healthyFollower.id }, ['member', 'remove', healthyFollower.id]] as [string, MembershipChange, readonly string[]]]),
  ];
  for (const [step, change, args] of attempts) {
    await drillStep(ctx, RECONFIGURATION_DRILL, step, async () => {
      const model = membershipChangeSafety(await memberStates(cluster, etcd), change);
      const before = await listMembers();
      const r = await etcdctlAttempt(etcdctl, leaderEndpoints, args, 15_000);
      // Listed before any undo: an accepted change shows here as a different membership.
      const after = await listMembers();
      if (r.ok && change.kind === 'add-voter') {
        // Undo at once: the phantom never starts, so removing it is always safe.
        const id = (JSON.parse(quoteLargeIntegers(r.stdout)) as { member: EtcdMember }).member.ID;
        await etcdctlAttempt(etcdctl, leaderEndpoints, ['member', 'remove', memberIdHex(id)], 15_000);
      } else if (r.ok) {
        markDirty(cluster.info.name, `disaster-recovery drill ${runId}: etcd ACCEPTED "${describeChange(change)}" with ${down} down; the membership cannot be restored here`);
      }
      const etcdSaid = r.ok ? 'ACCEPTED' : r.stderr.split('\n').filter((l) => l.trim() !== '').at(-1) ?? `exit ${r.exitCode}`;
      return {
        value: undefined,
        outcome: r.ok ? 'ok' : 'refused',
        detail: `${describeChange(change)} with ${down} down: model ${model.safe ? 'SAFE' : 'unsafe'} (${model.reason}): etcd ${etcdSaid}`,
        facts: { modelSafe: model.safe ? 1 : 0, membersBefore: before.length, membersAfter: after.length, quorumAfter: model.quorumAfter, healthyVotersAfter: model.healthyVotersAfter },
      };
    });
  }
}
