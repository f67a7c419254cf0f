/**
 * runScenario: probes run across named phases (baseline -> fault -> heal -> recovery), the fault is
 * injected only into a healthy cluster, always healed (and the heal verified), and every phase
 * boundary goes into the same history as the probe operations (Jepsen's single history).
 */
import { getPriority } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { checkClusterHealth, waitForHealthy } from './cluster/health.js';
import { hostCpuMs, reapedChildrenCpuMs } from './runtime/host.js';
import { unsteadyReason } from './checks/steady-state.js';
import type { PaceTracker } from './probes/periodic.js';
import { injectFault } from './faults/inject.js';
import type { ActiveFault } from './faults/active-fault.js';
import type { FaultContext } from './faults/context.js';
import type { FaultRecord, FaultSpec } from './faults/spec.js';

/** Something that records into the history while it runs. */
export interface Probe {
  readonly name: string;
  start(): void;
  stop(): Promise<void>;
}

/**
 * A phase that waits for something: it goes on past its fixed duration until `seen()` (the event it
 * waits for, judged on the history) or until `maxMs` from the phase's start, the bound derived for
 * the target it waits on plus a margin (harness/suites/observation-windows.ts). Both ends, and how
 * `maxMs` was sized, go into the history as notes, so a report says how each window was sized.
 */
export interface PhaseWait {
  /** What the phase waits to see, e.g. 'a new holder of kube-system/kube-controller-manager'. */
  readonly what: string;
  /** Whether it has been seen; polled every 250 ms. Without it the phase lasts maxMs. */
  readonly seen?: () => boolean;
  /** The longest the phase lasts: from its start (recovery), from the fault's issue (fault hold). */
  readonly maxMs: number;
  /** How maxMs was derived (bound, its flags, margin). */
  readonly sizing: string;
}

export type Phase =
  | { readonly kind: 'baseline'; readonly durationMs: number }
  /**
   * Inject, hold for holdMs (0 for one-shot faults: the heal waits for the restart), heal, verify.
   * `during` runs while the fault holds (e.g. ask the controllers for work); the hold lasts until both
   * the time is up and `during` has finished, and, with `until`, until what it waits for was seen or
   * its bound has passed.
   */
  | { readonly kind: 'fault'; readonly spec: FaultSpec; readonly holdMs: number; readonly during?: () => Promise<void>; readonly until?: PhaseWait }
  /** Observation after the heal: durationMs, and with `until` on until what it waits for was seen or its bound has passed. */
  | { readonly kind: 'recovery'; readonly durationMs: number; readonly until?: PhaseWait }
  /**
   * An operator's procedure run under the probes (a disaster drill: snapshot, destroy, restore,
   * replace a member). It records its own phases and steps; it is not a fault, so nothing heals it:
   * a procedure that can leave the cluster broken marks it dirty first (harness/drills/).
   */
  | { readonly kind: 'procedure'; readonly name: string; readonly run: () => Promise<void> };

export interface ScenarioResult {
  readonly faults: readonly { readonly record: FaultRecord; readonly healEvidence: Readonly<Record<string, string>> }[];
}

/** The faults in effect right now, so Ctrl-C can heal them before the process exits. */
const inEffect = new Set<ActiveFault>();
let sigintInstalled = false;

function installSigintHeal(): void {
  if (sigintInstalled) {
    return;
  }
  sigintInstalled = true;
  process.once('SIGINT', () => {
    console.error(`\nkube-ha-chaos: interrupted: healing ${inEffect.size} fault(s) before exiting ...`);
    void Promise.allSettled([...inEffect].map((f) => f.heal())).then((results) => {
      const failed = results.filter((r) => r.status === 'rejected').length;
      console.error(failed === 0 ? 'kube-ha-chaos: healed.' : `kube-ha-chaos: ${failed} heal(s) failed; run \`npm run heal\``);
      process.exit(130);
    });
  });
}

/**
 * How long a cluster that is not at baseline gets to settle before a fault is refused: covers a
 * static pod the kubelet restarts under crash-loop back-off (up to 5 min upstream, but our cases heal
 * well before the back-off grows that far) plus haproxy's rise count.
 */
const PRE_FAULT_SETTLE_MS = 150_000;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

const WAIT_POLL_MS = 250;

/**
 * Goes on until `wait` is satisfied (seen, or maxMs since `phaseStartMs`), noting in the history what
 * the phase waited for, how its bound was sized, and how it ended.
 */
export async function waitForPhaseEnd(ctx: Pick<FaultContext, 'history' | 'clock'>, phase: string, phaseStartMs: number, wait: PhaseWait): Promise<void> {
  const s = (ms: number): string => `${(ms / 1_000).toFixed(1)} s`;
  ctx.history.record({ kind: 'note', atMs: ctx.clock.nowMs(), source: 'harness', text: `${phase} lasts until ${wait.what} is seen, at most ${s(wait.maxMs)}: ${wait.sizing}` });
  for (;;) {
    const elapsed = ctx.clock.nowMs() - phaseStartMs;
    if (wait.seen?.() === true) {
      ctx.history.record({ kind: 'note', atMs: ctx.clock.nowMs(), source: 'harness', text: `${phase} ended after ${s(elapsed)}: ${wait.what} was seen` });
      return;
    }
    if (elapsed >= wait.maxMs) {
      ctx.history.record({
        kind: 'note',
        atMs: ctx.clock.nowMs(),
        source: 'harness',
        text: `${phase} ended after ${s(elapsed)}, its bound and margin: ${wait.seen === undefined ? `sized to cover ${wait.what}` : `${wait.what} was not seen`}`,
      });
      return;
    }
    await sleep(Math.min(WAIT_POLL_MS, wait.maxMs - elapsed));
  }
}

/** Probes run at least this long before the first phase; no check reads the warm-up window. */
export const PROBE_WARM_UP_MS = 2_000;
/** The warm-up then goes on until the probes are steady (checks/steady-state.ts), at most this long. */
export const STEADY_MAX_WAIT_MS = 15_000;
const STEADY_POLL_MS = 250;
export const WARM_UP_PHASE = 'warm-up';

/** Options of a scenario. */
export interface ScenarioOptions {
  /** Where the probes' workers report running late (ProbeContext.pace); without it only failures count. */
  readonly pace?: PaceTracker;
}

/**
 * Waits until the probes are steady, for at most STEADY_MAX_WAIT_MS, and says in the history how
 * long it waited and why (or that it gave up: the baseline is then judged as it comes).
 */
async function waitForSteadyProbes(ctx: FaultContext, pace: PaceTracker | undefined): Promise<void> {
  const startMs = ctx.clock.nowMs();
  let first: string | undefined;
  for (;;) {
    const nowMs = ctx.clock.nowMs();
    const reason = unsteadyReason(ctx.history, nowMs, pace?.lastLateAtMs());
    first ??= reason;
    const waitedS = ((nowMs - startMs) / 1_000).toFixed(1);
    if (reason === undefined) {
      if (first !== undefined) {
        ctx.history.record({ kind: 'note', atMs: nowMs, source: 'harness', text: `warm-up extended by ${waitedS} s until the probes were steady (first: ${first})` });
      }
      return;
    }
    if (nowMs - startMs >= STEADY_MAX_WAIT_MS) {
      ctx.history.record({ kind: 'note', atMs: nowMs, source: 'harness', text: `the probes were not steady after ${waitedS} s more warm-up; the baseline starts anyway: ${reason}` });
      return;
    }
    await sleep(STEADY_POLL_MS);
  }
}

export async function runScenario(ctx: FaultContext, probes: readonly Probe[], phases: readonly Phase[], opts: ScenarioOptions = {}): Promise<ScenarioResult> {
  installSigintHeal();
  let health = await checkClusterHealth(ctx.cluster, ctx.etcd);
  if (!health.healthy) {
    // A transient left by the previous case (a static pod the kubelet restarts late, haproxy's rise
    // count) settles on its own; a broken cluster does not. Wait a bounded time, then refuse.
    const waitStart = performance.now();
    console.log(`[scenario] cluster not at baseline yet (${health.problems.join('; ')}); waiting up to ${PRE_FAULT_SETTLE_MS / 1000} s for it to settle`);
    health = await waitForHealthy(ctx.cluster, ctx.etcd, PRE_FAULT_SETTLE_MS);
    if (health.healthy) {
      console.log(`[scenario] settled after ${((performance.now() - waitStart) / 1000).toFixed(1)} s`);
    }
  }
  if (!health.healthy) {
    throw new Error(`refusing to inject faults: the cluster is unhealthy before the first fault: ${health.problems.join('; ')}`);
  }
  const faults: { record: FaultRecord; healEvidence: Readonly<Record<string, string>> }[] = [];
  const mark = (name: string, startMs: number, endMs?: number): void =>
    ctx.history.record(endMs === undefined ? { kind: 'phase', name, startMs } : { kind: 'phase', name, startMs, endMs });
  for (const p of probes) {
    p.start();
  }
  // The probes' first requests open every connection at once (a TLS handshake per member and
  // worker); on ha-5cp that burst timed out the first ~15 writes, 2 % of a 6 s baseline. The
  // warm-up phase keeps that start-up cost of the MEASURING side out of every judged window.
  const warmUpStart = ctx.clock.nowMs();
  mark(WARM_UP_PHASE, warmUpStart);
  await sleep(PROBE_WARM_UP_MS);
  await waitForSteadyProbes(ctx, opts.pace);
  mark(WARM_UP_PHASE, warmUpStart, ctx.clock.nowMs());
  // The harness's own CPU while it probes (this process: probes, fault injection, heal checks; not
  // the docker/kubectl children), recorded per case so every report shows what measuring cost.
  const cpuAtStart = process.cpuUsage();
  const wallAtStart = performance.now();
  const childrenAtStart = reapedChildrenCpuMs();
  const hostAtStart = hostCpuMs();
  // How late this process's timers ran: a deadline that fires 300 ms late records a timeout 300 ms
  // late, so a stall of the harness itself must be told apart from a stall of the cluster.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  try {
    for (const phase of phases) {
      const startMs = ctx.clock.nowMs();
      switch (phase.kind) {
        case 'baseline':
        case 'recovery':
          mark(phase.kind, startMs);
          await sleep(phase.durationMs);
          if (phase.kind === 'recovery' && phase.until !== undefined) {
            await waitForPhaseEnd(ctx, 'recovery', startMs, phase.until);
          }
          mark(phase.kind, startMs, ctx.clock.nowMs());
          break;
        case 'procedure':
          await phase.run();
          break;
        case 'fault': {
          mark('fault', startMs);
          const fault = await injectFault(ctx, phase.spec);
          inEffect.add(fault);
          try {
            await Promise.all([sleep(phase.holdMs), phase.during?.()]);
            if (phase.until !== undefined) {
              // Bounds run from the fault's issue (checks measure from there), not from the bookkeeping before it.
              await waitForPhaseEnd(ctx, 'fault hold', fault.record.issuedAtMs, phase.until);
            }
            const faultEnd = ctx.clock.nowMs();
            mark('fault', startMs, faultEnd);
            mark('heal', faultEnd);
            await fault.heal();
            mark('heal', faultEnd, ctx.clock.nowMs());
          } finally {
            // Heal is idempotent: this only does work if the hold above threw.
            await fault.heal();
            inEffect.delete(fault);
          }
          faults.push({ record: fault.record, healEvidence: fault.healEvidence });
          break;
        }
      }
    }
  } finally {
    await Promise.allSettled(probes.map((p) => p.stop()));
    loopDelay.disable();
    const childrenNow = reapedChildrenCpuMs();
    const hostNow = hostCpuMs();
    const cost: HarnessCost = {
      usage: process.cpuUsage(cpuAtStart),
      wallMs: performance.now() - wallAtStart,
      probeCount: probes.length,
      niceness: getPriority(),
      loopDelay: { p99Ms: loopDelay.percentile(99) / 1e6, maxMs: loopDelay.max / 1e6 },
      ...(childrenAtStart === undefined || childrenNow === undefined ? {} : { childrenCpuMs: childrenNow - childrenAtStart }),
      ...(hostAtStart === undefined || hostNow === undefined || hostNow.totalMs <= hostAtStart.totalMs
        ? {}
        : { hostBusyCores: { busy: ((hostNow.busyMs - hostAtStart.busyMs) / (hostNow.totalMs - hostAtStart.totalMs)) * hostNow.cores, cores: hostNow.cores } }),
    };
    ctx.history.record({ kind: 'note', atMs: ctx.clock.nowMs(), source: 'harness', text: harnessCpuNote(cost) });
  }
  return { faults };
}

/** What measuring cost, and how busy the host was, over one case (see harnessCpuNote). */
export interface HarnessCost {
  /** This process's CPU (process.cpuUsage difference). */
  readonly usage: NodeJS.CpuUsage;
  readonly wallMs: number;
  readonly probeCount: number;
  /** CPU of the CLIs the harness ran and reaped (docker, kubectl, etcdctl), when /proc tells. */
  readonly childrenCpuMs?: number;
  /** The whole host's busy CPU over the case, in cores, and how many it has. */
  readonly hostBusyCores?: { readonly busy: number; readonly cores: number };
  /** How late this process's timers fired. */
  readonly loopDelay?: { readonly p99Ms: number; readonly maxMs: number };
  /** The niceness the harness ran at (raiseMeasurementPriority). */
  readonly niceness?: number;
}

/**
 * "harness CPU 14.2 % of one core (+2.0 % in the CLIs it ran) over 312 s with 9 probes; host busy
 * 1.71 of 2 cores; event-loop delay p99 22 ms, max 312 ms (...)". The host figure puts a stall in
 * context: on a saturated host every member's commits slow down together.
 */
export function harnessCpuNote(c: HarnessCost): string {
  const pct = (ms: number): string => (c.wallMs <= 0 ? '0.0' : ((ms / c.wallMs) * 100).toFixed(1));
  const parts = [
    `harness CPU ${pct((c.usage.user + c.usage.system) / 1_000)} % of one core${c.childrenCpuMs === undefined ? '' : ` (+${pct(c.childrenCpuMs)} % in the CLIs it ran)`} over ${(c.wallMs / 1_000).toFixed(0)} s with ${c.probeCount} probes`,
  ];
  if (c.hostBusyCores !== undefined) {
    parts.push(`host busy ${c.hostBusyCores.busy.toFixed(2)} of ${c.hostBusyCores.cores} cores`);
  }
  if (c.loopDelay !== undefined) {
    parts.push(`event-loop delay p99 ${Math.round(c.loopDelay.p99Ms)} ms, max ${Math.round(c.loopDelay.maxMs)} ms (how late a probe's own timers could fire)`);
  }
  if (c.niceness !== undefined) {
    parts.push(`niceness ${c.niceness}`);
  }
  return parts.join('; ');
}
