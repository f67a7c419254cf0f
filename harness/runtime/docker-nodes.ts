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
import type { CommandResult } from './command.js';
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
};

/** A container of the cluster as the inventory lists it: its name, roles and Docker state word. */
export interface DockerInventoryEntry {
  readonly name: string;
  readonly roles: readonly NodeRole[];
  readonly state: string;
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
        .map((c) => ({ node: dockerNode(c.name, c.roles), power: { status: dockerPowerStatus(c.state), detail: c.state } }))
        .sort((a, b) => a.node.name.localeCompare(b.node.name));
    },
  };
}
