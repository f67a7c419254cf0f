/**
 * Cluster topologies, validated before anything is created (an invalid one must change nothing), and
 * the pure arithmetic the suites need (quorum). Two formats:
 * - a kind config (kind-configs/<name>.yaml, `kind: Cluster`): given to kind as it is; its layout is
 *   kind's default (stacked etcd behind kind's haproxy);
 * - a layout (topologies/<name>.yaml: name, controlPlanes, workers, etcd, front; see layout.ts): the
 *   HA design as data, from which `cluster up` generates the kind config (and, for external etcd,
 *   the members it starts first: substrate/cluster/kind-config.ts, external-etcd.ts).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { InvalidLayoutError, kindDefaultLayout, parseLayout, type ControlPlaneLayout } from './layout.js';

export interface Topology {
  readonly name: string;
  readonly file: string;
  /** kind-config: the file is given to kind; layout: the kind config is generated from it. */
  readonly format: 'kind-config' | 'layout';
  readonly controlPlanes: number;
  readonly workers: number;
  /** Where etcd runs and what fronts the apiservers. */
  readonly layout: ControlPlaneLayout;
}

const CLUSTER_KEYS = new Set([
  'kind', 'apiVersion', 'name', 'nodes', 'networking', 'featureGates', 'runtimeConfig',
  'kubeadmConfigPatches', 'kubeadmConfigPatchesJSON6902', 'containerdConfigPatches', 'containerdConfigPatchesJSON6902',
]);
const NODE_KEYS = new Set(['role', 'image', 'extraMounts', 'extraPortMappings', 'labels', 'kubeadmConfigPatches', 'kubeadmConfigPatchesJSON6902']);

/** Thrown for a config kind would reject (or that this project cannot use); message names the fix. */
export class InvalidTopologyError extends Error {
  constructor(file: string, problem: string, what: 'kind config' | 'topology' = 'kind config') {
    super(`invalid ${what} ${file}: ${problem}`);
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
  return { name, file, format: 'kind-config', controlPlanes, workers, layout: kindDefaultLayout(name, controlPlanes, workers) };
}

/** Is this text a kind config (`kind: Cluster` or an apiVersion) rather than a layout? */
function looksLikeKindConfig(text: string): boolean {
  try {
    const doc: unknown = parse(text);
    return typeof doc === 'object' && doc !== null && !Array.isArray(doc) && ('kind' in doc || 'apiVersion' in doc);
  } catch {
    return true; // let parseTopology report the YAML error
  }
}

/**
 * Validate a topology file's text in either format. A layout's own `name` must match the name it is
 * loaded under when `strictName` (a file in topologies/), so a copied file cannot pose as another.
 */
export function parseAnyTopology(name: string, file: string, text: string, strictName = false): Topology {
  if (looksLikeKindConfig(text)) {
    return parseTopology(name, file, text);
  }
  let layout: ControlPlaneLayout;
  try {
    layout = parseLayout(file, text);
  } catch (e) {
    if (e instanceof InvalidLayoutError) {
      throw new InvalidTopologyError(file, e.message.replace(/^invalid topology [^:]*: /, ''), 'topology');
    }
    throw e;
  }
  if (strictName && layout.name !== name) {
    throw new InvalidTopologyError(file, `its name is ${JSON.stringify(layout.name)} but the file is ${name}.yaml: make them the same`, 'topology');
  }
  return { name, file, format: 'layout', controlPlanes: layout.controlPlanes, workers: layout.workers, layout };
}

/** kind configs given to kind as they are. */
export function topologyDir(repoRoot: string): string {
  return join(repoRoot, 'kind-configs');
}

/** Layout files (the kind config is generated). */
export function layoutDir(repoRoot: string): string {
  return join(repoRoot, 'topologies');
}

function yamlNames(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, '')) : [];
}

export function knownTopologies(repoRoot: string): string[] {
  return [...new Set([...yamlNames(topologyDir(repoRoot)), ...yamlNames(layoutDir(repoRoot))])].sort();
}

/** Load kind-configs/<name>.yaml or topologies/<name>.yaml (one name, one file), or a path to either format. */
export function loadTopology(repoRoot: string, nameOrPath: string): Topology {
  const isPath = nameOrPath.includes('/') || nameOrPath.endsWith('.yaml') || nameOrPath.endsWith('.yml');
  if (isPath) {
    if (!existsSync(nameOrPath)) {
      throw new InvalidTopologyError(nameOrPath, `no such topology; known: ${knownTopologies(repoRoot).join(', ')}`);
    }
    const name = (nameOrPath.split('/').pop() ?? nameOrPath).replace(/\.ya?ml$/, '');
    return parseAnyTopology(name, nameOrPath, readFileSync(nameOrPath, 'utf8'));
  }
  const candidates = [join(topologyDir(repoRoot), `${nameOrPath}.yaml`), join(layoutDir(repoRoot), `${nameOrPath}.yaml`)].filter((f) => existsSync(f));
  const [file, other] = candidates;
  if (file === undefined) {
    throw new InvalidTopologyError(join(topologyDir(repoRoot), `${nameOrPath}.yaml`), `no such topology; known: ${knownTopologies(repoRoot).join(', ')}`);
  }
  if (other !== undefined) {
    throw new InvalidTopologyError(file, `${nameOrPath} is also defined by ${other}: keep one of the two`);
  }
  return parseAnyTopology(nameOrPath, file, readFileSync(file, 'utf8'), file.startsWith(layoutDir(repoRoot)));
}

/** etcd quorum for n voting members: floor(n/2)+1. */
export function quorumOf(members: number): number {
  return Math.floor(members / 2) + 1;
}

/** Failures n members tolerate: n - quorum (3 -> 1, 4 -> 1, 5 -> 2). */
export function failureTolerance(members: number): number {
  return members - quorumOf(members);
}
