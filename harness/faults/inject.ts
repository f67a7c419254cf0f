/**
 * Turn a FaultSpec into an ActiveFault: resolve the targets (who leads NOW), write the journal entry
 * BEFORE touching anything, apply the fault, and prove it took: the process PID is gone (or stopped),
 * the rules are in place. The history gets `fault-injected` with when it was issued and confirmed.
 */
import { randomBytes } from 'node:crypto';
import { inspectContainer } from '../runtime/docker.js';
import {
  HELD_MANIFEST_DIR, MANIFEST_DIR, fileExists, moveFile, pidsOf, processState, signalProcess,
} from '../cluster/node-processes.js';
import { chainExists, chainRules, isolateFromPeers, removeChain } from '../cluster/node-iptables.js';
import { resolveSelector } from '../targets/select.js';
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
      let now: number | undefined;
      await waitUntil(async () => {
        const pids = await pidsOf(node, program);
        now = pids.find((p) => p !== oldPid);
        return pids.length === 1 && now !== undefined;
      }, deadline, `${program} runs again on ${node} with a new PID`, 200);
      evidence[node] = `${program} pid ${oldPid} -> ${now}`;
    }
    return evidence;
  };
}

async function apply(ctx: FaultContext, spec: FaultSpec, targets: readonly string[], journalHeal: (steps: HealStep[]) => void): Promise<Applied> {
  const deadline = performance.now() + CONFIRM_TIMEOUT_MS;
  switch (spec.kind) {
    case 'kill-process': {
      const before = new Map<string, number>();
      for (const n of targets) {
        before.set(n, await onePid(n, spec.process));
      }
      journalHeal([]);
      await Promise.all(targets.map((n) => signalProcess(n, spec.process, spec.signal === 'SIGKILL' ? 'KILL' : 'TERM')));
      // In effect once the old process is gone (SIGKILL: at once; SIGTERM: after a graceful exit).
      for (const [n, pid] of before) {
        await waitUntil(async () => !(await pidsOf(n, spec.process)).includes(pid), deadline, `${spec.process} pid ${pid} exits on ${n}`, 50);
      }
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
      await Promise.all(targets.map((n) => moveFile(n, `${MANIFEST_DIR}/${file}`, `${HELD_MANIFEST_DIR}/${file}`)));
      // The kubelet sees the manifest go (inotify) and stops the pod: in effect once the process is gone.
      for (const n of targets) {
        await waitUntil(async () => (await pidsOf(n, spec.component)).length === 0, deadline, `${spec.component} stops on ${n}`, 100);
      }
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
      await Promise.all(targets.map((n) => signalProcess(n, spec.process, 'STOP')));
      for (const [n, pid] of before) {
        await waitUntil(async () => (await processState(n, pid)) === 'T', deadline, `${spec.process} pid ${pid} is stopped on ${n}`, 50);
      }
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
              await waitUntil(async () => (await processState(n, pid)) !== 'T', dl, `${spec.process} pid ${pid} runs again on ${n}`);
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
      for (const n of targets) {
        await isolateFromPeers(n, peerIps, spec.ports);
      }
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
  }
}

function selectorOf(spec: FaultSpec): Parameters<typeof resolveSelector>[0] {
  return spec.kind === 'network-partition' ? spec.isolate : spec.target;
}

/** Inject a fault; the returned ActiveFault must be healed (use `await using`). */
export async function injectFault(ctx: FaultContext, spec: FaultSpec): Promise<ActiveFault> {
  const view = await ctx.membership();
  const targets = resolveSelector(selectorOf(spec), view, ctx.random);
  const id = `${spec.kind}-${randomBytes(3).toString('hex')}`;
  const summary = `${describeFault(spec)} -> ${targets.join(', ')}`;
  const entryBase = { faultId: id, runId: ctx.runId, cluster: ctx.cluster.info.name, spec, targets, at: new Date().toISOString() };
  // Journal first: a crash between here and the heal leaves a record `npm run heal` can replay.
  ctx.journal.add({ ...entryBase, heal: [] });
  const issuedAtMs = ctx.clock.nowMs();
  let applied: Applied;
  try {
    applied = await apply(ctx, spec, targets, (steps) => ctx.journal.update({ ...entryBase, heal: steps }));
  } catch (e) {
    // Half-applied: record it so the heal below (and the journal) cover what did happen.
    ctx.history.record({ kind: 'fault-injected', atMs: ctx.clock.nowMs(), issuedAtMs, faultId: id, summary: `${summary} (failed to apply)`, targets });
    const partial = activeFault(ctx, { id, spec, targets, issuedAtMs, injectedAtMs: ctx.clock.nowMs(), evidence: {} }, summary, {
      undo: async () => {
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
    case 'network-partition':
      return 'etcd';
  }
}
