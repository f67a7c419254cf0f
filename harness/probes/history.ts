/**
 * The run's single, append-only record: what every probe did and saw, and when faults and phases
 * began and ended, all on the one monotonic clock (see clock.ts).
 *
 * Probes record; they never judge. Checks (harness/checks/) read a History and judge; they never do
 * I/O. Because the history is plain data with a JSON-lines form, a stored history can be re-checked
 * later (etcd's robustness `testdata/` replay; Jepsen's single history of client and nemesis ops).
 *
 * Naming convention shared by probes, faults and checks: `Operation.target`, `LeaderObservation.member`
 * and `FaultEvent.targets` all use the control-plane NODE name (e.g. `ha-3cp-control-plane2`), so a
 * check can tell which operations went through a faulted member without a lookup table. The same holds
 * for the control-plane observations: `NodeConditionObservation.node`, `BackendStateObservation.server`
 * (kind names haproxy's servers after the nodes), the `via` of lease / node / endpoints reads ('lb' or
 * the node of the apiserver asked directly), and the node part of a lease holder's identity
 * (`<node>_<uuid>`). Requests through the load balancer have target 'lb'.
 */

/** Jepsen's ok / fail / info: `unknown` means we cannot tell whether it took effect (e.g. a timeout). */
export type Outcome = 'ok' | 'fail' | 'unknown';

/** One request a probe made, from invocation to completion. */
export interface Operation {
  /** Which probe made it, e.g. 'etcd-write'. */
  readonly probe: string;
  /** What it did, e.g. 'put', 'get-linearizable', 'create-configmap'. */
  readonly op: string;
  /** Node (or endpoint) the request was actually sent to. */
  readonly target: string;
  /** Monotonic ms (run clock) when the request was sent. */
  readonly invokedAtMs: number;
  /** Monotonic ms when the response (or the client deadline) arrived. */
  readonly completedAtMs: number;
  readonly outcome: Outcome;
  /** Error text for fail/unknown; already redacted by the probe. */
  readonly error?: string;
  /** Key written or read, for durability and watch checks. */
  readonly key?: string;
  /** Value written (or read). */
  readonly value?: string;
  /** etcd revision (or Kubernetes resourceVersion as a number) returned by an ok write. */
  readonly revision?: number;
}

/** An Operation as stored in the history (tagged so the JSON-lines form is self-describing). */
export interface OperationEntry extends Operation {
  readonly kind: 'op';
}

/** One successful status poll of one etcd member: whom it believes to be leader, in which term. */
export interface LeaderObservation {
  readonly kind: 'leader';
  readonly atMs: number;
  /** Node name of the member that was polled. */
  readonly member: string;
  /** The polled member's own etcd id (hex), when the status header carried it. */
  readonly memberId?: string;
  /** The leader id the member reported (hex); '0' means "no leader" (etcd reports 0 during elections). */
  readonly leaderId: string;
  readonly term: number;
  readonly revision: number;
  readonly raftIndex?: number;
}

/** A status poll that failed or timed out: the member did not answer. */
export interface StatusErrorObservation {
  readonly kind: 'leader-error';
  readonly atMs: number;
  readonly member: string;
  readonly outcome: 'fail' | 'unknown';
  readonly error: string;
}

/** A fault was put into effect, or healed. */
export interface FaultEvent {
  readonly kind: 'fault-injected' | 'fault-healed';
  /**
   * For 'fault-injected': when the injector confirmed the fault is in effect (its command returned).
   * For 'fault-healed': when the heal was confirmed (process back, rules removed).
   */
  readonly atMs: number;
  /**
   * When the injecting (or healing) action was issued. The fault took effect somewhere in
   * [issuedAtMs, atMs]; durations measured FROM a fault start from here are therefore upper bounds.
   */
  readonly issuedAtMs?: number;
  readonly faultId: string;
  /** One-line human summary of the fault spec, e.g. 'kill-process etcd SIGKILL on leader'. */
  readonly summary: string;
  /** Concrete node names, never selectors. */
  readonly targets: readonly string[];
  /** A heal that failed (the cluster is then tainted). */
  readonly error?: string;
}

/** Well-known phase names; suites may add their own. */
export type PhaseName = 'baseline' | 'fault' | 'heal' | 'recovery' | (string & {});

/**
 * A scenario phase. Recorded at its start without `endMs` (so a crash still leaves the start), and
 * again with `endMs` when it ends; `History.phases()` resolves the pair.
 */
export interface PhaseMark {
  readonly kind: 'phase';
  readonly name: PhaseName;
  readonly startMs: number;
  readonly endMs?: number;
}

/** A watch stream (re)started from a revision; every event until the next start belongs to it. */
export interface WatchStart {
  readonly kind: 'watch-start';
  readonly atMs: number;
  /** Stable name of the watch probe worker, e.g. 'etcd-watch'. */
  readonly watcher: string;
  readonly target: string;
  /** Key prefix watched. */
  readonly prefix: string;
  /** First revision the stream asked for (inclusive). */
  readonly fromRevision: number;
}

/** One event delivered on a watch stream. */
export interface WatchEvent {
  readonly kind: 'watch';
  readonly atMs: number;
  readonly watcher: string;
  readonly key: string;
  readonly value: string;
  /** The event's mod revision. */
  readonly revision: number;
  readonly type?: 'put' | 'delete';
}

/** A key's value as read at some revision. */
export interface KeyValueAt {
  readonly key: string;
  readonly value: string;
  /** Revision of the last write to the key, when the read returned it. */
  readonly modRevision?: number;
}

/** A consistent read of a whole prefix at one revision (a list, or a relist after a watch reset). */
export interface PrefixRead {
  readonly revision: number;
  readonly entries: readonly KeyValueAt[];
}

/**
 * A watch stream ended abnormally. After a 410 / compaction the probe relists (`relist`) and starts a
 * new stream after the relist revision; after another error it resumes from its last revision + 1.
 */
export interface WatchReset {
  readonly kind: 'watch-reset';
  readonly atMs: number;
  readonly watcher: string;
  readonly reason: 'compacted' | 'error';
  readonly error?: string;
  readonly compactRevision?: number;
  readonly relist?: PrefixRead;
}

/** A final (or intermediate) read of the probe keys, used by the durability check. */
export interface ReadSnapshot extends PrefixRead {
  readonly kind: 'snapshot';
  readonly atMs: number;
  /** The probe whose writes this snapshot covers, e.g. 'etcd-write'. */
  readonly probe: string;
  readonly target: string;
  readonly prefix: string;
}

/** One scrape of a counter or gauge, e.g. etcd_server_leader_changes_seen_total on one member. */
export interface MetricSample {
  readonly kind: 'metric';
  readonly atMs: number;
  readonly member: string;
  readonly name: string;
  readonly value: number;
}

/** Free-form annotation for the timeline (lease handover, node condition change, ...). */
export interface Note {
  readonly kind: 'note';
  readonly atMs: number;
  readonly source: string;
  readonly text: string;
}

/**
 * One successful read of a leader-election Lease (coordination.k8s.io/v1), e.g.
 * kube-system/kube-scheduler. The times are the holder's own wall-clock stamps, as written into the
 * Lease; `atMs` is the run clock when the answer arrived.
 */
export interface LeaseObservation {
  readonly kind: 'lease';
  readonly atMs: number;
  readonly namespace: string;
  /** metadata.name, e.g. 'kube-controller-manager'. */
  readonly lease: string;
  /** spec.holderIdentity; '' when nobody holds it (never acquired, or released on a clean stop). */
  readonly holder: string;
  /** spec.leaseTransitions. */
  readonly transitions?: number;
  readonly renewTimeIso?: string;
  readonly acquireTimeIso?: string;
  /** spec.leaseDurationSeconds (1 in a record written by a release). */
  readonly durationS?: number;
  /** Who answered: 'lb' or the node name of the apiserver asked directly. */
  readonly via: string;
}

/**
 * What a leader-election instance wrote in its own log (client-go leaderelection, read from the
 * container logs on its node after the case): it started trying, it acquired, it lost the lease, or
 * simply its last line (proof it was still running then). Times are the log's wall-clock stamps;
 * `atMs` is the same instant on the run clock (wall - the run's start).
 */
export interface LeaseLogEvent {
  readonly kind: 'lease-log';
  readonly atMs: number;
  readonly wallIso: string;
  /** e.g. 'kube-system/kube-scheduler'. */
  readonly lease: string;
  readonly node: string;
  /** The container instance: its log file on the node (one per restart), e.g. 'kube-scheduler/3.log'. */
  readonly instance: string;
  readonly event: 'attempting' | 'acquired' | 'lost' | 'last-line';
}

/** `via` of the lease records the lease watch makes (lease-observer.ts). */
export const LEASE_WATCH_VIA = 'watch';

/** Which poller a PollError belongs to: the kind of observation the poll would have produced. */
export type PollerKind = 'lease' | 'node' | 'lb-backend' | 'endpoints' | 'pods';

/**
 * A poll of an observer (leases, nodes, haproxy stats, endpoints, pods) that got no answer from
 * anyone it tried. Drawn as "unreachable" on that poller's lanes; never counted as a state.
 */
export interface PollError {
  readonly kind: 'poll-error';
  readonly atMs: number;
  readonly poller: PollerKind;
  /** What was polled, e.g. 'kube-system' (leases), 'nodes', the LB node name, 'default/kubernetes'. */
  readonly target: string;
  readonly outcome: 'fail' | 'unknown';
  readonly error: string;
}

/** A failed lease poll (a PollError of the lease observer). */
export type LeaseError = PollError & { readonly poller: 'lease' };

/** A node's Ready condition as listed by the API at one instant. */
export interface NodeConditionObservation {
  readonly kind: 'node';
  readonly atMs: number;
  readonly node: string;
  /** status.conditions[Ready].status ('Unknown' when the node controller lost the kubelet's heartbeat). */
  readonly ready: 'True' | 'False' | 'Unknown';
  readonly reason?: string;
  /** The condition's lastTransitionTime (wall clock of the writer). */
  readonly lastTransitionIso?: string;
  readonly lastHeartbeatIso?: string;
  /** The node's InternalIP: a change across a restart is kind#1689. */
  readonly internalIp?: string;
  /** Who answered: 'lb' or the node name of the apiserver asked directly. */
  readonly via?: string;
}

/** One backend server's state in the load balancer's own stats (haproxy `show stat`). */
export interface BackendStateObservation {
  readonly kind: 'lb-backend';
  readonly atMs: number;
  /** The load balancer (its node/container name). */
  readonly lb: string;
  /** haproxy's server name: kind names them after the control-plane nodes. */
  readonly server: string;
  /** As haproxy reports it: 'UP', 'DOWN', 'UP 1/3' (going down), 'DOWN 1/2' (coming up), 'MAINT', 'no check'. */
  readonly status: string;
  /** Last health check result, e.g. 'L7OK', 'L4CON', 'L7STS'. */
  readonly checkStatus?: string;
  readonly lastChangeS?: number;
  readonly downTransitions?: number;
}

/** The addresses of a Service's endpoints (for `default/kubernetes`: the live apiservers). */
export interface EndpointsObservation {
  readonly kind: 'endpoints';
  readonly atMs: number;
  /** '<namespace>/<name>', e.g. 'default/kubernetes'. */
  readonly service: string;
  /** Ready addresses, sorted. */
  readonly addresses: readonly string[];
  readonly notReadyAddresses?: readonly string[];
  /** Who answered: 'lb' or a node name. */
  readonly via: string;
  readonly source?: 'endpointslices' | 'endpoints';
}

/** One pod in a PodSnapshot. */
export interface PodState {
  readonly name: string;
  readonly uid: string;
  readonly node?: string;
  readonly phase: string;
  /** Sum of the containers' restartCount. */
  readonly restarts: number;
  readonly ready: boolean;
  /** deletionTimestamp set (being deleted or evicted). */
  readonly deleting: boolean;
  /** Kind/name of the first owner, e.g. 'ReplicaSet/echo-7c9f'. */
  readonly owner?: string;
}

/** The pods of a namespace (or label selector) at one instant: compared before and after a fault. */
export interface PodSnapshot {
  readonly kind: 'pods';
  readonly atMs: number;
  readonly namespace: string;
  readonly selector?: string;
  readonly pods: readonly PodState[];
  readonly via?: string;
}

/**
 * One step of a disaster-recovery drill (take a snapshot, wipe the members' data, restore, remove a
 * member, add a learner, promote it): when it began and ended on the run clock, what came of it
 * (`refused` when etcd said no, the answer a reconfiguration drill hopes for), and the numbers it
 * produced (revision, hash, sizes, member counts), which the drill checks judge.
 */
export interface DrillStep {
  readonly kind: 'drill-step';
  readonly drill: string;
  readonly step: string;
  readonly startedAtMs: number;
  /** When the step ended. */
  readonly atMs: number;
  readonly outcome: 'ok' | 'fail' | 'refused';
  readonly detail: string;
  readonly facts?: Readonly<Record<string, number>>;
}

/**
 * Who holds a vip-pair front's VIP at one instant, asked of each LB host (its interface has the
 * address or not; a host that did not answer makes no claim): `owner` when exactly one holds it,
 * else `why` (nobody, or two: split brain).
 */
export interface VipOwnerObservation {
  readonly kind: 'vip-owner';
  readonly atMs: number;
  readonly vip: string;
  /** `<host>=holds|free|unknown`, sorted. */
  readonly claims: readonly string[];
  readonly owner?: string;
  readonly why?: string;
}

/** Everything a history can hold. */
export type HistoryEntry =
  | OperationEntry
  | LeaderObservation
  | StatusErrorObservation
  | FaultEvent
  | PhaseMark
  | WatchStart
  | WatchEvent
  | WatchReset
  | ReadSnapshot
  | MetricSample
  | Note
  | LeaseObservation
  | LeaseLogEvent
  | PollError
  | NodeConditionObservation
  | BackendStateObservation
  | EndpointsObservation
  | PodSnapshot
  | DrillStep
  | VipOwnerObservation;

/** The discriminant values of HistoryEntry. */
export type HistoryEntryKind = HistoryEntry['kind'];

/** A phase with both ends known. */
export interface ResolvedPhase {
  readonly name: PhaseName;
  readonly startMs: number;
  readonly endMs: number;
  /** True when no end mark was recorded and the end was inferred (next phase, or end of history). */
  readonly endInferred: boolean;
}

/** A fault's injection paired with its heal (if any). */
export interface FaultWindow {
  readonly faultId: string;
  readonly summary: string;
  readonly targets: readonly string[];
  /** When the fault was issued (falls back to injectedAtMs). */
  readonly issuedAtMs: number;
  /** When the fault was confirmed in effect. */
  readonly injectedAtMs: number;
  /** When the heal was issued (falls back to healedAtMs). */
  readonly healIssuedAtMs?: number;
  /** When the heal was confirmed. */
  readonly healedAtMs?: number;
  readonly healError?: string;
}

/** Selects operations; every given field must match. */
export interface OperationFilter {
  readonly probe?: string;
  readonly op?: string | readonly string[];
  readonly target?: string;
  /** Keep only operations whose target is NOT one of these (e.g. the faulted nodes). */
  readonly excludeTargets?: readonly string[];
  readonly outcome?: Outcome;
}

/** Thrown for entries that break the history's invariants or a JSON line that is not an entry. */
export class HistoryFormatError extends Error {
  override readonly name = 'HistoryFormatError';
}

// Not Extract<>: FaultEvent's kind is itself a union, which Extract would never match.
type EntryOfKind<K extends HistoryEntryKind> = HistoryEntry extends infer E
  ? E extends { readonly kind: infer EK }
    ? K extends EK
      ? E
      : never
    : never
  : never;

/** Append-only history of a run (or of one scenario). */
export class History {
  readonly #entries: HistoryEntry[] = [];
  readonly #faultIds = new Map<string, 'injected' | 'healed'>();

  /** @param entries initial entries, validated and appended in order. */
  constructor(entries: Iterable<HistoryEntry> = []) {
    for (const e of entries) {
      this.record(e);
    }
  }

  /** Parses the JSON-lines form written by `toJsonl()`; blank lines are ignored. */
  static fromJsonl(text: string): History {
    const history = new History();
    const lines = text.split('\n');
    lines.forEach((line, i) => {
      if (line.trim() === '') {
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch (err) {
        throw new HistoryFormatError(`line ${i + 1}: not JSON: ${(err as Error).message}`);
      }
      try {
        history.record(asEntry(parsed));
      } catch (err) {
        throw new HistoryFormatError(`line ${i + 1}: ${(err as Error).message}`);
      }
    });
    return history;
  }

  /** Appends a probe operation. */
  recordOperation(op: Operation): void {
    this.record({ ...op, kind: 'op' });
  }

  /**
   * Appends any entry after checking its invariants (finite times, completion not before invocation,
   * fault ids injected once and healed at most once, after the injection). The stored entry is a
   * frozen copy, so a probe cannot change the past by mutating its object.
   */
  record(entry: HistoryEntry): void {
    const e = deepFreeze(structuredClone(entry));
    validateEntry(e);
    if (e.kind === 'fault-injected') {
      if (this.#faultIds.has(e.faultId)) {
        throw new HistoryFormatError(`fault ${e.faultId} injected twice`);
      }
      this.#faultIds.set(e.faultId, 'injected');
    } else if (e.kind === 'fault-healed') {
      const state = this.#faultIds.get(e.faultId);
      if (state !== 'injected') {
        throw new HistoryFormatError(
          state === undefined ? `fault ${e.faultId} healed but never injected` : `fault ${e.faultId} healed twice`,
        );
      }
      this.#faultIds.set(e.faultId, 'healed');
    }
    this.#entries.push(e);
  }

  /** Number of entries. */
  get size(): number {
    return this.#entries.length;
  }

  /** All entries in the order they were recorded. */
  entries(): readonly HistoryEntry[] {
    return this.#entries.slice();
  }

  /** Entries of one kind, in recorded order. */
  ofKind<K extends HistoryEntryKind>(kind: K): readonly EntryOfKind<K>[] {
    return this.#entries.filter((e): e is EntryOfKind<K> => e.kind === kind);
  }

  /** Operations matching the filter, in recorded order. */
  operations(filter: OperationFilter = {}): readonly OperationEntry[] {
    const ops = typeof filter.op === 'string' ? [filter.op] : filter.op;
    return this.ofKind('op').filter(
      (o) =>
        (filter.probe === undefined || o.probe === filter.probe) &&
        (ops === undefined || ops.includes(o.op)) &&
        (filter.target === undefined || o.target === filter.target) &&
        (filter.excludeTargets === undefined || !filter.excludeTargets.includes(o.target)) &&
        (filter.outcome === undefined || o.outcome === filter.outcome),
    );
  }

  /** Distinct (probe, target) pairs in order of first appearance: the timeline's lanes. */
  operationLanes(): readonly { readonly probe: string; readonly target: string }[] {
    const seen = new Set<string>();
    const lanes: { probe: string; target: string }[] = [];
    for (const o of this.ofKind('op')) {
      const k = JSON.stringify([o.probe, o.target]);
      if (!seen.has(k)) {
        seen.add(k);
        lanes.push({ probe: o.probe, target: o.target });
      }
    }
    return lanes;
  }

  /** Successful status polls, optionally of one member. */
  leaderObservations(member?: string): readonly LeaderObservation[] {
    return this.ofKind('leader').filter((o) => member === undefined || o.member === member);
  }

  /** Failed status polls, optionally of one member. */
  statusErrors(member?: string): readonly StatusErrorObservation[] {
    return this.ofKind('leader-error').filter((o) => member === undefined || o.member === member);
  }

  /** Members that were polled, in order of first appearance. */
  polledMembers(): readonly string[] {
    const members: string[] = [];
    for (const e of this.#entries) {
      if ((e.kind === 'leader' || e.kind === 'leader-error') && !members.includes(e.member)) {
        members.push(e.member);
      }
    }
    return members;
  }

  /** Fault injections and heals, in recorded order. */
  faultEvents(): readonly FaultEvent[] {
    return this.#entries.filter((e): e is FaultEvent => e.kind === 'fault-injected' || e.kind === 'fault-healed');
  }

  /** Each injected fault paired with its heal, in injection order. */
  faultWindows(): readonly FaultWindow[] {
    const heals = new Map(this.ofKind('fault-healed').map((h) => [h.faultId, h]));
    return this.ofKind('fault-injected').map((f) => {
      const h = heals.get(f.faultId);
      return {
        faultId: f.faultId,
        summary: f.summary,
        targets: f.targets,
        issuedAtMs: f.issuedAtMs ?? f.atMs,
        injectedAtMs: f.atMs,
        ...(h === undefined
          ? {}
          : {
              healIssuedAtMs: h.issuedAtMs ?? h.atMs,
              healedAtMs: h.atMs,
              ...(h.error === undefined ? {} : { healError: h.error }),
            }),
      };
    });
  }

  /**
   * Phases with both ends. A start mark and a later end mark with the same name and start are one
   * phase; a phase without an end mark ends where the next phase starts, or at the end of the history.
   */
  phases(): readonly ResolvedPhase[] {
    const byKey = new Map<string, PhaseMark>();
    for (const p of this.ofKind('phase')) {
      const k = JSON.stringify([p.name, p.startMs]);
      const prev = byKey.get(k);
      if (prev === undefined || (prev.endMs === undefined && p.endMs !== undefined)) {
        byKey.set(k, p);
      }
    }
    const marks = [...byKey.values()].sort((a, b) => a.startMs - b.startMs);
    const historyEnd = this.endMs();
    return marks.map((p, i) => {
      if (p.endMs !== undefined) {
        return { name: p.name, startMs: p.startMs, endMs: p.endMs, endInferred: false };
      }
      const next = marks[i + 1];
      return { name: p.name, startMs: p.startMs, endMs: next?.startMs ?? historyEnd, endInferred: true };
    });
  }

  /** The first phase with this name, if any. */
  phase(name: PhaseName): ResolvedPhase | undefined {
    return this.phases().find((p) => p.name === name);
  }

  /** Names of the watch workers, in order of first appearance. */
  watchers(): readonly string[] {
    const names: string[] = [];
    for (const e of this.#entries) {
      if ((e.kind === 'watch-start' || e.kind === 'watch' || e.kind === 'watch-reset') && !names.includes(e.watcher)) {
        names.push(e.watcher);
      }
    }
    return names;
  }

  /** Watch starts, events and resets of one watcher (or all), in recorded (= arrival) order. */
  watchLog(watcher?: string): readonly (WatchStart | WatchEvent | WatchReset)[] {
    return this.#entries.filter(
      (e): e is WatchStart | WatchEvent | WatchReset =>
        (e.kind === 'watch-start' || e.kind === 'watch' || e.kind === 'watch-reset') &&
        (watcher === undefined || e.watcher === watcher),
    );
  }

  /** Watch events of one watcher (or all), in arrival order. */
  watchEvents(watcher?: string): readonly WatchEvent[] {
    return this.ofKind('watch').filter((e) => watcher === undefined || e.watcher === watcher);
  }

  /** Read snapshots, optionally only those covering one probe's writes. */
  snapshots(probe?: string): readonly ReadSnapshot[] {
    return this.ofKind('snapshot').filter((s) => probe === undefined || s.probe === probe);
  }

  /** The latest snapshot (by time) covering a probe's writes. */
  lastSnapshot(probe?: string): ReadSnapshot | undefined {
    let last: ReadSnapshot | undefined;
    for (const s of this.snapshots(probe)) {
      if (last === undefined || s.atMs >= last.atMs) {
        last = s;
      }
    }
    return last;
  }

  /** Metric samples, optionally of one metric name. */
  metrics(name?: string): readonly MetricSample[] {
    return this.ofKind('metric').filter((m) => name === undefined || m.name === name);
  }

  /** Lease observations, optionally of one lease (by name). */
  /** The lease observer's polls (one consistent list per instant), oldest first. */
  leaseObservations(lease?: string): readonly LeaseObservation[] {
    return this.ofKind('lease').filter((o) => o.via !== LEASE_WATCH_VIA && (lease === undefined || o.lease === lease));
  }

  /**
   * The lease watch's records: every update, including short-lived ones the polls miss (a release
   * taken over 200 ms later). Kept apart from the polls: a watch event can arrive a few ms after a
   * poll that already showed a newer state, so interleaving the two by arrival would reorder them;
   * consumers use the records' own wall-clock stamps instead.
   */
  leaseWatchObservations(lease?: string): readonly LeaseObservation[] {
    return this.ofKind('lease').filter((o) => o.via === LEASE_WATCH_VIA && (lease === undefined || o.lease === lease));
  }

  /** Names of the observed leases, in order of first appearance. */
  leaseNames(): readonly string[] {
    return distinct(this.ofKind('lease').map((o) => o.lease));
  }

  /** Failed polls, optionally of one poller. */
  pollErrors(poller?: PollerKind): readonly PollError[] {
    return this.ofKind('poll-error').filter((e) => poller === undefined || e.poller === poller);
  }

  /** Node Ready observations, optionally of one node. */
  nodeObservations(node?: string): readonly NodeConditionObservation[] {
    return this.ofKind('node').filter((o) => node === undefined || o.node === node);
  }

  /** Nodes seen by the node poller, in order of first appearance. */
  observedNodes(): readonly string[] {
    return distinct(this.ofKind('node').map((o) => o.node));
  }

  /** Load-balancer backend states, optionally of one server. */
  backendStates(server?: string): readonly BackendStateObservation[] {
    return this.ofKind('lb-backend').filter((o) => server === undefined || o.server === server);
  }

  /** Backend servers seen in the load balancer's stats, in order of first appearance. */
  backendServers(): readonly string[] {
    return distinct(this.ofKind('lb-backend').map((o) => o.server));
  }

  /** Endpoints observations, optionally of one service ('default/kubernetes'). */
  endpointsObservations(service?: string): readonly EndpointsObservation[] {
    return this.ofKind('endpoints').filter((o) => service === undefined || o.service === service);
  }

  /** Pod snapshots, optionally of one namespace, in recorded order. */
  podSnapshots(namespace?: string): readonly PodSnapshot[] {
    return this.ofKind('pods').filter((p) => namespace === undefined || p.namespace === namespace);
  }

  /** Earliest timestamp in the history (0 when empty: the run clock starts at 0). */
  startMs(): number {
    let min = Number.POSITIVE_INFINITY;
    for (const e of this.#entries) {
      min = Math.min(min, ...entryTimes(e));
    }
    return Number.isFinite(min) ? min : 0;
  }

  /** Latest timestamp in the history (0 when empty). */
  endMs(): number {
    let max = Number.NEGATIVE_INFINITY;
    for (const e of this.#entries) {
      max = Math.max(max, ...entryTimes(e));
    }
    return Number.isFinite(max) ? max : 0;
  }

  /** One JSON object per line, in recorded order, with a trailing newline. */
  toJsonl(): string {
    return this.#entries.map((e) => JSON.stringify(e)).join('\n') + (this.#entries.length > 0 ? '\n' : '');
  }
}

function entryTimes(e: HistoryEntry): number[] {
  switch (e.kind) {
    case 'op':
      return [e.invokedAtMs, e.completedAtMs];
    case 'phase':
      return e.endMs === undefined ? [e.startMs] : [e.startMs, e.endMs];
    case 'fault-injected':
    case 'fault-healed':
      return e.issuedAtMs === undefined ? [e.atMs] : [e.issuedAtMs, e.atMs];
    default:
      return [e.atMs];
  }
}

function distinct(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) {
      deepFreeze(v);
    }
    Object.freeze(value);
  }
  return value;
}

// ---- validation -------------------------------------------------------------------------------
// Hand-written rather than a schema library: the shapes are small, and a stored history that does
// not parse must say which field on which line is wrong.

type FieldType = 'string' | 'number' | 'string[]' | 'outcome' | 'entries' | 'prefix-read' | 'enum' | 'pods' | 'boolean' | 'number-map';
interface FieldSpec {
  readonly type: FieldType;
  readonly optional?: boolean;
  readonly values?: readonly string[];
}

const req = (type: FieldType): FieldSpec => ({ type });
const opt = (type: FieldType): FieldSpec => ({ type, optional: true });
const oneOf = (values: readonly string[], optional = false): FieldSpec => ({ type: 'enum', values, optional });

const SCHEMAS: { readonly [K in HistoryEntryKind]: Readonly<Record<string, FieldSpec>> } = {
  op: {
    probe: req('string'),
    op: req('string'),
    target: req('string'),
    invokedAtMs: req('number'),
    completedAtMs: req('number'),
    outcome: req('outcome'),
    error: opt('string'),
    key: opt('string'),
    value: opt('string'),
    revision: opt('number'),
  },
  leader: {
    atMs: req('number'),
    member: req('string'),
    memberId: opt('string'),
    leaderId: req('string'),
    term: req('number'),
    revision: req('number'),
    raftIndex: opt('number'),
  },
  'leader-error': { atMs: req('number'), member: req('string'), outcome: oneOf(['fail', 'unknown']), error: req('string') },
  'fault-injected': FAULT_SCHEMA(),
  'fault-healed': FAULT_SCHEMA(),
  phase: { name: req('string'), startMs: req('number'), endMs: opt('number') },
  'watch-start': {
    atMs: req('number'),
    watcher: req('string'),
    target: req('string'),
    prefix: req('string'),
    fromRevision: req('number'),
  },
  watch: {
    atMs: req('number'),
    watcher: req('string'),
    key: req('string'),
    value: req('string'),
    revision: req('number'),
    type: oneOf(['put', 'delete'], true),
  },
  'watch-reset': {
    atMs: req('number'),
    watcher: req('string'),
    reason: oneOf(['compacted', 'error']),
    error: opt('string'),
    compactRevision: opt('number'),
    relist: opt('prefix-read'),
  },
  snapshot: {
    atMs: req('number'),
    probe: req('string'),
    target: req('string'),
    prefix: req('string'),
    revision: req('number'),
    entries: req('entries'),
  },
  metric: { atMs: req('number'), member: req('string'), name: req('string'), value: req('number') },
  note: { atMs: req('number'), source: req('string'), text: req('string') },
  lease: {
    atMs: req('number'),
    namespace: req('string'),
    lease: req('string'),
    holder: req('string'),
    transitions: opt('number'),
    renewTimeIso: opt('string'),
    acquireTimeIso: opt('string'),
    durationS: opt('number'),
    via: req('string'),
  },
  'lease-log': {
    atMs: req('number'),
    wallIso: req('string'),
    lease: req('string'),
    node: req('string'),
    instance: req('string'),
    event: oneOf(['attempting', 'acquired', 'lost', 'last-line']),
  },
  'poll-error': {
    atMs: req('number'),
    poller: oneOf(['lease', 'node', 'lb-backend', 'endpoints', 'pods']),
    target: req('string'),
    outcome: oneOf(['fail', 'unknown']),
    error: req('string'),
  },
  node: {
    atMs: req('number'),
    node: req('string'),
    ready: oneOf(['True', 'False', 'Unknown']),
    reason: opt('string'),
    lastTransitionIso: opt('string'),
    lastHeartbeatIso: opt('string'),
    internalIp: opt('string'),
    via: opt('string'),
  },
  'lb-backend': {
    atMs: req('number'),
    lb: req('string'),
    server: req('string'),
    status: req('string'),
    checkStatus: opt('string'),
    lastChangeS: opt('number'),
    downTransitions: opt('number'),
  },
  endpoints: {
    atMs: req('number'),
    service: req('string'),
    addresses: req('string[]'),
    notReadyAddresses: opt('string[]'),
    via: req('string'),
    source: oneOf(['endpointslices', 'endpoints'], true),
  },
  pods: { atMs: req('number'), namespace: req('string'), selector: opt('string'), pods: req('pods'), via: opt('string') },
  'drill-step': {
    drill: req('string'),
    step: req('string'),
    startedAtMs: req('number'),
    atMs: req('number'),
    outcome: oneOf(['ok', 'fail', 'refused']),
    detail: req('string'),
    facts: opt('number-map'),
  },
  'vip-owner': { atMs: req('number'), vip: req('string'), claims: req('string[]'), owner: opt('string'), why: opt('string') },
};

// Fields of one pod in a PodSnapshot.
const POD_FIELDS: Readonly<Record<string, FieldSpec>> = {
  name: req('string'),
  uid: req('string'),
  node: opt('string'),
  phase: req('string'),
  restarts: req('number'),
  ready: req('boolean'),
  deleting: req('boolean'),
  owner: opt('string'),
};

function FAULT_SCHEMA(): Readonly<Record<string, FieldSpec>> {
  return {
    atMs: req('number'),
    issuedAtMs: opt('number'),
    faultId: req('string'),
    summary: req('string'),
    targets: req('string[]'),
    error: opt('string'),
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkField(name: string, spec: FieldSpec, v: unknown): void {
  const bad = (what: string): never => {
    throw new HistoryFormatError(`field ${name}: expected ${what}, got ${JSON.stringify(v)}`);
  };
  switch (spec.type) {
    case 'string':
      if (typeof v !== 'string') {
        bad('a string');
      }
      return;
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        bad('a finite number');
      }
      return;
    case 'string[]':
      if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) {
        bad('an array of strings');
      }
      return;
    case 'boolean':
      if (typeof v !== 'boolean') {
        bad('a boolean');
      }
      return;
    case 'number-map':
      if (!isRecord(v) || !Object.values(v).every((x) => typeof x === 'number' && Number.isFinite(x))) {
        bad('a mapping of names to finite numbers');
      }
      return;
    case 'outcome':
      if (v !== 'ok' && v !== 'fail' && v !== 'unknown') {
        bad("'ok' | 'fail' | 'unknown'");
      }
      return;
    case 'enum':
      if (typeof v !== 'string' || !(spec.values ?? []).includes(v)) {
        bad((spec.values ?? []).join(' | '));
      }
      return;
    case 'entries':
      if (!Array.isArray(v)) {
        bad('an array of {key, value, modRevision?}');
      }
      (v as unknown[]).forEach((kv, i) => {
        if (!isRecord(kv)) {
          bad('an array of objects');
        }
        const o = kv as Record<string, unknown>;
        checkField(`${name}[${i}].key`, req('string'), o['key']);
        checkField(`${name}[${i}].value`, req('string'), o['value']);
        if (o['modRevision'] !== undefined) {
          checkField(`${name}[${i}].modRevision`, req('number'), o['modRevision']);
        }
      });
      return;
    case 'prefix-read': {
      if (!isRecord(v)) {
        bad('{revision, entries}');
      }
      const o = v as Record<string, unknown>;
      checkField(`${name}.revision`, req('number'), o['revision']);
      checkField(`${name}.entries`, req('entries'), o['entries']);
      return;
    }
    case 'pods': {
      if (!Array.isArray(v)) {
        bad('an array of pods');
      }
      (v as unknown[]).forEach((pod, i) => {
        if (!isRecord(pod)) {
          bad('an array of pod objects');
        }
        const o = pod as Record<string, unknown>;
        for (const [k, spec] of Object.entries(POD_FIELDS)) {
          if (o[k] === undefined) {
            if (spec.optional !== true) {
              throw new HistoryFormatError(`field ${name}[${i}]: missing ${k}`);
            }
            continue;
          }
          checkField(`${name}[${i}].${k}`, spec, o[k]);
        }
        for (const k of Object.keys(o)) {
          if (!(k in POD_FIELDS)) {
            throw new HistoryFormatError(`field ${name}[${i}]: unknown field ${k}`);
          }
        }
        if (!Number.isInteger(o['restarts']) || (o['restarts'] as number) < 0) {
          throw new HistoryFormatError(`field ${name}[${i}].restarts: expected a whole number >= 0`);
        }
      });
      return;
    }
  }
}

function validateEntry(e: HistoryEntry): void {
  const raw = e as unknown as Record<string, unknown>;
  const schema = SCHEMAS[e.kind] as Readonly<Record<string, FieldSpec>> | undefined;
  if (schema === undefined) {
    throw new HistoryFormatError(`unknown entry kind ${JSON.stringify(raw['kind'])}`);
  }
  for (const [name, spec] of Object.entries(schema)) {
    const v = raw[name];
    if (v === undefined) {
      if (spec.optional !== true) {
        throw new HistoryFormatError(`${e.kind}: missing field ${name}`);
      }
      continue;
    }
    checkField(`${e.kind}.${name}`, spec, v);
  }
  for (const name of Object.keys(raw)) {
    if (name !== 'kind' && !(name in schema)) {
      // Unknown fields are refused rather than kept: a typo (`revison`) would otherwise silently
      // turn a check's input into undefined.
      throw new HistoryFormatError(`${e.kind}: unknown field ${name}`);
    }
  }
  if (e.kind === 'op' && e.completedAtMs < e.invokedAtMs) {
    throw new HistoryFormatError(`op: completedAtMs ${e.completedAtMs} is before invokedAtMs ${e.invokedAtMs}`);
  }
  if (e.kind === 'phase' && e.endMs !== undefined && e.endMs < e.startMs) {
    throw new HistoryFormatError(`phase ${e.name}: endMs before startMs`);
  }
  if ((e.kind === 'fault-injected' || e.kind === 'fault-healed') && e.issuedAtMs !== undefined && e.issuedAtMs > e.atMs) {
    throw new HistoryFormatError(`${e.kind} ${e.faultId}: issuedAtMs after atMs`);
  }
}

function asEntry(parsed: unknown): HistoryEntry {
  if (!isRecord(parsed) || typeof parsed['kind'] !== 'string') {
    throw new HistoryFormatError('expected an object with a string "kind"');
  }
  if (!(parsed['kind'] in SCHEMAS)) {
    throw new HistoryFormatError(`unknown entry kind ${JSON.stringify(parsed['kind'])}`);
  }
  // validateEntry (called by record) checks every field against the kind's schema.
  return parsed as unknown as HistoryEntry;
}
