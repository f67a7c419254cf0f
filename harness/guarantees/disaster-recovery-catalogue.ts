/**
 * The disaster-recovery guarantees (issue 12), as data: what etcd and Kubernetes document about
 * snapshots, restores and membership changes, with thresholds derived from the cluster's etcd timers
 * and a pure check each (disaster-recovery-checks.ts).
 */
import { timerConsensus, type EtcdTimers } from './flags.js';
import type { Guarantee } from './catalogue.js';
import {
  checkReplacementKeepsQuorum,
  checkReplacementRestoresTolerance,
  checkRestoredClusterServes,
  checkRestoreRecoversSnapshotState,
  checkSnapshotCoversAcknowledgedWrites,
  checkUnsafeReconfigurationRefused,
} from './disaster-recovery-checks.js';
import {
  ETCD_API_GUARANTEES,
  ETCD_DISASTER_RECOVERY,
  ETCD_DOCS_VERSION,
  ETCD_LEARNER,
  ETCD_RECONFIG_CHECK_SOURCE,
  ETCD_RUNTIME_RECONFIGURATION,
  K8S_ETCD_BACKUP_RESTORE,
  KUBERNETES_DOCS_VERSION,
} from './sources.js';
import { deriveEtcdThresholds, type ProbeSettings } from './thresholds.js';

export const DISASTER_RECOVERY_IDS = [
  'disaster-recovery.snapshot-covers-acknowledged-writes',
  'disaster-recovery.restore-recovers-snapshot-state',
  'disaster-recovery.restored-cluster-serves',
  'disaster-recovery.replacement-keeps-quorum',
  'disaster-recovery.replacement-restores-tolerance',
  'disaster-recovery.unsafe-reconfiguration-refused',
] as const;
export type DisasterRecoveryGuaranteeId = (typeof DISASTER_RECOVERY_IDS)[number];

export interface DisasterRecoveryCatalogue {
  readonly guarantees: readonly Guarantee[];
  get(id: DisasterRecoveryGuaranteeId): Guarantee;
  readonly notes: readonly string[];
}

/** The longest a whole-cluster restore may take before the drill calls it failed (the README's goal is 3 min). */
export const MAX_TIME_TO_RESTORE_MS = 360_000;

export function buildDisasterRecoveryCatalogue(input: { readonly timersByMember: Readonly<Record<string, EtcdTimers>>; readonly probes: ProbeSettings }): DisasterRecoveryCatalogue {
  const timers = timerConsensus(input.timersByMember);
  const t = deriveEtcdThresholds(timers.worstCase, input.probes);
  const mk = (g: Omit<Guarantee, 'check' | 'alsoSee'> & { check: Guarantee['check']; alsoSee?: readonly string[] }): Guarantee => ({ alsoSee: [], ...g });
  const guarantees: Guarantee[] = [
    mk({
      id: 'disaster-recovery.snapshot-covers-acknowledged-writes',
      statement: 'A snapshot taken under load is consistent: its revision is at least that of every write acknowledged before the save began, and the file holds each of them (read back from it on a loopback etcd).',
      source: ETCD_DISASTER_RECOVERY,
      sourceVersion: ETCD_DOCS_VERSION,
      alsoSee: [ETCD_API_GUARANTEES, K8S_ETCD_BACKUP_RESTORE],
      thresholds: { minAcknowledgedBeforeSnapshot: 20 },
      derivation: { minAcknowledgedBeforeSnapshot: 'enough acknowledged writes before the save for the comparison to mean something (the probes write ~10/s per member)' },
      check: (h, g) => checkSnapshotCoversAcknowledgedWrites(h, g),
    }),
    mk({
      id: 'disaster-recovery.restore-recovers-snapshot-state',
      statement: 'After every member\'s data is destroyed and the snapshot restored on every member, every write acknowledged at or below the snapshot\'s revision is present with its value; writes acknowledged after it are lost (counted, by design), and none of them survives.',
      source: ETCD_DISASTER_RECOVERY,
      sourceVersion: ETCD_DOCS_VERSION,
      alsoSee: [K8S_ETCD_BACKUP_RESTORE],
      thresholds: { minAcknowledgedBetween: 10 },
      derivation: { minAcknowledgedBetween: 'writes acknowledged between the snapshot and the disaster, so "lost by design" is measured, not assumed (the drill writes for several seconds after the snapshot)' },
      check: (h, g) => checkRestoreRecoversSnapshotState(h, g),
    }),
    mk({
      id: 'disaster-recovery.restored-cluster-serves',
      statement: 'After the restore the API serves again, the Deployment and Service that existed before the snapshot are there and serve, and nodes, leases and controllers recover without restarts beyond the documented procedure (stop the apiservers, restore every member, start the apiservers); a component that needed a restart is a finding.',
      source: K8S_ETCD_BACKUP_RESTORE,
      sourceVersion: KUBERNETES_DOCS_VERSION,
      alsoSee: [ETCD_DISASTER_RECOVERY],
      thresholds: { maxTimeToRestoreMs: MAX_TIME_TO_RESTORE_MS },
      derivation: { maxTimeToRestoreMs: 'the drill\'s deadline for the whole procedure (stop, destroy, restore, start, API ready); the measured time is the number to read, the README\'s goal is 3 min on this 2-core host' },
      check: (h, g) => checkRestoredClusterServes(h, g),
    }),
    mk({
      id: 'disaster-recovery.replacement-keeps-quorum',
      statement: 'Losing a member for good (host and data) and replacing it by runtime reconfiguration (remove the dead member, add the new one as a learner, promote it once caught up) never costs quorum: writes through the other members keep succeeding, every change is one the strict reconfiguration check allows, and the cluster ends with every member a healthy voter.',
      source: ETCD_RUNTIME_RECONFIGURATION,
      sourceVersion: ETCD_DOCS_VERSION,
      alsoSee: [ETCD_LEARNER, ETCD_RECONFIG_CHECK_SOURCE],
      thresholds: { maxWriteOutageMs: t.values.maxFollowerLossOutageMs },
      derivation: { maxWriteOutageMs: `a lost follower needs no election: ${t.derivation.maxFollowerLossOutageMs}` },
      check: (h, g) => checkReplacementKeepsQuorum(h, g),
    }),
    mk({
      id: 'disaster-recovery.replacement-restores-tolerance',
      statement: 'Once replaced, the cluster tolerates a failure again: with a different member (the leader when it can be) held down, writes through the remaining members, the replaced one included, go on.',
      source: ETCD_RUNTIME_RECONFIGURATION,
      sourceVersion: ETCD_DOCS_VERSION,
      thresholds: { maxWriteOutageMs: t.values.maxMinorityLossOutageMs },
      derivation: { maxWriteOutageMs: t.derivation.maxMinorityLossOutageMs },
      check: (h, g) => checkReplacementRestoresTolerance(h, g),
    }),
    mk({
      id: 'disaster-recovery.unsafe-reconfiguration-refused',
      statement: 'With one member down, etcd refuses membership changes that would leave it without quorum (adding a voter that has not started, removing a healthy voter): --strict-reconfig-check, on by default; the membership is unchanged after each refusal.',
      source: ETCD_RUNTIME_RECONFIGURATION,
      sourceVersion: ETCD_DOCS_VERSION,
      alsoSee: [ETCD_RECONFIG_CHECK_SOURCE],
      thresholds: { accepted: 0 },
      derivation: { accepted: 'every attempted change is one the check must refuse' },
      check: (h, g) => checkUnsafeReconfigurationRefused(h, g),
    }),
  ];
  const byId = new Map(guarantees.map((g) => [g.id, g]));
  return {
    guarantees,
    get(id) {
      const g = byId.get(id);
      if (g === undefined) {
        throw new Error(`unknown disaster-recovery guarantee ${id}`);
      }
      return g;
    },
    notes: [
      `etcd timers (slowest member): heartbeat ${timers.worstCase.heartbeatIntervalMs} ms, election timeout ${timers.worstCase.electionTimeoutMs} ms${timers.consistent ? ', the same on every member' : ', NOT the same on every member'}`,
      'snapshots hold every Secret of the cluster: they live in a 0700 temp directory and are removed after the suite; reports show their revision and hash only',
      'kind cannot add a machine to a running cluster, so a member lost for good is replaced on the same node (kubeadm would join a new control plane)',
    ],
  };
}
