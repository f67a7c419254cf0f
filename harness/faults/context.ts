/**
 * What an injector needs: the cluster, the run's clock and history, the journal, a seeded random
 * source for target choice, and a live view of etcd membership (whom "leader" means right now).
 */
import type { ClusterHandle } from '../cluster/cluster-handle.js';
import type { EtcdAccess } from '../cluster/etcd-access.js';
import type { MonotonicClock } from '../probes/clock.js';
import type { History } from '../probes/history.js';
import type { MembershipView, Random } from '../targets/select.js';
import type { FaultJournal } from './journal.js';

export interface FaultContext {
  readonly runId: string;
  readonly cluster: ClusterHandle;
  readonly etcd: EtcdAccess;
  readonly clock: MonotonicClock;
  readonly history: History;
  readonly journal: FaultJournal;
  readonly random: Random;
  /** Resolved at injection time. */
  membership(): Promise<MembershipView>;
  /** How long a heal may take before the cluster is declared dirty. */
  readonly healTimeoutMs: number;
}
