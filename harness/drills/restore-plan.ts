/**
 * The pure parts of etcd's disaster-recovery procedures, so they are unit-tested on real shapes:
 * the `etcdutl snapshot restore` command per member, the --initial-cluster value, the rewrite of a
 * kubeadm etcd static pod manifest for a member that rejoins with a fresh data directory, and the
 * parse of `etcdutl snapshot status -w json`.
 *
 * Sources: etcd "Disaster recovery" (v3.6: restore every member from the same snapshot with a new
 * --initial-cluster-token and the same names and peer URLs; --bump-revision with --mark-compacted so
 * that watchers holding newer revisions are told to relist instead of missing events) and
 * "Runtime reconfiguration" (member add prints the ETCD_INITIAL_CLUSTER a new member must start with,
 * --initial-cluster-state=existing).
 */

export interface PlannedMember {
  readonly name: string;
  readonly peerUrl: string;
}

export interface RestorePlanInput {
  readonly snapshotFile: string;
  readonly members: readonly PlannedMember[];
  /** A token no earlier cluster used: restored members must not talk to a member of the old cluster. */
  readonly clusterToken: string;
  /**
   * How far to move the revision past the snapshot's (etcd: "--bump-revision ... larger than the
   * number of writes since the snapshot"); 0 leaves it (not recommended with Kubernetes clients).
   */
  readonly bumpRevision: number;
  /** Data directory per member name, on the machine where etcdutl runs. */
  readonly dataDirOf: (name: string) => string;
}

export function initialClusterFlag(members: readonly PlannedMember[]): string {
  if (members.length === 0) {
    throw new Error('a restore needs at least one member');
  }
  const names = new Set<string>();
  for (const m of members) {
    if (m.name === '' || names.has(m.name)) {
      throw new Error(`member names must be unique and non-empty, found ${JSON.stringify(m.name)}`);
    }
    if (!/^https?:\/\/[^\s,=]+:\d+$/.test(m.peerUrl)) {
      throw new Error(`member ${m.name} has no usable peer URL: ${JSON.stringify(m.peerUrl)}`);
    }
    names.add(m.name);
  }
  return members.map((m) => `${m.name}=${m.peerUrl}`).join(',');
}

/** argv (after the etcdutl binary) to restore `snapshotFile` as each member; one entry per member. */
export function restoreCommands(input: RestorePlanInput): { readonly member: string; readonly dataDir: string; readonly args: readonly string[] }[] {
  const cluster = initialClusterFlag(input.members);
  if (!Number.isInteger(input.bumpRevision) || input.bumpRevision < 0) {
    throw new Error(`bumpRevision must be a whole number >= 0, got ${input.bumpRevision}`);
  }
  return input.members.map((m) => {
    const dataDir = input.dataDirOf(m.name);
    return {
      member: m.name,
      dataDir,
      args: [
        'snapshot', 'restore', input.snapshotFile,
        `--name=${m.name}`,
        `--initial-cluster=${cluster}`,
        `--initial-cluster-token=${input.clusterToken}`,
        `--initial-advertise-peer-urls=${m.peerUrl}`,
        `--data-dir=${dataDir}`,
        ...(input.bumpRevision > 0 ? [`--bump-revision=${input.bumpRevision}`, '--mark-compacted'] : []),
      ],
    };
  });
}

/**
 * A kubeadm etcd manifest with --initial-cluster and --initial-cluster-state set for a member that
 * joins an existing cluster with an empty data directory. Throws when the manifest lacks either
 * flag (not a kubeadm etcd manifest: better to stop than to start a member with the wrong peers).
 */
export function manifestForRejoin(manifest: string, initialCluster: string): string {
  let sawCluster = false;
  let sawState = false;
  const out: string[] = [];
  for (const line of manifest.split('\n')) {
    const m = /^(\s*- --)(initial-cluster|initial-cluster-state)=.*$/.exec(line);
    if (m === null) {
      out.push(line);
    } else if (m[2] === 'initial-cluster') {
      sawCluster = true;
      out.push(`${m[1]}initial-cluster=${initialCluster}`);
      // kubeadm init writes no --initial-cluster-state for the first member (etcd's default is
      // "new"); a member that joins must say existing, so the line is added where the flags are.
      if (!/--initial-cluster-state=/.test(manifest)) {
        sawState = true;
        out.push(`${m[1]}initial-cluster-state=existing`);
      }
    } else {
      sawState = true;
      out.push(`${m[1]}initial-cluster-state=existing`);
    }
  }
  if (!sawCluster || !sawState) {
    throw new Error('the etcd manifest has no --initial-cluster line: not a kubeadm etcd static pod');
  }
  return out.join('\n');
}

/** The value of `--<flag>=` in a static pod manifest's command, or undefined. */
export function manifestFlag(manifest: string, flag: string): string | undefined {
  const re = new RegExp(`^\\s*- --${flag.replace(/[-]/g, '\\-')}=(.*)$`, 'm');
  return re.exec(manifest)?.[1]?.trim();
}

export interface SnapshotStatus {
  readonly hash: number;
  readonly revision: number;
  readonly totalKeys: number;
  readonly totalSizeBytes: number;
  readonly version?: string;
}

/** Parses `etcdutl snapshot status -w json` ({"hash":..,"revision":..,"totalKey":..,"totalSize":..,"version":..}). */
export function parseSnapshotStatus(json: string): SnapshotStatus {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json) as Record<string, unknown>;
  } catch {
    throw new Error(`etcdutl snapshot status printed no JSON: ${json.slice(0, 200)}`);
  }
  const num = (k: string): number => {
    const v = o[k];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new Error(`etcdutl snapshot status: ${k} is ${JSON.stringify(v)}, expected a number`);
    }
    return v;
  };
  return {
    hash: num('hash'),
    revision: num('revision'),
    totalKeys: num('totalKey'),
    totalSizeBytes: num('totalSize'),
    ...(typeof o['version'] === 'string' ? { version: o['version'] } : {}),
  };
}
