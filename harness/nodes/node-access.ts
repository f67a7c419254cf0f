/**
 * How the harness reaches the machines of a cluster, as one interface, so nothing above it knows
 * whether a node is a kind container (`docker exec`), a host behind SSH, or a privileged pod on the
 * node (issue 11). Shaped after kind's own split: `nodes.Node` (a name, a role, a command runner) and
 * `providers.Provider` (lists the nodes; docker, podman, nerdctl).
 *
 * - A ClusterNode is one machine: a Kubernetes node, kind's load balancer, later an external etcd
 *   member or a DNS server (issue 10). Like kind, the load balancer is a node with a role, not a
 *   special case.
 * - A NodeProvider lists them and says what it can do to a whole machine. Running a command is what
 *   every access has; pausing, stopping or killing the whole machine is not (an SSH login cannot
 *   freeze its own host), so `power` is optional and per operation, and a fault that needs it can say
 *   why it does not apply instead of failing half-way.
 *
 * Types and pure rules only; the implementations live in harness/runtime/ (the only layer that starts
 * processes): runtime/docker-nodes.ts today.
 */
import type { CommandResult } from '../runtime/command.js';

/**
 * What a machine is in the cluster. Where etcd runs on the control planes (stacked) it is part of the
 * layout (harness/cluster/layout.ts), not a role: `etcd` is a host whose job is an external member.
 */
export type NodeRole = 'control-plane' | 'worker' | 'load-balancer' | 'etcd' | 'dns';

export interface RunOptions {
  /** Required, as everywhere in runtime/: no command may run forever. */
  readonly timeoutMs: number;
  readonly stdin?: string | Buffer;
  /** Exit codes that count as success; default [0]. Any other exit throws a CommandError. */
  readonly okExitCodes?: readonly number[];
}

export interface ClusterNode {
  /** The node's name: the Kubernetes node name (kind: also its container's name). */
  readonly name: string;
  readonly roles: readonly NodeRole[];
  /**
   * The IPv4 address the other machines reach it at (a node's InternalIP), read now: a restarted
   * machine can come back on another one (kind#1689). Empty when it has none (a stopped container).
   * Works while the Kubernetes API is down.
   */
  address(): Promise<string>;
  /**
   * Run argv as root on the machine itself: its PID namespace (the parent of every pod's), its
   * network namespace, its filesystem. Never through a shell unless argv asks for one.
   */
  run(argv: readonly string[], opts: RunOptions): Promise<CommandResult>;
}

/** Whole-machine operations; an access offers some, all, or none of them. */
export type PowerOperation = 'pause' | 'resume' | 'stop' | 'start' | 'kill';
export const POWER_OPERATIONS: readonly PowerOperation[] = ['pause', 'resume', 'stop', 'start', 'kill'];

/** A machine's power state in the access's own terms, mapped onto these (`detail` keeps its word). */
export type PowerStatus = 'running' | 'paused' | 'stopped' | 'transitioning' | 'failed' | 'unknown';

export interface PowerState {
  readonly status: PowerStatus;
  /** The access's own word for it ("exited", "created"), as problems and evidence quote it. */
  readonly detail: string;
  /** The machine's identity as the access knows it (a container ID); changes only when re-created. */
  readonly id: string;
  /** The PID of its init process on the host running it (NaN when the access cannot tell). */
  readonly pid: number;
  /** When it last started; a kill that the access restarted by itself changes it. */
  readonly startedAt: string;
  /** Restarts the access did by itself (kind: docker's --restart=on-failure:1). */
  readonly restartCount: number;
  readonly address: string;
}

export interface NodePower {
  /** What one machine is called in evidence and problems ("container"). */
  readonly unit: string;
  /** How pause() freezes it, for evidence ("cgroup freezer"). */
  readonly pauseMechanism: string;
  /** What the report says was done, per operation ("unpaused" for resume with docker). */
  readonly pastTense: Readonly<Record<PowerOperation, string>>;
  state(node: ClusterNode): Promise<PowerState>;
  /** Each returns once the access accepted the operation; callers confirm it through state(). */
  pause(node: ClusterNode): Promise<void>;
  resume(node: ClusterNode): Promise<void>;
  /** A clean stop: the machine's own shutdown signal, then a kill after a grace period. */
  stop(node: ClusterNode): Promise<void>;
  start(node: ClusterNode): Promise<void>;
  /** SIGKILL to the whole machine, no shutdown. */
  kill(node: ClusterNode): Promise<void>;
  /**
   * A signal to the machine's init process only: for a single-process machine (an external etcd
   * member runs etcd as its PID 1) this is "signal the process". Optional: not every access can.
   */
  signalInit?(node: ClusterNode, signal: 'KILL' | 'TERM'): Promise<void>;
}

export type NodeAccessKind = 'docker' | 'ssh' | 'agent';

export interface NodeCapabilities {
  /** The whole-machine operations `power` offers (empty when there is no `power`). */
  readonly power: readonly PowerOperation[];
}

/** One machine of a listing, with its power state when the access can see it without running on it. */
export interface ListedNode {
  readonly node: ClusterNode;
  readonly power?: Pick<PowerState, 'status' | 'detail'>;
}

export interface NodeProvider {
  readonly kind: NodeAccessKind;
  /** For messages: "docker containers of kind cluster kube-ha-chaos". */
  readonly description: string;
  readonly capabilities: NodeCapabilities;
  readonly power?: NodePower;
  /** Every machine of the cluster, load balancers included, sorted by name. */
  listNodes(): Promise<ListedNode[]>;
}

/** Pure: the operations of `needed` that `access` does not offer. */
export function missingPowerOperations(access: Pick<NodeProvider, 'capabilities' | 'power'>, needed: readonly PowerOperation[]): PowerOperation[] {
  const offered = access.power === undefined ? [] : access.capabilities.power;
  return needed.filter((op) => !offered.includes(op));
}

/**
 * The power interface, or a one-line error naming what is missing and what to do instead. For heal
 * steps and faults that already passed their applicability check, so reaching the error is a bug or a
 * journal written under another access.
 */
export function requirePower(access: NodeProvider, needed: readonly PowerOperation[], what: string): NodePower {
  const missing = missingPowerOperations(access, needed);
  if (access.power === undefined || missing.length > 0) {
    throw new Error(
      `${what} needs the whole-machine operation(s) ${missing.join(', ') || 'state'}, which ${access.kind} node access (${access.description}) does not offer: heal it by hand, or use a node access that can`,
    );
  }
  return access.power;
}

export function hasRole(node: Pick<ClusterNode, 'roles'>, role: NodeRole): boolean {
  return node.roles.includes(role);
}

/** Pure: the node named `name` among `nodes`, or an error that lists the names there are. */
export function findNode<N extends Pick<ClusterNode, 'name'>>(nodes: readonly N[], name: string, where: string): N {
  const found = nodes.find((n) => n.name === name);
  if (found === undefined) {
    throw new Error(`${name} is not a node of ${where} (its nodes: ${nodes.map((n) => n.name).join(', ') || 'none'})`);
  }
  return found;
}
