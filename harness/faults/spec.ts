/**
 * Faults as data. A FaultSpec says what to break and whom (by role, resolved at injection time); the
 * injector turns it into an ActiveFault whose heal always runs and is verified.
 */
import type { ControlPlaneComponent } from '../cluster/node-processes.js';
import { describeSelector, type NodeSelector } from '../targets/select.js';

export type FaultSpec =
  /** One-shot: signal a control-plane process; kubelet restarts it. Heal = wait until it is back. */
  | { readonly kind: 'kill-process'; readonly target: NodeSelector; readonly process: ControlPlaneComponent; readonly signal: 'SIGKILL' | 'SIGTERM' }
  /** Sustained: move the static pod's manifest out of the kubelet's folder; heal moves it back. */
  | { readonly kind: 'stop-static-pod'; readonly target: NodeSelector; readonly component: ControlPlaneComponent }
  /**
   * Sustained: SIGSTOP the process (a hang, not a crash); heal sends SIGCONT. With `resumeAfterMs`
   * the node itself resumes it after that long (one shell: STOP, sleep, CONT), so a pause shorter
   * than etcd's election timeout is not lengthened by the latency of two separate execs.
   */
  | { readonly kind: 'pause-process'; readonly target: NodeSelector; readonly process: ControlPlaneComponent; readonly resumeAfterMs?: number }
  /** Sustained: drop traffic between the isolated nodes and the other control planes on `ports`. */
  | { readonly kind: 'network-partition'; readonly isolate: NodeSelector; readonly ports: readonly number[] }
  /**
   * Sustained gray failure: DROP (never reject) traffic on the etcd client `port`, both directions,
   * between the target member and the apiservers that use it, read from their --etcd-servers at
   * injection: its own apiserver over loopback when that lists 127.0.0.1/localhost (stacked etcd),
   * and every other control plane whose apiserver lists the member's address. The peer port is not
   * touched: the member stays in the cluster and quorum holds. Heal removes our chain.
   */
  | { readonly kind: 'blackhole-etcd-clients'; readonly target: NodeSelector; readonly port: number }
  /**
   * Sustained: drop a random share (`probability`, iptables `statistic` match) of the target's TCP
   * traffic on `port` to and from the other control planes, both directions. Heal removes our chain.
   */
  | { readonly kind: 'drop-peer-packets'; readonly target: NodeSelector; readonly port: number; readonly probability: number }
  /** Sustained: `docker pause` (cgroup freezer) a whole node or the load balancer; heal unpauses. */
  | { readonly kind: 'pause-container'; readonly target: ContainerTarget }
  /** Sustained: `docker stop` (the image's stop signal, then SIGKILL); heal starts it again. */
  | { readonly kind: 'stop-container'; readonly target: ContainerTarget }
  /**
   * `docker kill` (SIGKILL). kind runs its containers with --restart=on-failure:1, so Docker restarts
   * a killed container once by itself; heal starts it if Docker did not.
   */
  | { readonly kind: 'kill-container'; readonly target: ContainerTarget };

/**
 * A whole container: kind's load balancer, control-plane nodes chosen by role, or (vip-pair front)
 * the LB host that holds the VIP when the fault is injected, or the one that does not.
 */
export type ContainerTarget =
  | { readonly kind: 'load-balancer' }
  | { readonly kind: 'node'; readonly select: NodeSelector }
  | { readonly kind: 'vip-holder' }
  | { readonly kind: 'vip-backup' };

export type FaultKind = FaultSpec['kind'];

/** What went into the history and the report for one fault. */
export interface FaultRecord {
  readonly id: string;
  readonly spec: FaultSpec;
  /** Concrete node names, never selectors. */
  readonly targets: readonly string[];
  /** Run clock, when the injecting action was issued, and when it was confirmed in effect. */
  readonly issuedAtMs: number;
  readonly injectedAtMs: number;
  /** Proof the fault hit the process: PIDs before (and after, once known) per node. */
  readonly evidence: Readonly<Record<string, string>>;
}

export function describeFault(spec: FaultSpec): string {
  switch (spec.kind) {
    case 'kill-process':
      return `${spec.signal} ${spec.process} on ${describeSelector(spec.target)}`;
    case 'stop-static-pod':
      return `hold ${spec.component} down (manifest moved away) on ${describeSelector(spec.target)}`;
    case 'pause-process':
      return `SIGSTOP ${spec.process} on ${describeSelector(spec.target)}${spec.resumeAfterMs === undefined ? '' : ` for ${spec.resumeAfterMs} ms`}`;
    case 'network-partition':
      return `partition ${describeSelector(spec.isolate)} from the other control planes (tcp ${spec.ports.join(',')})`;
    case 'blackhole-etcd-clients':
      return `blackhole tcp ${spec.port} between the etcd member on ${describeSelector(spec.target)} and the apiservers that use it (DROP both ways)`;
    case 'drop-peer-packets':
      return `drop ${Math.round(spec.probability * 100)} % of tcp ${spec.port} packets between ${describeSelector(spec.target)} and the other control planes`;
    case 'pause-container':
      return `docker pause ${describeContainerTarget(spec.target)}`;
    case 'stop-container':
      return `docker stop ${describeContainerTarget(spec.target)}`;
    case 'kill-container':
      return `docker kill ${describeContainerTarget(spec.target)}`;
  }
}

export function describeContainerTarget(t: ContainerTarget): string {
  switch (t.kind) {
    case 'load-balancer':
      return 'the load balancer';
    case 'vip-holder':
      return 'the LB host holding the VIP';
    case 'vip-backup':
      return 'the LB host not holding the VIP';
    case 'node':
      return `the node of ${describeSelector(t.select)}`;
  }
}

/**
 * How to undo a fault, as data, so `npm run heal` can replay it after a crash. Nodes by name, resolved
 * through the cluster's node access when replayed; whole-machine steps need its power operations.
 */
export type HealStep =
  | { readonly kind: 'move-file'; readonly node: string; readonly from: string; readonly to: string }
  | { readonly kind: 'remove-chain'; readonly node: string }
  | { readonly kind: 'signal'; readonly node: string; readonly process: string; readonly signal: 'CONT' }
  /** Resume a paused machine (docker unpause). */
  | { readonly kind: 'resume-host'; readonly node: string }
  /** Start a stopped or killed machine (docker start). */
  | { readonly kind: 'start-host'; readonly node: string };

/** Whole-machine steps as journals written before 2026-12-07 name them. Read, never written. */
export type LegacyHealStep = { readonly kind: 'docker-unpause'; readonly container: string } | { readonly kind: 'docker-start'; readonly container: string };

/** Pure: a journaled step in today's terms (an old journal must still replay after an upgrade). */
export function currentHealStep(step: HealStep | LegacyHealStep): HealStep {
  switch (step.kind) {
    case 'docker-unpause':
      return { kind: 'resume-host', node: step.container };
    case 'docker-start':
      return { kind: 'start-host', node: step.container };
    default:
      return step;
  }
}
