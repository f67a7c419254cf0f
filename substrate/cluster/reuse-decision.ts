/**
 * Whether `cluster up` may reuse the cluster that is already there. Pure, so the rules are tested:
 * a cluster is reused only when it is healthy, runs the current node image AND was created from the
 * same topology file with the same content. Reusing on shape alone (the old rule) let
 * `HA_TOPOLOGY=ha-3cp-tuned-leases` run on a default-flags ha-3cp and judge it with bounds the cluster
 * never had.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** What is recorded about a cluster we created (state.json). */
export interface RecordedCluster {
  readonly topology: string;
  readonly topologyDigest?: string;
  readonly nodeImage: string;
}

/** What is wanted now. */
export interface WantedCluster {
  readonly topology: string;
  readonly topologyDigest: string;
  readonly nodeImage: string;
  readonly controlPlanes: number;
  readonly workers: number;
}

/** What is there now. */
export interface ExistingCluster {
  readonly exists: boolean;
  readonly problems: readonly string[];
  readonly controlPlanes: number;
  readonly workers: number;
}

export type ReuseDecision =
  | { readonly action: 'create' }
  | { readonly action: 'reuse' }
  | { readonly action: 'recreate'; readonly why: string }
  | { readonly action: 'refuse'; readonly why: string };

/** sha256 of the topology file's bytes (first 16 hex digits), recorded at creation. */
export function topologyDigest(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16);
}

const roles = (c: { controlPlanes: number; workers: number }): string =>
  `${c.controlPlanes} control planes + ${c.workers} worker${c.workers === 1 ? '' : 's'}`;

export function decideReuse(existing: ExistingCluster, recorded: RecordedCluster | undefined, wanted: WantedCluster): ReuseDecision {
  if (!existing.exists) {
    return { action: 'create' };
  }
  if (recorded === undefined) {
    // Containers with our cluster's name but no record of ours: someone else's, or a record we lost.
    // Only replace it when its shape says it is what we would have made anyway.
    if (existing.controlPlanes !== wanted.controlPlanes || existing.workers !== wanted.workers) {
      return { action: 'refuse', why: `a cluster with this name already exists with ${roles(existing)} and no record of how it was made, not ${wanted.topology} (${roles(wanted)}): delete it with \`npm run cluster -- down\` first` };
    }
    return { action: 'recreate', why: `no record of how it was made (${existing.problems.join('; ') || 'state.json missing'})` };
  }
  if (recorded.topology !== wanted.topology) {
    return { action: 'recreate', why: `it runs topology ${recorded.topology}, not ${wanted.topology}` };
  }
  if (recorded.topologyDigest !== wanted.topologyDigest) {
    return { action: 'recreate', why: `${wanted.topology}'s file changed since the cluster was made from it` };
  }
  if (existing.problems.length > 0) {
    return { action: 'recreate', why: existing.problems.join('; ') };
  }
  if (recorded.nodeImage !== wanted.nodeImage) {
    return { action: 'recreate', why: `its node image ${recorded.nodeImage} is not the current build ${wanted.nodeImage}` };
  }
  return { action: 'reuse' };
}
