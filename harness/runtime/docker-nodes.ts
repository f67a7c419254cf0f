/**
 * Node access through Docker: every machine of the cluster is a container on this host (kind's
 * nodes and its load balancer). Commands run with `docker exec` (in the container's namespaces,
 * which for a kind node are the node's own), the address is the container's IP on its network, and
 * the whole machine can be paused (cgroup freezer), stopped, killed and started.
 *
 * Which containers make up a cluster, and their roles, is the caller's (harness/nodes/): this layer
 * knows Docker, not kind's labels.
 */
import type { ClusterNode, ListedNode, NodePower, NodeProvider, NodeRole, PowerState, PowerStatus, RunOptions } from '../nodes/node-access.js';
import { runCommand, type CommandResult } from './command.js';
import { docker, execInContainer, inspectContainer } from './docker.js';

/** Pure: Docker's container state word on the provider-neutral scale. */
export function dockerPowerStatus(state: string): PowerStatus {
  switch (state) {
    case 'running':
      return 'running';
    case 'paused':
      return 'paused';
    // `created`: never started, or `docker start` not yet through; either way `start` runs it.
    case 'exited':
    case 'created':
      return 'stopped';
    case 'restarting':
    case 'removing':
      return 'transitioning';
    case 'dead':
      return 'failed';
    default:
      return 'unknown';
  }
}

class DockerNode implements ClusterNode {
  constructor(
    readonly name: string,
    readonly roles: readonly NodeRole[],
  ) {}

  async address(): Promise<string> {
    return (await inspectContainer(this.name)).ipv4;
  }

  run(argv: readonly string[], opts: RunOptions): Promise<CommandResult> {
    return execInContainer(this.name, argv, opts);
  }
}

/** The container named `name`, as a node with `roles`. No I/O. */
export function dockerNode(name: string, roles: readonly NodeRole[]): ClusterNode {
  return new DockerNode(name, roles);
}

/**
 * A container with no userland of its own: an external etcd member, whose image holds only
 * /usr/local/bin/etcd, etcdctl and etcdutl (no shell, no iptables, no pgrep), so `docker exec` has
 * nothing to run. Its commands run on THIS host inside the container's network namespace
 * (`nsenter -t <pid> -n`): the host's iptables and ip see and change the member's own interfaces and
 * rules, nothing else. Its process is its PID 1, reached through the power operations (docker kill
 * --signal, pause, stop, start), never through a command in it.
 */
const NETNS_PROGRAMS = new Set(['iptables', 'iptables-restore', 'iptables-save', 'ip', 'ss']);

class HostNetnsDockerNode implements ClusterNode {
  constructor(
    readonly name: string,
    readonly roles: readonly NodeRole[],
  ) {}

  async address(): Promise<string> {
    return (await inspectContainer(this.name)).ipv4;
  }

  async run(argv: readonly string[], opts: RunOptions): Promise<CommandResult> {
    // Only programs whose whole effect is the network namespace: anything else (pkill, a shell, a
    // file path) would act on the HOST's processes and files, never on the member's.
    if (!NETNS_PROGRAMS.has(argv[0] ?? '')) {
      throw new Error(`${this.name} has no userland: only ${[...NETNS_PROGRAMS].join(', ')} run in its network namespace (from the host), not ${argv[0] ?? 'an empty command'}; its process is reached through the power operations`);
    }
    const s = await inspectContainer(this.name);
    if (s.status !== 'running' || !(s.pid > 0)) {
      throw new Error(`${this.name} is ${s.status || 'gone'}: no network namespace to run ${argv[0] ?? 'a command'} in`);
    }
    return runCommand(['nsenter', '-t', String(s.pid), '-n', '--', ...argv], opts);
  }
}

/** A container without a userland (an external etcd member), as a node whose commands run in its netns from the host. No I/O. */
export function dockerNetnsNode(name: string, roles: readonly NodeRole[]): ClusterNode {
  return new HostNetnsDockerNode(name, roles);
}

/** docker pause / unpause / stop / start / kill, with the timeouts the faults have always used. */
export const dockerPower: NodePower = {
  unit: 'container',
  pauseMechanism: 'cgroup freezer',
  pastTense: { pause: 'paused', resume: 'unpaused', stop: 'stopped', start: 'started', kill: 'killed' },
  async state(node): Promise<PowerState> {
    const s = await inspectContainer(node.name);
    return { status: dockerPowerStatus(s.status), detail: s.status, id: s.id, pid: s.pid, startedAt: s.startedAt, restartCount: s.restartCount, address: s.ipv4 };
  },
  async pause(node) {
    await docker(['pause', node.name], { timeoutMs: 30_000 });
  },
  async resume(node) {
    await docker(['unpause', node.name], { timeoutMs: 30_000 });
  },
  async stop(node) {
    // The image's stop signal (kind node: SIGRTMIN+3, systemd shuts down; haproxy: SIGUSR1, soft
    // stop), then SIGKILL after 30 s.
    await docker(['stop', '--time', '30', node.name], { timeoutMs: 60_000 });
  },
  async start(node) {
    await docker(['start', node.name], { timeoutMs: 60_000 });
  },
  async kill(node) {
    await docker(['kill', node.name], { timeoutMs: 30_000 });
  },
  async signalInit(node, signal) {
    await docker(['kill', '--signal', signal, node.name], { timeoutMs: 30_000 });
  },
};

/** A container of the cluster as the inventory lists it: its name, roles and Docker state word. */
export interface DockerInventoryEntry {
  readonly name: string;
  readonly roles: readonly NodeRole[];
  readonly state: string;
  /** Where its commands run: in the container (docker exec, default) or, without a userland, in its netns from the host. */
  readonly commands?: 'in-container' | 'host-netns';
}

/** A provider over containers; `inventory` says which containers are the cluster (kind: by label). */
export function dockerNodeAccess(o: { readonly description: string; readonly inventory: () => Promise<readonly DockerInventoryEntry[]> }): NodeProvider {
  return {
    kind: 'docker',
    description: o.description,
    capabilities: { power: ['pause', 'resume', 'stop', 'start', 'kill'] },
    power: dockerPower,
    async listNodes(): Promise<ListedNode[]> {
      return (await o.inventory())
        .map((c) => ({ node: c.commands === 'host-netns' ? dockerNetnsNode(c.name, c.roles) : dockerNode(c.name, c.roles), power: { status: dockerPowerStatus(c.state), detail: c.state } }))
        .sort((a, b) => a.node.name.localeCompare(b.node.name));
    },
  };
}
