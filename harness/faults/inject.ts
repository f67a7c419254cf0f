/**
 * Turn a FaultSpec into an ActiveFault: resolve the targets (who leads NOW), write the journal entry
 * BEFORE touching anything, apply the fault, and prove it took: the process PID is gone (or stopped),
 * the rules are in place. The history gets `fault-injected` with when it was issued and confirmed.
 */
import { randomBytes } from 'node:crypto';
import { hasRole, requirePower, type ClusterNode, type NodeProvider, type PowerState } from '../nodes/node-access.js';
import {
  HELD_MANIFEST_DIR, MANIFEST_DIR, fileExists, moveFile, pidsOf, signalProcess,
  waitForNewPid, waitForNoProcess, waitForPidGone, waitForProcessState,
} from '../cluster/node-processes.js';
import { chainExists, chainRules, isolateFromPeers, removeChain } from '../cluster/node-iptables.js';
import {
  applyChaosRules, blackholeClientRules, blackholeRuleCount, chainRulesWithCounters, etcdClientPaths, packetLossRules, parseLossCounters, readEtcdServers,
} from '../cluster/gray-iptables.js';
import { pauseBriefly } from '../cluster/timed-pause.js';
import { currentVipOwner } from '../cluster/vip-owner.js';
import { DROPPED_PACKETS_METRIC, PAUSED_MS_METRIC, SEEN_PACKETS_METRIC } from './fault-metrics.js';
import { resolveSelector, type MembershipView } from '../targets/select.js';
import { activeFault, waitUntil, type ActiveFault, type FaultBehaviour } from './active-fault.js';
import { hitsExternalMemberProcess, powerNeededBy, powerNeededFor, whyNotApplicable } from './applicability.js';
import { viewForFault } from './fault-view.js';
import type { FaultContext } from './context.js';
import { describeFault, type FaultRecord, type FaultSpec, type HealStep } from './spec.js';

const CONFIRM_TIMEOUT_MS = 60_000;

type Applied = { readonly evidence: Record<string, string>; readonly behaviour: FaultBehaviour };

async function onePid(node: ClusterNode, program: string): Promise<number> {
  const pids = await pidsOf(node, program);
  if (pids.length !== 1 || pids[0] === undefined) {
    throw new Error(`refusing to inject: ${node.name} runs ${pids.length} ${program} processes, expected 1`);
  }
  return pids[0];
}

/** After a process was killed or held down: wait for a NEW one (a different PID) on every node. */
function waitForRestart(before: ReadonlyMap<ClusterNode, number>, program: string): FaultBehaviour['verify'] {
  return async (deadline) => {
    const evidence: Record<string, string> = {};
    for (const [node, oldPid] of before) {
      const now = await waitForNewPid(node, program, oldPid, deadline, `${program} runs again with a new PID`);
      evidence[node.name] = `${program} pid ${oldPid} -> ${now}`;
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
  targets: readonly ClusterNode[],
  journalHeal: (steps: HealStep[]) => void,
  issued: () => void,
): Promise<Applied> {
  const deadline = performance.now() + CONFIRM_TIMEOUT_MS;
  if (hitsExternalMemberProcess(spec, ctx.cluster.layout) && (spec.kind === 'kill-process' || spec.kind === 'stop-static-pod' || spec.kind === 'pause-process')) {
    return applyMemberProcessFault(ctx, spec, targets, journalHeal, deadline, issued);
  }
  switch (spec.kind) {
    case 'kill-process': {
      const before = new Map<ClusterNode, number>();
      for (const n of targets) {
        before.set(n, await onePid(n, spec.process));
      }
      journalHeal([]);
      issued();
      await Promise.all(targets.map((n) => signalProcess(n, spec.process, spec.signal === 'SIGKILL' ? 'KILL' : 'TERM')));
      // In effect once the old process is gone (SIGKILL: at once; SIGTERM: after a graceful exit).
      await Promise.all([...before].map(([n, pid]) => waitForPidGone(n, pid, deadline, `${spec.process} pid ${pid} exits`)));
      return {
        evidence: Object.fromEntries([...before].map(([n, p]) => [n.name, `${spec.process} pid ${p} ${spec.signal}`])),
        behaviour: { undo: async () => {}, verify: waitForRestart(before, spec.process) },
      };
    }
    case 'stop-static-pod': {
      const file = `${spec.component}.yaml`;
      const before = new Map<ClusterNode, number>();
      for (const n of targets) {
        before.set(n, await onePid(n, spec.component));
      }
      const steps = targets.map((n): HealStep => ({ kind: 'move-file', node: n.name, from: `${HELD_MANIFEST_DIR}/${file}`, to: `${MANIFEST_DIR}/${file}` }));
      journalHeal(steps);
      issued();
      await Promise.all(targets.map((n) => moveFile(n, `${MANIFEST_DIR}/${file}`, `${HELD_MANIFEST_DIR}/${file}`)));
      // The kubelet sees the manifest go (inotify) and stops the pod: in effect once the process is gone.
      await Promise.all(targets.map((n) => waitForNoProcess(n, spec.component, deadline, `${spec.component} stops`)));
      return {
        evidence: Object.fromEntries([...before].map(([n, p]) => [n.name, `${spec.component} pid ${p} stopped by the kubelet`])),
        behaviour: {
          undo: async () => {
            for (const s of steps) {
              if (s.kind === 'move-file' && (await fileExists(ctx.cluster.node(s.node), s.from))) {
                await moveFile(ctx.cluster.node(s.node), s.from, s.to);
              }
            }
          },
          verify: waitForRestart(before, spec.component),
        },
      };
    }
    case 'pause-process': {
      if (spec.resumeAfterMs !== undefined) {
        return applyTimedPause(ctx, spec.process, spec.resumeAfterMs, targets, journalHeal, issued);
      }
      const before = new Map<ClusterNode, number>();
      for (const n of targets) {
        before.set(n, await onePid(n, spec.process));
      }
      journalHeal(targets.map((n): HealStep => ({ kind: 'signal', node: n.name, process: spec.process, signal: 'CONT' })));
      issued();
      await Promise.all(targets.map((n) => signalProcess(n, spec.process, 'STOP')));
      await Promise.all([...before].map(([n, pid]) => waitForProcessState(n, pid, 'T', deadline, `${spec.process} pid ${pid} is stopped`)));
      return {
        evidence: Object.fromEntries([...before].map(([n, p]) => [n.name, `${spec.process} pid ${p} SIGSTOP`])),
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
              evidence[n.name] = `${spec.process} pid ${pid} SIGCONT (same process resumed)`;
            }
            return evidence;
          },
        },
      };
    }
    case 'network-partition': {
      // Its etcd peers: the other control planes when etcd is stacked, the other member hosts when external.
      const peers = ctx.cluster.etcdMemberNodes.filter((n) => !targets.includes(n));
      const peerIps = await Promise.all(peers.map((p) => p.address()));
      journalHeal(targets.map((n): HealStep => ({ kind: 'remove-chain', node: n.name })));
      issued();
      await Promise.all(targets.map((n) => isolateFromPeers(n, peerIps, spec.ports)));
      const evidence: Record<string, string> = {};
      for (const n of targets) {
        const rules = await chainRules(n);
        if (rules.length !== peerIps.length * 2) {
          throw new Error(`partition on ${n.name}: expected ${peerIps.length * 2} DROP rules, found ${rules.length}`);
        }
        evidence[n.name] = `${rules.length} DROP rules to/from ${peers.map((p) => p.name).join(', ')} on tcp ${spec.ports.join(',')}`;
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
                throw new Error(`iptables chain still present on ${n.name}`);
              }
              out[n.name] = 'rules removed';
            }
            return out;
          },
        },
      };
    }
    case 'blackhole-etcd-clients':
    case 'drop-peer-packets':
      return applyGrayRules(ctx, spec, targets, journalHeal, issued);
    case 'pause-container':
    case 'stop-container':
    case 'kill-container':
      return applyContainerFault(ctx, spec, targets, journalHeal, deadline, issued);
  }
}

/** Heal of every fault that lives in our chain: remove it, verify it is gone. */
function chainBehaviour(targets: readonly ClusterNode[], proofAtHeal?: (n: ClusterNode) => Promise<string>): FaultBehaviour {
  const atHeal: Record<string, string> = {};
  return {
    undo: async () => {
      for (const n of targets) {
        if (proofAtHeal !== undefined && atHeal[n.name] === undefined) {
          // Read before removing: the counters go with the chain.
          atHeal[n.name] = await proofAtHeal(n).catch((e: unknown) => `counters unreadable: ${(e as Error).message}`);
        }
        await removeChain(n);
      }
    },
    verify: async () => {
      const out: Record<string, string> = {};
      for (const n of targets) {
        if (await chainExists(n)) {
          throw new Error(`iptables chain still present on ${n.name}`);
        }
        out[n.name] = atHeal[n.name] === undefined ? 'rules removed' : `${atHeal[n.name]}; rules removed`;
      }
      return out;
    },
  };
}

/**
 * The gray network faults: a blackhole of etcd's client port between a member and its apiservers,
 * random loss on the peer port. Whom the rules name is resolved now (the apiservers' --etcd-servers,
 * the peers' addresses), and the rules are counted in our chain before the fault counts as in effect.
 */
async function applyGrayRules(
  ctx: FaultContext,
  spec: Extract<FaultSpec, { kind: 'blackhole-etcd-clients' | 'drop-peer-packets' }>,
  targets: readonly ClusterNode[],
  journalHeal: (steps: HealStep[]) => void,
  issued: () => void,
): Promise<Applied> {
  const planes = ctx.cluster.controlPlaneNodes;
  const ips: Record<string, string> = {};
  for (const n of planes) {
    ips[n.name] = await n.address();
  }
  const plans = new Map<ClusterNode, { rules: string; expected: number; what: string }>();
  if (spec.kind === 'blackhole-etcd-clients') {
    const servers = await readEtcdServers(planes);
    for (const n of targets) {
      const paths = etcdClientPaths(n.name, ips[n.name] ?? '', spec.port, servers, ips);
      const expected = blackholeRuleCount(paths);
      if (expected === 0) {
        // A blackhole nobody is behind would be judged as if it had hit.
        throw new Error(`refusing to inject: no apiserver reaches the etcd member on ${n.name} through tcp ${spec.port} (--etcd-servers: ${JSON.stringify(servers)})`);
      }
      const who = [...(paths.local.length > 0 ? [`its own apiserver (${paths.local.join(', ')}, over lo)`] : []), ...paths.remoteClients.map((c) => `${c.node}'s apiserver (${c.ip})`)];
      plans.set(n, { rules: blackholeClientRules(paths, spec.port), expected, what: `DROP tcp ${spec.port} to/from ${who.join(', ')}` });
    }
  } else {
    for (const n of targets) {
      const peers = planes.filter((p) => p !== n).map((p) => ips[p.name] ?? '');
      plans.set(n, {
        rules: packetLossRules(peers, spec.port, spec.probability),
        expected: peers.length * 4,
        what: `random DROP of ${(spec.probability * 100).toFixed(0)} % of tcp ${spec.port} to/from ${planes.filter((p) => p !== n).map((p) => p.name).join(', ')} (statistic match)`,
      });
    }
  }
  journalHeal(targets.map((n): HealStep => ({ kind: 'remove-chain', node: n.name })));
  issued();
  await Promise.all([...plans].map(([n, p]) => applyChaosRules(n, p.rules)));
  const evidence: Record<string, string> = {};
  for (const [n, p] of plans) {
    const rules = await chainRules(n);
    if (rules.length !== p.expected) {
      throw new Error(`${spec.kind} on ${n.name}: expected ${p.expected} rules in our chain, found ${rules.length}`);
    }
    evidence[n.name] = `${rules.length} rules: ${p.what}`;
  }
  const counters =
    spec.kind === 'drop-peer-packets'
      ? async (n: ClusterNode): Promise<string> => {
          const c = parseLossCounters(await chainRulesWithCounters(n));
          // The heal's proof the loss happened: packets seen and dropped, as the kernel counted them.
          ctx.history.record({ kind: 'metric', atMs: ctx.clock.nowMs(), member: n.name, name: DROPPED_PACKETS_METRIC, value: c.droppedPackets });
          ctx.history.record({ kind: 'metric', atMs: ctx.clock.nowMs(), member: n.name, name: SEEN_PACKETS_METRIC, value: c.seenPackets });
          return `dropped ${c.droppedPackets} of ${c.seenPackets} packets (${c.seenPackets === 0 ? '?' : ((c.droppedPackets / c.seenPackets) * 100).toFixed(1)} %)`;
        }
      : undefined;
  return { evidence, behaviour: chainBehaviour(targets, counters) };
}


/**
 * A pause the node times itself: STOP, sleep, CONT in one shell (cluster/timed-pause.ts). In effect
 * and over by the time this returns; the in-node duration goes into the history as a metric, so a
 * check can tell whether the pause really stayed under the bound it was meant to stay under.
 */
async function applyTimedPause(
  ctx: FaultContext,
  process: string,
  resumeAfterMs: number,
  targets: readonly ClusterNode[],
  journalHeal: (steps: HealStep[]) => void,
  issued: () => void,
): Promise<Applied> {
  const before = new Map<ClusterNode, number>();
  for (const n of targets) {
    before.set(n, await onePid(n, process));
  }
  // Journaled like any pause: if the harness dies mid-sleep the node still resumes it, and the replay's CONT is harmless.
  journalHeal(targets.map((n): HealStep => ({ kind: 'signal', node: n.name, process, signal: 'CONT' })));
  issued();
  const results = await Promise.all(targets.map(async (n) => [n, await pauseBriefly(n, process, resumeAfterMs)] as const));
  const evidence: Record<string, string> = {};
  for (const [n, r] of results) {
    if (r.pid !== before.get(n)) {
      throw new Error(`${process} on ${n.name} changed PID before the pause (${before.get(n)} -> ${r.pid})`);
    }
    ctx.history.record({ kind: 'metric', atMs: ctx.clock.nowMs(), member: n.name, name: PAUSED_MS_METRIC, value: r.pausedMs });
    evidence[n.name] = `${process} pid ${r.pid} SIGSTOP, state T seen after ${r.stoppedAfterMs.toFixed(0)} ms, SIGCONT after ${r.pausedMs.toFixed(0)} ms (timed in the node)`;
  }
  return {
    evidence,
    behaviour: {
      undo: async () => {
        for (const n of targets) {
          await signalProcess(n, process, 'CONT');
        }
      },
      verify: async (dl) => {
        const out: Record<string, string> = {};
        for (const [n, pid] of before) {
          await waitForProcessState(n, pid, 'T', dl, `${process} pid ${pid} runs again`, { not: true });
          out[n.name] = `${process} pid ${pid} running (same process resumed)`;
        }
        return out;
      },
    },
  };
}

/**
 * The whole machine: pause / stop / kill through the node access's power operations (docker pause,
 * stop, kill), proven by the access's own view of the machine's state.
 */
async function applyContainerFault(
  ctx: FaultContext,
  spec: Extract<FaultSpec, { kind: 'pause-container' | 'stop-container' | 'kill-container' }>,
  targets: readonly ClusterNode[],
  journalHeal: (steps: HealStep[]) => void,
  deadline: number,
  issued: () => void,
): Promise<Applied> {
  // injectFault checked applicability first; this only narrows the type.
  const power = requirePower(ctx.cluster.nodeAccess, powerNeededBy(spec.kind), describeFault(spec));
  const unit = power.unit;
  const before = new Map<ClusterNode, PowerState>();
  for (const c of targets) {
    const st = await power.state(c);
    if (st.status !== 'running') {
      throw new Error(`refusing to inject: ${unit} ${c.name} is ${st.detail}, not running`);
    }
    before.set(c, st);
  }
  journalHeal(targets.map((c): HealStep => (spec.kind === 'pause-container' ? { kind: 'resume-host', node: c.name } : { kind: 'start-host', node: c.name })));
  const evidence: Record<string, string> = {};
  // A vip-pair: who holds the VIP before, as proof of what the fault hit (after: see verify).
  const pair = ctx.cluster.info.lbPair;
  const lbNodes = pair === undefined ? [] : ctx.cluster.nodes.filter((n) => hasRole(n, 'load-balancer'));
  const vipBefore = pair === undefined || !targets.some((t) => hasRole(t, 'load-balancer')) ? undefined : await currentVipOwner(lbNodes, pair.vip);
  const vipNote = (o: Awaited<ReturnType<typeof currentVipOwner>> | undefined): string =>
    o === undefined || pair === undefined ? '' : `; VIP ${pair.vip} ${o.owner !== undefined ? `held by ${o.owner}` : `held by no single host (${o.why})`}`;
  issued();
  for (const c of targets) {
    const b = before.get(c) as PowerState;
    if (spec.kind === 'pause-container') {
      await power.pause(c);
      await waitUntil(async () => (await power.state(c)).status === 'paused', deadline, `${c.name} is paused`);
      evidence[c.name] = `${unit} ${b.id.slice(0, 12)} paused (${power.pauseMechanism}), pid ${b.pid}`;
    } else if (spec.kind === 'stop-container') {
      // The machine's own shutdown (a kind node: systemd on SIGRTMIN+3; haproxy: a soft stop on SIGUSR1).
      await power.stop(c);
      await waitUntil(async () => (await power.state(c)).status === 'stopped', deadline, `${c.name} has stopped`);
      evidence[c.name] = `${unit} ${b.id.slice(0, 12)} stopped (was pid ${b.pid}, ip ${b.address})`;
    } else {
      await power.kill(c);
      // In effect once the old process is gone: the access may already have restarted it (kind's
      // containers: docker's --restart=on-failure:1).
      await waitUntil(async () => {
        const now = await power.state(c);
        return now.status !== 'running' || now.startedAt !== b.startedAt;
      }, deadline, `${c.name} died`, 50);
      const now = await power.state(c);
      evidence[c.name] = `${unit} ${b.id.slice(0, 12)} SIGKILL (pid ${b.pid}); now ${now.detail}, restarts ${b.restartCount} -> ${now.restartCount}`;
    }
    if (vipBefore !== undefined) {
      evidence[c.name] = `${evidence[c.name] ?? ''}${vipNote(vipBefore)} before`;
    }
  }
  return {
    evidence,
    behaviour: {
      undo: () => resumeOrStart(ctx.cluster.nodeAccess, targets),
      verify: async (dl) => {
        const out: Record<string, string> = {};
        for (const c of targets) {
          const b = before.get(c) as PowerState;
          await waitUntil(async () => (await power.state(c)).status === 'running', dl, `${c.name} runs again`);
          const now = await power.state(c);
          if (now.address !== b.address) {
            // kind#1689: a restarted node can come back on another address; etcd's peer URLs and the
            // certificates still name the old one. Say so plainly instead of waiting for a heal that
            // cannot happen.
            const note = `${c.name} came back with IP ${now.address}, not ${b.address} (kind#1689): etcd peer URLs and certificates name the old address`;
            ctx.history.record({ kind: 'note', atMs: ctx.clock.nowMs(), source: 'fault', text: note });
            throw new Error(note);
          }
          out[c.name] =
            spec.kind === 'pause-container'
              ? `unpaused, same pid ${now.pid}`
              : `running again: pid ${b.pid} -> ${now.pid}, started ${now.startedAt}, same IP ${now.address}`;
          if (vipBefore !== undefined && pair !== undefined) {
            out[c.name] = `${out[c.name] ?? ''}${vipNote(await currentVipOwner(lbNodes, pair.vip))} at the heal`;
          }
        }
        return out;
      },
    },
  };
}

/** How long a killed member's restart policy gets to bring it back before the heal starts it itself. */
const RESTART_POLICY_GRACE_MS = 5_000;

/**
 * A fault on the etcd process of an external member, whose machine runs nothing else (etcd is its
 * PID 1, the image has no shell): "kill etcd" signals PID 1 (docker kill --signal), "hold it down" is
 * the member's own stop (docker stop) with a journaled start, "pause it" freezes it (docker pause)
 * with a journaled unpause. Proven by the access's view: PID 1 and its start time before and after.
 */
async function applyMemberProcessFault(
  ctx: FaultContext,
  spec: Extract<FaultSpec, { kind: 'kill-process' | 'stop-static-pod' | 'pause-process' }>,
  targets: readonly ClusterNode[],
  journalHeal: (steps: HealStep[]) => void,
  deadline: number,
  issued: () => void,
): Promise<Applied> {
  const access = ctx.cluster.nodeAccess;
  const power = requirePower(access, powerNeededFor(spec, ctx.cluster.layout), describeFault(spec));
  const before = new Map<ClusterNode, PowerState>();
  for (const n of targets) {
    const st = await power.state(n);
    if (st.status !== 'running') {
      throw new Error(`refusing to inject: etcd member ${n.name} is ${st.detail}, not running`);
    }
    before.set(n, st);
  }
  journalHeal(targets.map((n): HealStep => (spec.kind === 'pause-process' ? { kind: 'resume-host', node: n.name } : { kind: 'start-host', node: n.name })));
  const evidence: Record<string, string> = {};
  issued();
  if (spec.kind === 'kill-process') {
    const signalInit = power.signalInit;
    if (signalInit === undefined) {
      throw new Error(`refusing to inject: ${access.kind} node access cannot signal PID 1 of ${targets.map((t) => t.name).join(', ')}`);
    }
    const signal = spec.signal === 'SIGKILL' ? 'KILL' : 'TERM';
    await Promise.all(targets.map((n) => signalInit.call(power, n, signal)));
    // In effect once the old PID 1 is gone: stopped, or already restarted by the restart policy.
    await Promise.all(targets.map((n) => {
      const b = before.get(n) as PowerState;
      return waitUntil(async () => {
        const now = await power.state(n);
        return now.status !== 'running' || now.startedAt !== b.startedAt;
      }, deadline, `etcd (PID 1 of ${n.name}) exits after ${spec.signal}`, 20);
    }));
  } else if (spec.kind === 'stop-static-pod') {
    await Promise.all(targets.map((n) => power.stop(n)));
    await Promise.all(targets.map((n) => waitUntil(async () => (await power.state(n)).status === 'stopped', deadline, `${n.name} has stopped`)));
  } else {
    await Promise.all(targets.map((n) => power.pause(n)));
    await Promise.all(targets.map((n) => waitUntil(async () => (await power.state(n)).status === 'paused', deadline, `${n.name} is paused`)));
  }
  for (const n of targets) {
    const b = before.get(n) as PowerState;
    const now = await power.state(n);
    const what = spec.kind === 'kill-process' ? `${spec.signal} to PID 1` : spec.kind === 'stop-static-pod' ? `stopped (${power.unit} stop: SIGTERM, then SIGKILL after the grace)` : `paused (${power.pauseMechanism})`;
    evidence[n.name] = `etcd pid ${b.pid} (PID 1 of ${power.unit} ${b.id.slice(0, 12)}, started ${b.startedAt}) ${what}; now ${now.detail}, restarts ${b.restartCount} -> ${now.restartCount}`;
  }
  const startedBy: Record<string, string> = {};
  return {
    evidence,
    behaviour: {
      undo: async () => {
        for (const n of targets) {
          if (spec.kind === 'pause-process') {
            if ((await power.state(n)).status === 'paused') {
              await power.resume(n);
            }
            continue;
          }
          if (spec.kind === 'kill-process' && startedBy[n.name] === undefined) {
            // The member's restart policy (unless-stopped) may bring it back by itself: give it a moment, and say who did.
            const b = before.get(n) as PowerState;
            const graceEnd = performance.now() + RESTART_POLICY_GRACE_MS;
            await waitUntil(async () => {
              const now = await power.state(n);
              return (now.status === 'running' && now.startedAt !== b.startedAt) || performance.now() > graceEnd;
            }, graceEnd + 1_000, `${n.name} restarted by its restart policy`, 100).catch(() => undefined);
          }
          const st = await power.state(n);
          if (st.status === 'stopped') {
            await power.start(n);
            startedBy[n.name] ??= 'started by the heal (docker start)';
          } else {
            startedBy[n.name] ??= spec.kind === 'kill-process' ? `restarted by its restart policy (restarts ${(before.get(n) as PowerState).restartCount} -> ${st.restartCount})` : `found ${st.detail}`;
          }
        }
      },
      verify: async (dl) => {
        const out: Record<string, string> = {};
        for (const n of targets) {
          const b = before.get(n) as PowerState;
          await waitUntil(async () => (await power.state(n)).status === 'running', dl, `${n.name} runs again`);
          const now = await power.state(n);
          if (now.address !== b.address) {
            throw new Error(`${n.name} came back with IP ${now.address}, not ${b.address}: its certificates and every --etcd-servers name the old address`);
          }
          if (spec.kind === 'pause-process') {
            if (now.pid !== b.pid) {
              throw new Error(`${n.name} was to resume the same etcd, but PID 1 changed ${b.pid} -> ${now.pid}`);
            }
            out[n.name] = `unpaused, same etcd pid ${now.pid}`;
          } else {
            if (now.startedAt === b.startedAt) {
              throw new Error(`${n.name}: etcd still runs from ${b.startedAt} (pid ${b.pid}): the fault did not hit`);
            }
            out[n.name] = `etcd runs again: pid ${b.pid} -> ${now.pid}, started ${b.startedAt} -> ${now.startedAt}, ${startedBy[n.name] ?? 'running'}, same IP ${now.address}`;
          }
        }
        return out;
      },
    },
  };
}

/** Undo of every whole-machine fault, idempotent: a paused machine resumes, a stopped one starts. */
async function resumeOrStart(access: NodeProvider, targets: readonly ClusterNode[]): Promise<void> {
  for (const c of targets) {
    const st = (await requirePower(access, [], `healing ${c.name}`).state(c)).status;
    if (st === 'paused') {
      await requirePower(access, ['resume'], `resuming ${c.name}`).resume(c);
    } else if (st === 'stopped') {
      await requirePower(access, ['start'], `starting ${c.name}`).start(c);
    }
  }
}

/**
 * Concrete targets, by name: control-plane nodes chosen by role, the load balancer, or the LB host
 * of a vip-pair that holds the VIP now (asked of the hosts themselves), or the other one.
 */
async function resolveTargets(ctx: FaultContext, spec: FaultSpec, view: MembershipView): Promise<string[]> {
  switch (spec.kind) {
    case 'network-partition':
      return resolveSelector(spec.isolate, viewForFault(spec, view), ctx.random);
    case 'pause-container':
    case 'stop-container':
    case 'kill-container':
      switch (spec.target.kind) {
        case 'load-balancer':
          // The whole front: kind's one container, or both hosts of a vip-pair (its single point of failure).
          return ctx.cluster.nodes.filter((n) => hasRole(n, 'load-balancer')).map((n) => n.name);
        case 'node':
          return resolveSelector(spec.target.select, viewForFault(spec, view), ctx.random);
        case 'vip-holder':
        case 'vip-backup': {
          const pair = ctx.cluster.info.lbPair;
          if (pair === undefined) {
            throw new Error(`refusing to inject: ${describeFault(spec)} needs a vip-pair front, and cluster ${ctx.cluster.info.name} records none`);
          }
          const lbs = ctx.cluster.nodes.filter((n) => hasRole(n, 'load-balancer'));
          const o = await currentVipOwner(lbs, pair.vip);
          if (o.owner === undefined) {
            throw new Error(`refusing to inject: ${describeFault(spec)}: ${o.why}`);
          }
          return spec.target.kind === 'vip-holder' ? [o.owner] : lbs.filter((n) => n.name !== o.owner).map((n) => n.name);
        }
      }
      break;
    default:
      return resolveSelector(spec.target, viewForFault(spec, view), ctx.random);
  }
}

/** Inject a fault; the returned ActiveFault must be healed (use `await using`). */
export async function injectFault(ctx: FaultContext, spec: FaultSpec): Promise<ActiveFault> {
  const notApplicable = whyNotApplicable(spec, ctx.cluster.nodeAccess, ctx.cluster.layout);
  if (notApplicable !== undefined) {
    throw new Error(`refusing to inject: ${notApplicable}`);
  }
  const view = await ctx.membership();
  const targets = await resolveTargets(ctx, spec, view);
  const targetNodes = targets.map((t) => ctx.cluster.node(t));
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
      targetNodes,
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
        if (spec.kind === 'pause-container' || spec.kind === 'stop-container' || spec.kind === 'kill-container' || hitsExternalMemberProcess(spec, ctx.cluster.layout)) {
          await resumeOrStart(ctx.cluster.nodeAccess, targetNodes);
          return;
        }
        if (targetNodes.some((n) => hasRole(n, 'etcd'))) {
          // External members: only our chain can be there (no process to signal, no manifest to move).
          for (const n of targetNodes) {
            await removeChain(n);
          }
          return;
        }
        for (const n of targetNodes) {
          await removeChain(n);
          await signalProcess(n, selectorProcess(spec), 'CONT');
          for (const entry of ctx.journal.active().filter((j) => j.faultId === id)) {
            for (const s of entry.heal) {
              if (s.kind === 'move-file' && (await fileExists(ctx.cluster.node(s.node), s.from))) {
                await moveFile(ctx.cluster.node(s.node), s.from, s.to);
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
