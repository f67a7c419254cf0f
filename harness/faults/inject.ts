/**
 * Turn a FaultSpec into an ActiveFault: resolve the targets (who leads NOW), write the journal entry
 * BEFORE touching anything, apply the fault, and prove it took: the process PID is gone (or stopped),
 * the rules are in place. The history gets `fault-injected` with when it was issued and confirmed.
 */
import { randomBytes } from 'node:crypto';
import { docker, inspectContainer, type ContainerState } from '../runtime/docker.js';
import {
  HELD_MANIFEST_DIR, MANIFEST_DIR, fileExists, moveFile, pidsOf, signalProcess,
  waitForNewPid, waitForNoProcess, waitForPidGone, waitForProcessState,
} from '../cluster/node-processes.js';
import { chainExists, chainRules, isolateFromPeers, removeChain } from '../cluster/node-iptables.js';
import { resolveSelector, type MembershipView } from '../targets/select.js';
import { activeFault, waitUntil, type ActiveFault, type FaultBehaviour } from './active-fault.js';
import type { FaultContext } from './context.js';
import { describeFault, type FaultRecord, type FaultSpec, type HealStep } from './spec.js';

const CONFIRM_TIMEOUT_MS = 60_000;

type Applied = { readonly evidence: Record<string, string>; readonly behaviour: FaultBehaviour };

async function onePid(node: string, program: string): Promise<number> {
  const pids = await pidsOf(node, program);
  if (pids.length !== 1 || pids[0] === undefined) {
    throw new Error(`refusing to inject: ${node} runs ${pids.length} ${program} processes, expected 1`);
  }
  return pids[0];
}

/** After a process was killed or held down: wait for a NEW one (a different PID) on every node. */
function waitForRestart(before: ReadonlyMap<string, number>, program: string): FaultBehaviour['verify'] {
  return async (deadline) => {
    const evidence: Record<string, string> = {};
    for (const [node, oldPid] of before) {
      const now = await waitForNewPid(node, program, oldPid, deadline, `${program} runs again with a new PID`);
      evidence[node] = `${program} pid ${oldPid} -> ${now}`;
    }
    return evidence;
  };
}

/**
 * `issued()` is called right before the command that breaks something, so the recorded issue time is
 * the instant the fault starts, not the start of the bookkeeping before it (PID lookups, inspects).
 */
async function apply(
  ctx: FaultContext,
  spec: FaultSpec,
  targets: readonly string[],
  journalHeal: (steps: HealStep[]) => void,
  issued: () => void,
): Promise<Applied> {
  const deadline = performance.now() + CONFIRM_TIMEOUT_MS;
  switch (spec.kind) {
    case 'kill-process': {
      const before = new Map<string, number>();
      for (const n of targets) {
        before.set(n, await onePid(n, spec.process));
      }
      journalHeal([]);
      issued();
      await Promise.all(targets.map((n) => signalProcess(n, spec.process, spec.signal === 'SIGKILL' ? 'KILL' : 'TERM')));
      // In effect once the old process is gone (SIGKILL: at once; SIGTERM: after a graceful exit).
      await Promise.all([...before].map(([n, pid]) => waitForPidGone(n, pid, deadline, `${spec.process} pid ${pid} exits`)));
      return {
        evidence: Object.fromEntries([...before].map(([n, p]) => [n, `${spec.process} pid ${p} ${spec.signal}`])),
        behaviour: { undo: async () => {}, verify: waitForRestart(before, spec.process) },
      };
    }
    case 'stop-static-pod': {
      const file = `${spec.component}.yaml`;
      const before = new Map<string, number>();
      for (const n of targets) {
        before.set(n, await onePid(n, spec.component));
      }
      const steps = targets.map((n): HealStep => ({ kind: 'move-file', node: n, from: `${HELD_MANIFEST_DIR}/${file}`, to: `${MANIFEST_DIR}/${file}` }));
      journalHeal(steps);
      issued();
      await Promise.all(targets.map((n) => moveFile(n, `${MANIFEST_DIR}/${file}`, `${HELD_MANIFEST_DIR}/${file}`)));
      // The kubelet sees the manifest go (inotify) and stops the pod: in effect once the process is gone.
      await Promise.all(targets.map((n) => waitForNoProcess(n, spec.component, deadline, `${spec.component} stops`)));
      return {
        evidence: Object.fromEntries([...before].map(([n, p]) => [n, `${spec.component} pid ${p} stopped by the kubelet`])),
        behaviour: {
          undo: async () => {
            for (const s of steps) {
              if (s.kind === 'move-file' && (await fileExists(s.node, s.from))) {
                await moveFile(s.node, s.from, s.to);
              }
            }
          },
          verify: waitForRestart(before, spec.component),
        },
      };
    }
    case 'pause-process': {
      const before = new Map<string, number>();
      for (const n of targets) {
        before.set(n, await onePid(n, spec.process));
      }
      journalHeal(targets.map((n): HealStep => ({ kind: 'signal', node: n, process: spec.process, signal: 'CONT' })));
      issued();
      await Promise.all(targets.map((n) => signalProcess(n, spec.process, 'STOP')));
      await Promise.all([...before].map(([n, pid]) => waitForProcessState(n, pid, 'T', deadline, `${spec.process} pid ${pid} is stopped`)));
      return {
        evidence: Object.fromEntries([...before].map(([n, p]) => [n, `${spec.process} pid ${p} SIGSTOP`])),
        behaviour: {
          undo: async () => {
            for (const n of targets) {
              await signalProcess(n, spec.process, 'CONT');
            }
          },
          verify: async (dl) => {
            const evidence: Record<string, string> = {};
            for (const [n, pid] of before) {
              await waitForProcessState(n, pid, 'T', dl, `${spec.process} pid ${pid} runs again`, { not: true });
              evidence[n] = `${spec.process} pid ${pid} SIGCONT (same process resumed)`;
            }
            return evidence;
          },
        },
      };
    }
    case 'network-partition': {
      const peers = ctx.cluster.controlPlanes.filter((n) => !targets.includes(n));
      const peerIps = await Promise.all(peers.map(async (p) => (await inspectContainer(p)).ipv4));
      journalHeal(targets.map((n): HealStep => ({ kind: 'remove-chain', node: n })));
      issued();
      await Promise.all(targets.map((n) => isolateFromPeers(n, peerIps, spec.ports)));
      const evidence: Record<string, string> = {};
      for (const n of targets) {
        const rules = await chainRules(n);
        if (rules.length !== peerIps.length * 2) {
          throw new Error(`partition on ${n}: expected ${peerIps.length * 2} DROP rules, found ${rules.length}`);
        }
        evidence[n] = `${rules.length} DROP rules to/from ${peers.join(', ')} on tcp ${spec.ports.join(',')}`;
      }
      return {
        evidence,
        behaviour: {
          undo: async () => {
            for (const n of targets) {
              await removeChain(n);
            }
          },
          verify: async () => {
            const out: Record<string, string> = {};
            for (const n of targets) {
              if (await chainExists(n)) {
                throw new Error(`iptables chain still present on ${n}`);
              }
              out[n] = 'rules removed';
            }
            return out;
          },
        },
      };
    }
    case 'pause-container':
    case 'stop-container':
    case 'kill-container':
      return applyContainerFault(ctx, spec, targets, journalHeal, deadline, issued);
  }
}

/** The whole container: docker pause / stop / kill, proven by Docker's own state. */
async function applyContainerFault(
  ctx: FaultContext,
  spec: Extract<FaultSpec, { kind: 'pause-container' | 'stop-container' | 'kill-container' }>,
  targets: readonly string[],
  journalHeal: (steps: HealStep[]) => void,
  deadline: number,
  issued: () => void,
): Promise<Applied> {
  const before = new Map<string, ContainerState>();
  for (const c of targets) {
    const st = await inspectContainer(c);
    if (st.status !== 'running') {
      throw new Error(`refusing to inject: container ${c} is ${st.status}, not running`);
    }
    before.set(c, st);
  }
  journalHeal(targets.map((c): HealStep => (spec.kind === 'pause-container' ? { kind: 'docker-unpause', container: c } : { kind: 'docker-start', container: c })));
  const evidence: Record<string, string> = {};
  issued();
  for (const c of targets) {
    const b = before.get(c) as ContainerState;
    if (spec.kind === 'pause-container') {
      await docker(['pause', c], { timeoutMs: 30_000 });
      await waitUntil(async () => (await inspectContainer(c)).status === 'paused', deadline, `${c} is paused`);
      evidence[c] = `container ${b.id.slice(0, 12)} paused (cgroup freezer), pid ${b.pid}`;
    } else if (spec.kind === 'stop-container') {
      // The image's stop signal (SIGRTMIN+3: systemd shuts the node down; SIGUSR1: haproxy soft-stops).
      await docker(['stop', '--time', '30', c], { timeoutMs: 60_000 });
      await waitUntil(async () => (await inspectContainer(c)).status === 'exited', deadline, `${c} has stopped`);
      evidence[c] = `container ${b.id.slice(0, 12)} stopped (was pid ${b.pid}, ip ${b.ipv4})`;
    } else {
      await docker(['kill', c], { timeoutMs: 30_000 });
      // In effect once the old process is gone: Docker may already have restarted it (on-failure:1).
      await waitUntil(async () => {
        const now = await inspectContainer(c);
        return now.status !== 'running' || now.startedAt !== b.startedAt;
      }, deadline, `${c} died`, 50);
      const now = await inspectContainer(c);
      evidence[c] = `container ${b.id.slice(0, 12)} SIGKILL (pid ${b.pid}); now ${now.status}, restarts ${b.restartCount} -> ${now.restartCount}`;
    }
  }
  return {
    evidence,
    behaviour: {
      undo: async () => {
        for (const c of targets) {
          const st = (await inspectContainer(c)).status;
          if (st === 'paused') {
            await docker(['unpause', c], { timeoutMs: 30_000 });
          } else if (st === 'exited' || st === 'created') {
            await docker(['start', c], { timeoutMs: 60_000 });
          }
        }
      },
      verify: async (dl) => {
        const out: Record<string, string> = {};
        for (const c of targets) {
          const b = before.get(c) as ContainerState;
          await waitUntil(async () => (await inspectContainer(c)).status === 'running', dl, `${c} runs again`);
          const now = await inspectContainer(c);
          if (now.ipv4 !== b.ipv4) {
            // kind#1689: a restarted node can come back on another address; etcd's peer URLs and the
            // certificates still name the old one. Say so plainly instead of waiting for a heal that
            // cannot happen.
            const note = `${c} came back with IP ${now.ipv4}, not ${b.ipv4} (kind#1689): etcd peer URLs and certificates name the old address`;
            ctx.history.record({ kind: 'note', atMs: ctx.clock.nowMs(), source: 'fault', text: note });
            throw new Error(note);
          }
          out[c] =
            spec.kind === 'pause-container'
              ? `unpaused, same pid ${now.pid}`
              : `running again: pid ${b.pid} -> ${now.pid}, started ${now.startedAt}, same IP ${now.ipv4}`;
        }
        return out;
      },
    },
  };
}

/** Concrete targets: node names for process/network faults, container names for container faults. */
function resolveTargets(ctx: FaultContext, spec: FaultSpec, view: MembershipView): string[] {
  switch (spec.kind) {
    case 'network-partition':
      return resolveSelector(spec.isolate, view, ctx.random);
    case 'pause-container':
    case 'stop-container':
    case 'kill-container':
      return spec.target.kind === 'load-balancer' ? [ctx.cluster.loadBalancer] : resolveSelector(spec.target.select, view, ctx.random);
    default:
      return resolveSelector(spec.target, view, ctx.random);
  }
}

/** Inject a fault; the returned ActiveFault must be healed (use `await using`). */
export async function injectFault(ctx: FaultContext, spec: FaultSpec): Promise<ActiveFault> {
  const view = await ctx.membership();
  const targets = resolveTargets(ctx, spec, view);
  const id = `${spec.kind}-${randomBytes(3).toString('hex')}`;
  const summary = `${describeFault(spec)} -> ${targets.join(', ')}`;
  const entryBase = { faultId: id, runId: ctx.runId, cluster: ctx.cluster.info.name, spec, targets, at: new Date().toISOString() };
  // Journal first: a crash between here and the heal leaves a record `npm run heal` can replay.
  ctx.journal.add({ ...entryBase, heal: [] });
  let issuedAtMs = ctx.clock.nowMs();
  let applied: Applied;
  try {
    applied = await apply(
      ctx,
      spec,
      targets,
      (steps) => ctx.journal.update({ ...entryBase, heal: steps }),
      () => {
        issuedAtMs = ctx.clock.nowMs();
      },
    );
  } catch (e) {
    // Half-applied: record it so the heal below (and the journal) cover what did happen.
    ctx.history.record({ kind: 'fault-injected', atMs: ctx.clock.nowMs(), issuedAtMs, faultId: id, summary: `${summary} (failed to apply)`, targets });
    const partial = activeFault(ctx, { id, spec, targets, issuedAtMs, injectedAtMs: ctx.clock.nowMs(), evidence: {} }, summary, {
      undo: async () => {
        if (spec.kind === 'pause-container' || spec.kind === 'stop-container' || spec.kind === 'kill-container') {
          for (const c of targets) {
            const st = (await inspectContainer(c)).status;
            if (st === 'paused') {
              await docker(['unpause', c], { timeoutMs: 30_000 });
            } else if (st === 'exited' || st === 'created') {
              await docker(['start', c], { timeoutMs: 60_000 });
            }
          }
          return;
        }
        for (const n of targets) {
          await removeChain(n);
          await signalProcess(n, selectorProcess(spec), 'CONT');
          for (const entry of ctx.journal.active().filter((j) => j.faultId === id)) {
            for (const s of entry.heal) {
              if (s.kind === 'move-file' && (await fileExists(s.node, s.from))) {
                await moveFile(s.node, s.from, s.to);
              }
            }
          }
        }
      },
      verify: async () => ({}),
    });
    await partial.heal().catch((healError: unknown) => {
      throw new AggregateError([e, healError], `injecting ${summary} failed, and so did healing it`);
    });
    throw e;
  }
  const injectedAtMs = ctx.clock.nowMs();
  ctx.history.record({ kind: 'fault-injected', atMs: injectedAtMs, issuedAtMs, faultId: id, summary, targets });
  const record: FaultRecord = { id, spec, targets, issuedAtMs, injectedAtMs, evidence: applied.evidence };
  return activeFault(ctx, record, summary, applied.behaviour);
}

function selectorProcess(spec: FaultSpec): string {
  switch (spec.kind) {
    case 'kill-process':
    case 'pause-process':
      return spec.process;
    case 'stop-static-pod':
      return spec.component;
    default:
      return 'etcd';
  }
}
