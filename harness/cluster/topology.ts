/**
 * Cluster topologies: the kind configs in kind-configs/, validated before anything is created
 * (an invalid config must change nothing), and the pure arithmetic the suites need (quorum).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface Topology {
  readonly name: string;
  readonly file: string;
  readonly controlPlanes: number;
  readonly workers: number;
}

const CLUSTER_KEYS = new Set([
  'kind', 'apiVersion', 'name', 'nodes', 'networking', 'featureGates', 'runtimeConfig',
  'kubeadmConfigPatches', 'kubeadmConfigPatchesJSON6902', 'containerdConfigPatches', 'containerdConfigPatchesJSON6902',
]);
const NODE_KEYS = new Set(['role', 'image', 'extraMounts', 'extraPortMappings', 'labels', 'kubeadmConfigPatches', 'kubeadmConfigPatchesJSON6902']);

/** Thrown for a config kind would reject (or that this project cannot use); message names the fix. */
export class InvalidTopologyError extends Error {
  constructor(file: string, problem: string) {
    super(`invalid kind config ${file}: ${problem}`);
    this.name = 'InvalidTopologyError';
  }
}

/** Validate the text of a kind config; pure, so it is unit-tested on good and bad configs. */
export function parseTopology(name: string, file: string, text: string): Topology {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new InvalidTopologyError(file, `not YAML (${(e as Error).message.split('\n')[0]})`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new InvalidTopologyError(file, 'expected a mapping with kind: Cluster');
  }
  const cfg = doc as Record<string, unknown>;
  if (cfg['kind'] !== 'Cluster') {
    throw new InvalidTopologyError(file, `kind must be Cluster, found ${JSON.stringify(cfg['kind'])}`);
  }
  if (cfg['apiVersion'] !== 'kind.x-k8s.io/v1alpha4') {
    throw new InvalidTopologyError(file, `apiVersion must be kind.x-k8s.io/v1alpha4, found ${JSON.stringify(cfg['apiVersion'])}`);
  }
  for (const k of Object.keys(cfg)) {
    if (!CLUSTER_KEYS.has(k)) {
      throw new InvalidTopologyError(file, `unknown field "${k}"`);
    }
  }
  const nodes = cfg['nodes'];
  if (!Array.isArray(nodes) || nodes.length === 0) {
    throw new InvalidTopologyError(file, 'nodes must list at least one node');
  }
  let controlPlanes = 0;
  let workers = 0;
  nodes.forEach((n: unknown, i) => {
    if (typeof n !== 'object' || n === null) {
      throw new InvalidTopologyError(file, `nodes[${i}] is not a mapping`);
    }
    const node = n as Record<string, unknown>;
    for (const k of Object.keys(node)) {
      if (!NODE_KEYS.has(k)) {
        throw new InvalidTopologyError(file, `nodes[${i}] has unknown field "${k}"`);
      }
    }
    if (node['role'] === 'control-plane') {
      controlPlanes++;
    } else if (node['role'] === 'worker') {
      workers++;
    } else {
      throw new InvalidTopologyError(file, `nodes[${i}].role must be control-plane or worker, found ${JSON.stringify(node['role'])}`);
    }
  });
  if (controlPlanes === 0) {
    throw new InvalidTopologyError(file, 'needs at least one control-plane node');
  }
  return { name, file, controlPlanes, workers };
}

export function topologyDir(repoRoot: string): string {
  return join(repoRoot, 'kind-configs');
}

export function knownTopologies(repoRoot: string): string[] {
  return readdirSync(topologyDir(repoRoot))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.replace(/\.yaml$/, ''))
    .sort();
}

/** Load kind-configs/<name>.yaml, or a path to any kind config file. */
export function loadTopology(repoRoot: string, nameOrPath: string): Topology {
  const isPath = nameOrPath.includes('/') || nameOrPath.endsWith('.yaml') || nameOrPath.endsWith('.yml');
  const file = isPath ? nameOrPath : join(topologyDir(repoRoot), `${nameOrPath}.yaml`);
  if (!existsSync(file)) {
    throw new InvalidTopologyError(file, `no such topology; known: ${knownTopologies(repoRoot).join(', ')}`);
  }
  const name = isPath ? (file.split('/').pop() ?? file).replace(/\.ya?ml$/, '') : nameOrPath;
  return parseTopology(name, file, readFileSync(file, 'utf8'));
}

/** etcd quorum for n voting members: floor(n/2)+1. */
export function quorumOf(members: number): number {
  return Math.floor(members / 2) + 1;
}

/** Failures n members tolerate: n - quorum (3 -> 1, 4 -> 1, 5 -> 2). */
export function failureTolerance(members: number): number {
  return members - quorumOf(members);
}
