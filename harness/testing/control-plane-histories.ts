/**
 * Realistic simulated histories of the control-plane failover scenarios on a 3-control-plane +
 * 1-worker kind cluster (ha-3cp), built from stated parameters, for the checks' and renderers' unit
 * tests. The behaviour modelled is the components':
 *
 * - haproxy routes new connections round-robin over the servers it has UP; a connection routed to a
 *   dead apiserver fails (refused) until `fall` checks have failed and the server is DOWN; a server
 *   that is back needs `rise` good checks before it is UP again;
 * - the lease endpoint reconciler drops a dead apiserver's IP from default/kubernetes once its lease
 *   expired and another apiserver reconciled, and lists it again once it runs;
 * - a lease holder renews every 2 s (renewTime advances); a killed holder stops; a candidate takes
 *   over once the lease (15 s) has expired since it saw the last renewal, incrementing
 *   leaseTransitions; a clean stop of kube-scheduler writes holder '' with leaseDurationSeconds 1;
 * - nodes report Ready; the node controller marks a node Unknown after the grace period.
 *
 * Test support only.
 */
import { History, type HistoryEntry, type LeaseObservation, type Operation, type Outcome, type PodState } from '../probes/history.js';
import { round3, seededRandom } from './simulate.js';
import { LEADER_ELECTION_DEFAULTS } from '../guarantees/component-flags.js';
import type { ControlPlaneFlags } from '../guarantees/control-plane-thresholds.js';

/**
 * What the live ha-3cp cluster runs with (kubeadm and kind defaults; parsed from fixtures/cluster/ in
 * component-flags.test.ts, haproxy-config.test.ts and control-plane-flags.test.ts).
 */
export const LIVE_CONTROL_PLANE_FLAGS: ControlPlaneFlags = {
  leaderElection: { 'kube-scheduler': LEADER_ELECTION_DEFAULTS, 'kube-controller-manager': LEADER_ELECTION_DEFAULTS },
  nodeMonitor: { gracePeriodMs: 50_000, monitorPeriodMs: 5_000 },
  kubelet: { nodeStatusUpdateFrequencyMs: 10_000, nodeLeaseRenewIntervalMs: 10_000 },
  haproxy: { interMs: 2_000, fastInterMs: 2_000, fall: 3, rise: 2, maxCheckDurationMs: 2_000 },
  endpointReconciler: { type: 'lease', leaseTtlMs: 15_000, intervalMs: 10_000 },
};

/** The simulated cluster. */
export const CP = ['ha-3cp-control-plane', 'ha-3cp-control-plane2', 'ha-3cp-control-plane3'] as const;
export const WORKER = 'ha-3cp-worker';
export const LB_NODE = 'ha-3cp-external-load-balancer';
export const NODE_IPS: Readonly<Record<string, string>> = {
  'ha-3cp-control-plane': '172.22.0.4',
  'ha-3cp-control-plane2': '172.22.0.3',
  'ha-3cp-control-plane3': '172.22.0.6',
  'ha-3cp-worker': '172.22.0.5',
};
const [CP1, CP2, CP3] = CP;

/** Wall clock of run-clock 0 (lease times are wall-clock stamps written by the holders). */
const EPOCH_MS = Date.parse('2026-11-22T03:00:00Z');
/** A run-clock instant as a Kubernetes MicroTime string. */
export function isoAt(runMs: number): string {
  const whole = Math.floor(runMs);
  const micros = Math.round((runMs - whole) * 1_000);
  return new Date(EPOCH_MS + whole).toISOString().replace(/\.(\d{3})Z$/, (_, m: string) => `.${m}${String(micros).padStart(3, '0')}Z`);
}

function ticks(startMs: number, endMs: number, intervalMs: number, offsetMs = 0): number[] {
  const out: number[] = [];
  for (let t = startMs + offsetMs; t < endMs; t += intervalMs) {
    out.push(round3(t));
  }
  return out;
}

function op(probe: string, opName: string, target: string, t: number, outcome: Outcome, latencyMs: number, extra: Partial<Operation> = {}): Operation {
  return { probe, op: opName, target, invokedAtMs: t, completedAtMs: round3(t + latencyMs), outcome, ...(outcome === 'ok' ? {} : { error: extra.error ?? 'connection refused' }), ...extra };
}

function finish(entries: HistoryEntry[]): History {
  // Record in completion order, as live probes would.
  const time = (e: HistoryEntry): number => (e.kind === 'op' ? e.completedAtMs : e.kind === 'phase' ? e.startMs : e.atMs);
  return new History([...entries].sort((a, b) => time(a) - time(b)));
}

function phases(baselineEndMs: number, faultEndMs: number, endMs: number): HistoryEntry[] {
  return [
    { kind: 'phase', name: 'baseline', startMs: 0, endMs: baselineEndMs },
    { kind: 'phase', name: 'fault', startMs: baselineEndMs, endMs: faultEndMs },
    { kind: 'phase', name: 'recovery', startMs: faultEndMs, endMs },
  ];
}

// ---- apiserver kill -------------------------------------------------------------------------

/** Parameters of the apiserver-kill scenario (all ms, relative to the kill unless named otherwise). */
export interface ApiserverKillParams {
  readonly victim: string;
  readonly killAtMs: number;
  /** Kill -> the apiserver answers /readyz again. */
  readonly downForMs: number;
  /** Kill -> haproxy shows it DOWN. */
  readonly ejectAfterMs: number;
  /** Kill -> its IP is gone from default/kubernetes. */
  readonly endpointDropAfterMs: number;
  /** Back -> its IP is listed again. */
  readonly endpointRegainAfterBackMs: number;
  /** A live apiserver that (wrongly) drops out of the endpoints during the fault, for a negative test. */
  readonly alsoDropFromEndpoints?: string;
  /** Requests through the LB still fail this long after the ejection (a broken LB), for a negative test. */
  readonly lbFailsAfterEjectionMs?: number;
  readonly endMs: number;
}

export const APISERVER_KILL_DEFAULTS: ApiserverKillParams = {
  victim: CP2,
  killAtMs: 10_000,
  downForMs: 30_000,
  ejectAfterMs: 5_300,
  endpointDropAfterMs: 19_500,
  endpointRegainAfterBackMs: 3_000,
  endMs: 60_000,
};

/** One apiserver SIGKILLed; the kubelet restarts it `downForMs` later. */
export function apiserverKillHistory(over: Partial<ApiserverKillParams> = {}): History {
  const p = { ...APISERVER_KILL_DEFAULTS, ...over };
  const rnd = seededRandom(7);
  const kill = p.killAtMs;
  const back = kill + p.downForMs;
  const ejected = kill + p.ejectAfterMs;
  const upAgain = back + 4_000; // rise 2 x inter 2 s
  const down = (t: number, node: string): boolean => node === p.victim && t >= kill && t < back;
  const inLb = (t: number, node: string): boolean => node !== p.victim || t < ejected || t >= upAgain || ejected >= back;
  const e: HistoryEntry[] = [
    ...phases(kill, back, p.endMs),
    { kind: 'fault-injected', issuedAtMs: kill, atMs: kill + 40, faultId: 'f1-kill-apiserver', summary: 'kill-process kube-apiserver SIGKILL', targets: [p.victim] },
    { kind: 'fault-healed', issuedAtMs: kill + 60, atMs: back + 150, faultId: 'f1-kill-apiserver', summary: 'kill-process kube-apiserver SIGKILL', targets: [p.victim] },
  ];
  // Through the LB: each request goes to the next server haproxy has in rotation.
  let rr = 0;
  for (const t of ticks(0, p.endMs, 100)) {
    const pool = CP.filter((n) => inLb(t, n));
    const server = pool[rr % pool.length] ?? CP1;
    rr += 1;
    const broken = p.lbFailsAfterEjectionMs !== undefined && t >= ejected && t < ejected + p.lbFailsAfterEjectionMs && rr % 4 === 0;
    const failed = down(t, server) || broken;
    e.push({ kind: 'op', ...op('api-write', 'create-configmap', 'lb', t, failed ? 'fail' : 'ok', failed ? 2 : 8 + rnd() * 6) });
  }
  for (const n of CP) {
    for (const t of ticks(0, p.endMs, 100, 13 * CP.indexOf(n))) {
      const d = down(t, n);
      e.push({ kind: 'op', ...op('apiserver-readyz', 'readyz', n, t, d ? 'fail' : 'ok', d ? 1 : 3 + rnd() * 3, d ? { error: `GET ${NODE_IPS[n] ?? ''}:6443/readyz: connect ECONNREFUSED` } : {}) });
    }
    for (const t of ticks(0, p.endMs, 500, 40 + 7 * CP.indexOf(n))) {
      const d = down(t, n);
      e.push({ kind: 'op', ...op('apiserver-write', 'apply-configmap', n, t, d ? 'fail' : 'ok', d ? 1 : 9 + rnd() * 5) });
    }
  }
  for (const t of ticks(0, p.endMs, 200, 50)) {
    for (const n of CP) {
      let status = 'UP';
      if (n === p.victim && t >= kill) {
        const since = t - kill;
        if (ejected >= back) {
          // Back before haproxy needed to eject it: a failed check or two, then healthy again.
          status = t >= back ? 'UP' : since >= 3_300 ? 'UP 2/3' : since >= 1_300 ? 'UP 1/3' : 'UP';
        } else {
          status = t >= upAgain ? 'UP' : t >= back ? 'DOWN 1/2' : t >= ejected ? 'DOWN' : since >= 3_300 ? 'UP 2/3' : since >= 1_300 ? 'UP 1/3' : 'UP';
        }
      }
      e.push({ kind: 'lb-backend', atMs: t, lb: LB_NODE, server: n, status, checkStatus: status.startsWith('UP') && !status.includes('/') ? 'L7OK' : 'L4CON' });
    }
  }
  const dropAt = kill + p.endpointDropAfterMs;
  const regainAt = back + p.endpointRegainAfterBackMs;
  for (const t of ticks(0, p.endMs, 500, 80)) {
    const addrs = CP.filter((n) => !(n === p.victim && t >= dropAt && t < regainAt))
      .filter((n) => !(n === p.alsoDropFromEndpoints && t >= kill + 3_000 && t < kill + 8_000))
      .map((n) => NODE_IPS[n] ?? '')
      .sort();
    e.push({ kind: 'endpoints', atMs: t, service: 'default/kubernetes', addresses: addrs, via: 'lb', source: 'endpointslices' });
  }
  return finish(e);
}

// ---- leader election ------------------------------------------------------------------------

/** Parameters of the lease-holder scenario. */
export interface LeaseKillParams {
  /** Which lease's holder is stopped. */
  readonly lease: 'kube-scheduler' | 'kube-controller-manager';
  readonly stopAtMs: number;
  /** 'kill': SIGKILL, no release; 'graceful-release': clean stop that releases; 'graceful-no-release': clean stop that does not (kubernetes#132599). */
  readonly mode: 'kill' | 'graceful-release' | 'graceful-no-release';
  /** The candidate's try after expiry comes this long after the lease expired (0..retry x 2.2). */
  readonly candidateLagMs: number;
  /** Break the rules: the new holder acquires this long after the last renewal (instead of after expiry). */
  readonly acquireEarlyAfterRenewMs?: number;
  /** The observer sees nothing in this window (ms range), e.g. all apiservers down. */
  readonly observerBlind?: { readonly fromMs: number; readonly toMs: number };
  /** Record work operations (schedule-pod, scale-deployment) started during the fault. */
  readonly work?: boolean;
  /** The new leader finishes the pod's scheduling this long after it took over. */
  readonly workDoneAfterHandoverMs?: number;
  /** --leader-elect-lease-duration of the stopped lease's component (its records say it too). */
  readonly leaseDurationMs?: number;
  /** The same for the other lease, which keeps being renewed. */
  readonly otherLeaseDurationMs?: number;
  readonly endMs: number;
}

export const LEASE_KILL_DEFAULTS: LeaseKillParams = { lease: 'kube-scheduler', stopAtMs: 10_000, mode: 'kill', candidateLagMs: 1_700, work: true, endMs: 50_000 };

const HOLDERS = {
  'kube-scheduler': { old: `${CP1}_6d1e2f4a-0b1c-4d2e-9f3a-1b2c3d4e5f60`, next: `${CP2}_a9b8c7d6-e5f4-4a3b-8c2d-1e0f9a8b7c6d` },
  'kube-controller-manager': { old: `${CP3}_748c9b92-659c-44dc-a0b6-c9cf078c66e8`, next: `${CP1}_0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f` },
} as const;

/** The holder identities the lease scenario uses (old = before the fault). */
export function leaseHolders(lease: 'kube-scheduler' | 'kube-controller-manager'): { readonly old: string; readonly next: string } {
  return HOLDERS[lease];
}

/** The holder of one lease stopped; the other lease keeps being renewed throughout. */
export function leaseKillHistory(over: Partial<LeaseKillParams> = {}): History {
  const p = { ...LEASE_KILL_DEFAULTS, ...over };
  const other = p.lease === 'kube-scheduler' ? 'kube-controller-manager' : 'kube-scheduler';
  const stop = p.stopAtMs;
  const lastRenew = Math.floor(stop / 2_000) * 2_000 - 200; // renewals at 1.8 s, 3.8 s, ...: the last before the stop
  let releaseAt: number | undefined;
  let acquireAt: number;
  if (p.acquireEarlyAfterRenewMs !== undefined) {
    acquireAt = lastRenew + p.acquireEarlyAfterRenewMs;
  } else if (p.mode === 'graceful-release') {
    releaseAt = stop + 300;
    acquireAt = releaseAt + p.candidateLagMs;
  } else {
    acquireAt = lastRenew + (p.leaseDurationMs ?? 15_000) + p.candidateLagMs;
  }
  const durationS = (p.leaseDurationMs ?? 15_000) / 1_000;
  const otherDurationS = (p.otherLeaseDurationMs ?? 15_000) / 1_000;
  const h = HOLDERS[p.lease];
  const fid = `f1-${p.mode}-${p.lease}`;
  const e: HistoryEntry[] = [
    ...phases(stop, acquireAt + 2_000, p.endMs),
    { kind: 'fault-injected', issuedAtMs: stop, atMs: stop + 30, faultId: fid, summary: `${p.mode === 'kill' ? 'kill-process SIGKILL' : 'stop SIGTERM'} ${p.lease} on holder`, targets: [h.old.split('_')[0] ?? ''] },
    { kind: 'fault-healed', issuedAtMs: stop + 40, atMs: stop + 6_000, faultId: fid, summary: `restart ${p.lease}`, targets: [h.old.split('_')[0] ?? ''] },
  ];
  const record = (t: number): LeaseObservation[] => {
    const obs: LeaseObservation[] = [];
    // The other lease: renewed every 2 s by the same holder, all run long.
    const oh = HOLDERS[other].old;
    const oRenew = Math.floor((t - 700) / 2_000) * 2_000 + 700;
    obs.push({ kind: 'lease', atMs: t, namespace: 'kube-system', lease: other, holder: oh, transitions: 6, renewTimeIso: isoAt(Math.max(0, oRenew)), acquireTimeIso: isoAt(0), durationS: otherDurationS, via: 'lb' });
    if (t < acquireAt && (releaseAt === undefined || t < releaseAt)) {
      const renew = t < stop ? Math.floor((t + 200) / 2_000) * 2_000 - 200 : lastRenew;
      obs.push({ kind: 'lease', atMs: t, namespace: 'kube-system', lease: p.lease, holder: h.old, transitions: 4, renewTimeIso: isoAt(Math.max(0, renew)), acquireTimeIso: isoAt(0), durationS, via: 'lb' });
    } else if (t < acquireAt && releaseAt !== undefined) {
      obs.push({ kind: 'lease', atMs: t, namespace: 'kube-system', lease: p.lease, holder: '', transitions: 4, renewTimeIso: isoAt(releaseAt), acquireTimeIso: isoAt(releaseAt), durationS: 1, via: 'lb' });
    } else {
      const renew = acquireAt + Math.floor((t - acquireAt) / 2_000) * 2_000;
      obs.push({ kind: 'lease', atMs: t, namespace: 'kube-system', lease: p.lease, holder: h.next, transitions: 5, renewTimeIso: isoAt(renew), acquireTimeIso: isoAt(acquireAt), durationS, via: 'lb' });
    }
    return obs;
  };
  for (const t of ticks(0, p.endMs, 200, 35)) {
    if (p.observerBlind !== undefined && t >= p.observerBlind.fromMs && t < p.observerBlind.toMs) {
      e.push({ kind: 'poll-error', atMs: t, poller: 'lease', target: 'kube-system', outcome: 'fail', error: 'lb: connect ECONNREFUSED; ha-3cp-control-plane: connect ECONNREFUSED' });
      continue;
    }
    e.push(...record(t));
  }
  if (p.work === true) {
    const t0 = stop + 1_000;
    const done = p.workDoneAfterHandoverMs ?? 900;
    e.push({ kind: 'op', ...op('control-loop-work', 'schedule-pod', 'lb', t0, 'ok', acquireAt + done - t0, { key: 'pods/kube-ha-chaos-probes/probe-r1-work-0', value: WORKER }) });
    e.push({ kind: 'op', ...op('control-loop-work', 'scale-deployment', 'lb', t0 + 500, 'ok', acquireAt + 2_400 - t0 - 500, { key: 'deployments/kube-ha-chaos-probes/work', value: '3' }) });
  }
  return finish(e);
}

/**
 * The flags of the tuned cluster (kind-configs/ha-3cp-tuned-leases.yaml): kube-controller-manager with
 * --leader-elect-lease-duration=60s --leader-elect-renew-deadline=40s on every node, kube-scheduler at
 * the defaults; as controlPlaneFlagsFrom reads them.
 */
export const TUNED_LEASE_FLAGS: ControlPlaneFlags = {
  ...LIVE_CONTROL_PLANE_FLAGS,
  leaderElection: {
    'kube-scheduler': {
      ...LEADER_ELECTION_DEFAULTS,
      component: 'kube-scheduler',
      sources: { enabled: 'flag', leaseDurationMs: 'default', renewDeadlineMs: 'default', retryPeriodMs: 'default' },
      electingNodes: [...CP],
      nonElectingNodes: [],
    },
    'kube-controller-manager': {
      enabled: true,
      leaseDurationMs: 60_000,
      renewDeadlineMs: 40_000,
      retryPeriodMs: 2_000,
      component: 'kube-controller-manager',
      sources: { enabled: 'flag', leaseDurationMs: 'flag', renewDeadlineMs: 'flag', retryPeriodMs: 'default' },
      electingNodes: [...CP],
      nonElectingNodes: [],
    },
  },
};

/**
 * The flags of kind-configs/ha-3cp-no-scheduler-election.yaml: every kube-scheduler with
 * --leader-elect=false, the controller-manager at the defaults.
 */
export const NO_SCHEDULER_ELECTION_FLAGS: ControlPlaneFlags = {
  ...LIVE_CONTROL_PLANE_FLAGS,
  leaderElection: {
    'kube-scheduler': {
      ...LEADER_ELECTION_DEFAULTS,
      enabled: false,
      component: 'kube-scheduler',
      sources: { enabled: 'flag', leaseDurationMs: 'default', renewDeadlineMs: 'default', retryPeriodMs: 'default' },
      electingNodes: [],
      nonElectingNodes: [...CP],
    },
    'kube-controller-manager': {
      ...LEADER_ELECTION_DEFAULTS,
      component: 'kube-controller-manager',
      sources: { enabled: 'flag', leaseDurationMs: 'default', renewDeadlineMs: 'default', retryPeriodMs: 'default' },
      electingNodes: [...CP],
      nonElectingNodes: [],
    },
  },
};

/**
 * The leader-election suite's configuration case on a cluster whose schedulers run with
 * --leader-elect=false: a baseline in which only kube-controller-manager's Lease exists (renewed by
 * control-plane3), and the instances' own logs read after it: every scheduler instance logging away
 * without ever trying for a lease, every controller-manager instance having tried.
 */
export function noSchedulerElectionHistory(endMs = 8_000): History {
  const kcm = HOLDERS['kube-controller-manager'].old;
  const e: HistoryEntry[] = [{ kind: 'phase', name: 'baseline', startMs: 0, endMs }];
  for (const t of ticks(0, endMs, 200, 35)) {
    const renew = Math.floor((t - 700) / 2_000) * 2_000 + 700;
    e.push({ kind: 'lease', atMs: t, namespace: 'kube-system', lease: 'kube-controller-manager', holder: kcm, transitions: 6, renewTimeIso: isoAt(Math.max(0, renew)), acquireTimeIso: isoAt(0), durationS: 15, via: 'lb' });
  }
  for (const [i, node] of CP.entries()) {
    e.push({ kind: 'lease-log', atMs: endMs - 500 + i, wallIso: isoAt(endMs - 500 + i), lease: 'kube-system/kube-scheduler', node, instance: 'kube-scheduler/0.log', event: 'last-line' });
    e.push({ kind: 'lease-log', atMs: -60_000 + i, wallIso: isoAt(-60_000 + i), lease: 'kube-system/kube-controller-manager', node, instance: 'kube-controller-manager/0.log', event: 'attempting' });
    e.push({ kind: 'lease-log', atMs: endMs - 400 + i, wallIso: isoAt(endMs - 400 + i), lease: 'kube-system/kube-controller-manager', node, instance: 'kube-controller-manager/0.log', event: 'last-line' });
  }
  return finish(e);
}

// ---- load balancer outage -------------------------------------------------------------------

/** Parameters of the LB outage. */
export interface LbOutageParams {
  readonly mode: 'pause' | 'kill-autorestart';
  readonly faultAtMs: number;
  /** Pause: how long it stays paused. Kill: when docker has restarted it (the LB answers again). */
  readonly outageMs: number;
  /** Fault -> the worker is seen NotReady (undefined: it stays Ready). */
  readonly workerNotReadyAfterMs?: number;
  /** HTTP requests to the workload that fail during the outage (for a negative test). */
  readonly httpFailures?: number;
  /** An apiserver that is also down during the outage (for a negative test). */
  readonly alsoDownApiserver?: string;
  /** Requests through the LB keep failing this long after it is back (for a negative test). */
  readonly stillDownAfterHealMs?: number;
  readonly endMs: number;
}

export const LB_OUTAGE_DEFAULTS: LbOutageParams = { mode: 'pause', faultAtMs: 10_000, outageMs: 20_000, endMs: 45_000 };

/** kind's LB container paused (or killed and restarted by docker). */
export function lbOutageHistory(over: Partial<LbOutageParams> = {}): History {
  const p = { ...LB_OUTAGE_DEFAULTS, ...over };
  const rnd = seededRandom(11);
  const f0 = p.faultAtMs;
  const lbBack = f0 + p.outageMs;
  // A kill is healed by waiting for docker's restart; a pause by unpausing at the end of the hold.
  const healIssued = p.mode === 'pause' ? lbBack : f0 + 100;
  const healed = lbBack + 80;
  const e: HistoryEntry[] = [
    ...phases(f0, healed, p.endMs),
    { kind: 'fault-injected', issuedAtMs: f0, atMs: f0 + 60, faultId: `f1-${p.mode}-lb`, summary: `${p.mode === 'pause' ? 'pause-node' : 'kill-node'} load balancer`, targets: [LB_NODE] },
    { kind: 'fault-healed', issuedAtMs: healIssued, atMs: healed, faultId: `f1-${p.mode}-lb`, summary: 'load balancer back', targets: [LB_NODE] },
  ];
  const lbDown = (t: number): boolean => t >= f0 && t < lbBack + 200 + (p.stillDownAfterHealMs ?? 0);
  for (const t of ticks(0, p.endMs, 100)) {
    const d = lbDown(t);
    // Paused: connections hang until the deadline (unknown). Killed: refused (fail).
    const outcome: Outcome = !d ? 'ok' : p.mode === 'pause' ? 'unknown' : 'fail';
    e.push({ kind: 'op', ...op('api-write', 'create-configmap', 'lb', t, outcome, outcome === 'unknown' ? 1_000 : outcome === 'fail' ? 1 : 9 + rnd() * 4, outcome === 'unknown' ? { error: 'no answer within 1000 ms (TLS handshake not completed)' } : {}) });
  }
  for (const n of CP) {
    for (const t of ticks(0, p.endMs, 100, 11 * CP.indexOf(n))) {
      const d = n === p.alsoDownApiserver && lbDown(t);
      e.push({ kind: 'op', ...op('apiserver-readyz', 'readyz', n, t, d ? 'fail' : 'ok', 3 + rnd() * 2) });
    }
  }
  let failuresLeft = p.httpFailures ?? 0;
  for (const t of ticks(0, p.endMs, 100, 5)) {
    const fail = failuresLeft > 0 && t >= f0 + 2_000;
    if (fail) {
      failuresLeft -= 1;
    }
    e.push({ kind: 'op', ...op('workload-http', 'get', WORKER, t, fail ? 'fail' : 'ok', 2 + rnd() * 2, fail ? { error: 'connect ECONNRESET' } : { value: '{"pod":"echo-7c9f-abcde","node":"ha-3cp-worker"}' }) });
  }
  for (const t of ticks(0, p.endMs, 500, 21)) {
    for (const n of [...CP, WORKER]) {
      const notReady = n === WORKER && p.workerNotReadyAfterMs !== undefined && t >= f0 + p.workerNotReadyAfterMs && t < healed + 3_000;
      // While the LB is down the poller reads through the first apiserver directly.
      e.push({ kind: 'node', atMs: t, node: n, ready: notReady ? 'Unknown' : 'True', ...(notReady ? { reason: 'NodeStatusUnknown' } : {}), internalIp: NODE_IPS[n] ?? '', via: lbDown(t) ? CP1 : 'lb' });
    }
  }
  for (const t of ticks(0, p.endMs, 200, 60)) {
    if (lbDown(t)) {
      e.push({ kind: 'poll-error', atMs: t, poller: 'lb-backend', target: LB_NODE, outcome: p.mode === 'pause' ? 'unknown' : 'fail', error: 'GET http://172.22.0.2:8404/stats;csv: no answer within 1000 ms' });
      continue;
    }
    for (const n of CP) {
      e.push({ kind: 'lb-backend', atMs: t, lb: LB_NODE, server: n, status: 'UP', checkStatus: 'L7OK' });
    }
  }
  return finish(e);
}

// ---- whole control-plane node loss ------------------------------------------------------------

/** Parameters of the node-loss scenario. */
export interface NodeLossParams {
  readonly victim: string;
  readonly stopAtMs: number;
  /** Stop -> node container started again (heal confirmed). */
  readonly downForMs: number;
  /** Stop -> node seen Unknown (grace 50 s + a monitor tick). */
  readonly notReadyAfterMs: number;
  /** Heal -> node seen Ready. */
  readonly readyAfterHealMs: number;
  /** The IP the node has after the restart (kind#1689 when it differs). */
  readonly ipAfter?: string;
  readonly ejectAfterMs: number;
  readonly endMs: number;
}

export const NODE_LOSS_DEFAULTS: NodeLossParams = { victim: CP3, stopAtMs: 10_000, downForMs: 80_000, notReadyAfterMs: 47_500, readyAfterHealMs: 24_000, ejectAfterMs: 9_100, endMs: 130_000 };

/** A whole control-plane node container stopped (its kube-controller-manager held the lease), then started. */
export function nodeLossHistory(over: Partial<NodeLossParams> = {}): History {
  const p = { ...NODE_LOSS_DEFAULTS, ...over };
  const rnd = seededRandom(3);
  const stop = p.stopAtMs;
  const healed = stop + p.downForMs;
  const readyAt = healed + p.readyAfterHealMs;
  const ejected = stop + p.ejectAfterMs;
  const upAgain = readyAt + 4_000;
  const down = (t: number): boolean => t >= stop && t < readyAt;
  const fid = 'f1-stop-node';
  const e: HistoryEntry[] = [
    ...phases(stop, healed, p.endMs),
    { kind: 'fault-injected', issuedAtMs: stop, atMs: stop + 900, faultId: fid, summary: 'stop-node (docker stop)', targets: [p.victim] },
    { kind: 'fault-healed', issuedAtMs: healed - 1_500, atMs: healed, faultId: fid, summary: 'docker start', targets: [p.victim] },
  ];
  let rr = 0;
  for (const t of ticks(0, p.endMs, 100)) {
    const pool = CP.filter((n) => n !== p.victim || t < ejected || t >= upAgain);
    const server = pool[rr % pool.length] ?? CP1;
    rr += 1;
    const hang = server === p.victim && down(t);
    e.push({ kind: 'op', ...op('api-write', 'create-configmap', 'lb', t, hang ? 'unknown' : 'ok', hang ? 1_000 : 8 + rnd() * 5, hang ? { error: 'no answer within 1000 ms' } : {}) });
  }
  for (const t of ticks(0, p.endMs, 100, 5)) {
    e.push({ kind: 'op', ...op('workload-http', 'get', WORKER, t, 'ok', 2 + rnd() * 2, { value: '{"pod":"echo-7c9f-abcde","node":"ha-3cp-worker"}' }) });
  }
  for (const t of ticks(0, p.endMs, 200, 50)) {
    for (const n of CP) {
      const status = n !== p.victim || t < stop + 4_000 ? 'UP' : t < ejected ? 'UP 1/3' : t < readyAt ? 'DOWN' : t < upAgain ? 'DOWN 1/2' : 'UP';
      e.push({ kind: 'lb-backend', atMs: t, lb: LB_NODE, server: n, status });
    }
  }
  for (const t of ticks(0, p.endMs, 500, 21)) {
    for (const n of [...CP, WORKER]) {
      const victim = n === p.victim;
      const unknown = victim && t >= stop + p.notReadyAfterMs && t < readyAt;
      const ip = victim && t >= readyAt && p.ipAfter !== undefined ? p.ipAfter : (NODE_IPS[n] ?? '');
      e.push({ kind: 'node', atMs: t, node: n, ready: unknown ? 'Unknown' : 'True', internalIp: ip, via: 'lb' });
    }
  }
  // kube-controller-manager's lease is held on the victim; kube-scheduler's on control-plane1.
  const kcm = HOLDERS['kube-controller-manager'];
  const sched = HOLDERS['kube-scheduler'];
  const lastRenew = Math.floor(stop / 2_000) * 2_000 - 300;
  const acquireAt = lastRenew + 15_000 + 2_100;
  for (const t of ticks(0, p.endMs, 200, 35)) {
    const sRenew = Math.floor((t - 500) / 2_000) * 2_000 + 500;
    e.push({ kind: 'lease', atMs: t, namespace: 'kube-system', lease: 'kube-scheduler', holder: sched.old, transitions: 4, renewTimeIso: isoAt(Math.max(0, sRenew)), acquireTimeIso: isoAt(0), durationS: 15, via: 'lb' });
    if (t < acquireAt) {
      const renew = t < stop ? Math.floor((t + 300) / 2_000) * 2_000 - 300 : lastRenew;
      e.push({ kind: 'lease', atMs: t, namespace: 'kube-system', lease: 'kube-controller-manager', holder: kcm.old, transitions: 6, renewTimeIso: isoAt(Math.max(0, renew)), acquireTimeIso: isoAt(0), durationS: 15, via: 'lb' });
    } else {
      const renew = acquireAt + Math.floor((t - acquireAt) / 2_000) * 2_000;
      e.push({ kind: 'lease', atMs: t, namespace: 'kube-system', lease: 'kube-controller-manager', holder: kcm.next, transitions: 7, renewTimeIso: isoAt(renew), acquireTimeIso: isoAt(acquireAt), durationS: 15, via: 'lb' });
    }
  }
  return finish(e);
}

/**
 * nodeLossHistory, plus what CI recorded on 2026-11-30 0.6 s after `docker unpause` of the paused
 * controller-manager leader's node: every other node Unknown, the NodePort refusing connections.
 */
export function staleControllerReturnHistory(over: Partial<NodeLossParams> = {}): History {
  const h = nodeLossHistory(over);
  const healIssued = h.faultWindows()[0]?.healIssuedAtMs ?? 0;
  const victim = over.victim ?? NODE_LOSS_DEFAULTS.victim;
  const others = [...CP, WORKER].filter((n) => n !== victim);
  const stale: HistoryEntry[] = [
    ...others.map((n): HistoryEntry => ({ kind: 'node', atMs: healIssued + 600, node: n, ready: 'Unknown', reason: 'NodeStatusUnknown', internalIp: '', via: 'lb' })),
    ...[2_500, 2_600, 2_700, 2_800].map((d): HistoryEntry => ({ kind: 'op', probe: 'workload-http', op: 'get', target: WORKER, invokedAtMs: healIssued + d, completedAtMs: healIssued + d + 1, outcome: 'fail', error: 'connect ECONNREFUSED 172.22.0.5:30306' })),
  ];
  return new History([...h.entries(), ...stale]);
}

// ---- workload continuity --------------------------------------------------------------------

/** Parameters of the workload-continuity scenario (all apiservers down). */
export interface WorkloadOutageParams {
  readonly faultAtMs: number;
  readonly holdMs: number;
  /** Names of pods whose container restarted during the fault. */
  readonly restarted?: readonly string[];
  /** Add a pod that was not there before (an extra replica). */
  readonly extraPod?: boolean;
  /** Writes that (wrongly) succeed during the outage. */
  readonly ackedWrites?: number;
  readonly endMs: number;
}

export const WORKLOAD_OUTAGE_DEFAULTS: WorkloadOutageParams = { faultAtMs: 10_000, holdMs: 20_000, endMs: 45_000 };

const PODS: readonly PodState[] = [
  { name: 'echo-7c9f-abcde', uid: '1f0e2d3c-0001-4000-8000-000000000001', node: WORKER, phase: 'Running', restarts: 0, ready: true, deleting: false, owner: 'ReplicaSet/echo-7c9f' },
  { name: 'echo-7c9f-fghij', uid: '1f0e2d3c-0002-4000-8000-000000000002', node: WORKER, phase: 'Running', restarts: 1, ready: true, deleting: false, owner: 'ReplicaSet/echo-7c9f' },
];

/** Every apiserver held down (manifests moved away) while the workload is probed. */
export function workloadOutageHistory(over: Partial<WorkloadOutageParams> = {}): History {
  const p = { ...WORKLOAD_OUTAGE_DEFAULTS, ...over };
  const rnd = seededRandom(5);
  const f0 = p.faultAtMs;
  const heal = f0 + p.holdMs;
  const healed = heal + 12_000;
  const e: HistoryEntry[] = [
    ...phases(f0, healed, p.endMs),
    { kind: 'fault-injected', issuedAtMs: f0, atMs: f0 + 2_500, faultId: 'f1-hold-all-apiservers', summary: 'hold kube-apiserver down (manifest moved)', targets: [...CP] },
    { kind: 'fault-healed', issuedAtMs: heal, atMs: healed, faultId: 'f1-hold-all-apiservers', summary: 'manifests restored', targets: [...CP] },
    { kind: 'pods', atMs: 5_000, namespace: 'kube-ha-chaos-workload', selector: 'app=echo', pods: PODS, via: 'lb' },
  ];
  let acked = p.ackedWrites ?? 0;
  for (const t of ticks(0, p.endMs, 100)) {
    const apiDown = t >= f0 + 2_000 && t < healed - 500;
    let outcome: Outcome = apiDown ? 'fail' : 'ok';
    if (apiDown && acked > 0 && t > f0 + 5_000) {
      outcome = 'ok';
      acked -= 1;
    }
    e.push({ kind: 'op', ...op('api-write', 'create-configmap', 'lb', t, outcome, outcome === 'ok' ? 9 + rnd() * 4 : 1, outcome === 'ok' ? {} : { error: 'socket hang up (LB has no backend)' }) });
  }
  for (const t of ticks(0, p.endMs, 100, 5)) {
    e.push({ kind: 'op', ...op('workload-http', 'get', WORKER, t, 'ok', 2 + rnd() * 2, { value: '{"pod":"echo-7c9f-abcde","node":"ha-3cp-worker"}' }) });
  }
  const after: PodState[] = PODS.map((pod) => (p.restarted?.includes(pod.name) === true ? { ...pod, restarts: pod.restarts + 1 } : pod));
  if (p.extraPod === true) {
    after.push({ name: 'echo-7c9f-zzzzz', uid: '1f0e2d3c-0003-4000-8000-000000000003', node: WORKER, phase: 'Running', restarts: 0, ready: true, deleting: false, owner: 'ReplicaSet/echo-7c9f' });
  }
  e.push({ kind: 'pods', atMs: healed + 8_000, namespace: 'kube-ha-chaos-workload', selector: 'app=echo', pods: after, via: 'lb' });
  return finish(e);
}
