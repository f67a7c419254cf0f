/**
 * Reads etcd's timing flags from the command line of its static pod manifest, so thresholds are
 * derived from the cluster under test rather than from the documentation's defaults (a cluster
 * tuned to a 5 s election timeout must not be judged against 1 s).
 *
 * Pure: the caller fetches `spec.containers[0].command` (plus `args`, if any) from
 * /etc/kubernetes/manifests/etcd.yaml on each control-plane node.
 */

/** The two raft timers etcd exposes, in milliseconds. */
export interface EtcdTimers {
  readonly heartbeatIntervalMs: number;
  readonly electionTimeoutMs: number;
  /**
   * How many client URLs etcd listens on (`--listen-client-urls`; kubeadm sets two). On SIGTERM etcd
   * drains each listener's gRPC server for up to its request timeout BEFORE it hands leadership over
   * (server/embed/etcd.go Close), so this multiplies the graceful-stop bound. Default 1.
   */
  readonly clientListeners?: number;
}

/**
 * etcd's documented defaults (https://etcd.io/docs/v3.6/tuning/: "By default, etcd uses a 100ms
 * heartbeat interval ... a 1000ms election timeout").
 */
export const ETCD_DEFAULT_TIMERS: EtcdTimers = { heartbeatIntervalMs: 100, electionTimeoutMs: 1_000 };

/** etcd refuses election timeouts above this (server/embed config: maxElectionMs). */
export const ETCD_MAX_ELECTION_TIMEOUT_MS = 50_000;

/** What the flags say, and where each timer value came from. */
export interface EtcdFlags {
  readonly timers: EtcdTimers;
  readonly timerSources: { readonly heartbeatIntervalMs: TimerSource; readonly electionTimeoutMs: TimerSource };
  /** `--name`, the member name. */
  readonly name?: string;
  /** `--initial-cluster` as (name, peer URL) pairs; its length is the bootstrap member count. */
  readonly initialCluster?: readonly { readonly name: string; readonly peerUrl: string }[];
  /** Every flag seen, without leading dashes; the last occurrence wins (as in Go's flag package). */
  readonly values: Readonly<Record<string, string>>;
}

/** A timer value came from a flag, an ETCD_* environment variable, or etcd's default. */
export type TimerSource = 'flag' | 'env' | 'default';

/** The flags are malformed or describe a configuration etcd itself would refuse to start with. */
export class EtcdFlagError extends Error {
  override readonly name = 'EtcdFlagError';
}

/**
 * Splits a command line into flag values the way Go's `flag` package does: `--name=value`,
 * `-name=value`, `--name value`, `-name value`, and a bare boolean `--name` (value 'true'). The
 * first element, when it is not a flag (the binary, `etcd`), is skipped. etcd takes no positional
 * arguments, so any other non-flag token is an error rather than something to ignore silently.
 */
function splitFlags(commandArgs: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  let i = 0;
  if (commandArgs[0] !== undefined && !commandArgs[0].startsWith('-')) {
    i = 1;
  }
  while (i < commandArgs.length) {
    const token = commandArgs[i] ?? '';
    const m = /^--?([A-Za-z0-9][A-Za-z0-9._-]*)(?:=([\s\S]*))?$/.exec(token);
    if (m === null) {
      throw new EtcdFlagError(`unexpected argument ${JSON.stringify(token)} at position ${i}`);
    }
    const name = m[1] ?? '';
    if (m[2] !== undefined) {
      values[name] = m[2];
      i += 1;
      continue;
    }
    const next = commandArgs[i + 1];
    if (next !== undefined && !next.startsWith('-')) {
      values[name] = next;
      i += 2;
    } else {
      values[name] = 'true';
      i += 1;
    }
  }
  return values;
}

function parseMs(flag: string, raw: string): number {
  // etcd declares both timers as uint (milliseconds); Go rejects signs, decimals and units.
  if (!/^\d+$/.test(raw.trim())) {
    throw new EtcdFlagError(`--${flag}=${raw}: expected a whole number of milliseconds`);
  }
  return Number.parseInt(raw.trim(), 10);
}

function parseInitialCluster(raw: string): { name: string; peerUrl: string }[] {
  return raw
    .split(',')
    .filter((s) => s.trim() !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new EtcdFlagError(`--initial-cluster: ${JSON.stringify(pair)} is not name=url`);
      }
      return { name: pair.slice(0, eq).trim(), peerUrl: pair.slice(eq + 1).trim() };
    });
}

/**
 * Parses an etcd command line (e.g. `['etcd', '--heartbeat-interval=250', ...]`).
 *
 * Precedence follows etcd: a flag beats the matching ETCD_* environment variable, which beats the
 * default (100 ms / 1000 ms). Throws EtcdFlagError for values etcd would refuse: non-numeric or
 * zero timers, an election timeout under 5x the heartbeat, or above 50 000 ms (the same checks as
 * etcd's config validation), because such a cluster could not be running as described.
 *
 * @param env the container's environment (`spec.containers[0].env`), if any.
 */
export function parseEtcdFlags(commandArgs: readonly string[], env: Readonly<Record<string, string>> = {}): EtcdFlags {
  const values = splitFlags(commandArgs);
  const pick = (flag: string, envName: string, def: number): [number, TimerSource] => {
    const fromFlag = values[flag];
    if (fromFlag !== undefined) {
      return [parseMs(flag, fromFlag), 'flag'];
    }
    const fromEnv = env[envName];
    if (fromEnv !== undefined) {
      return [parseMs(flag, fromEnv), 'env'];
    }
    return [def, 'default'];
  };
  const [heartbeatIntervalMs, hbSource] = pick('heartbeat-interval', 'ETCD_HEARTBEAT_INTERVAL', ETCD_DEFAULT_TIMERS.heartbeatIntervalMs);
  const [electionTimeoutMs, etSource] = pick('election-timeout', 'ETCD_ELECTION_TIMEOUT', ETCD_DEFAULT_TIMERS.electionTimeoutMs);
  if (heartbeatIntervalMs <= 0 || electionTimeoutMs <= 0) {
    throw new EtcdFlagError(`timers must be > 0 (heartbeat ${heartbeatIntervalMs} ms, election ${electionTimeoutMs} ms)`);
  }
  if (5 * heartbeatIntervalMs > electionTimeoutMs) {
    throw new EtcdFlagError(
      `--election-timeout ${electionTimeoutMs} ms is under 5x --heartbeat-interval ${heartbeatIntervalMs} ms; etcd refuses this`,
    );
  }
  if (electionTimeoutMs > ETCD_MAX_ELECTION_TIMEOUT_MS) {
    throw new EtcdFlagError(`--election-timeout ${electionTimeoutMs} ms exceeds etcd's maximum of ${ETCD_MAX_ELECTION_TIMEOUT_MS} ms`);
  }
  const name = values['name'];
  const initial = values['initial-cluster'];
  const listenClientUrls = values['listen-client-urls'] ?? env['ETCD_LISTEN_CLIENT_URLS'];
  const clientListeners = listenClientUrls === undefined ? 1 : listenClientUrls.split(',').filter((u) => u.trim() !== '').length;
  return {
    timers: { heartbeatIntervalMs, electionTimeoutMs, clientListeners },
    timerSources: { heartbeatIntervalMs: hbSource, electionTimeoutMs: etSource },
    ...(name === undefined ? {} : { name }),
    ...(initial === undefined ? {} : { initialCluster: parseInitialCluster(initial) }),
    values,
  };
}

/** Whether every member runs with the same timers, and the worst case across members. */
export interface TimerConsensus {
  readonly consistent: boolean;
  /** Largest heartbeat and largest election timeout across members: thresholds use the worst case. */
  readonly worstCase: EtcdTimers;
  /** Distinct settings and the members using each (for the failure message). */
  readonly variants: readonly { readonly timers: EtcdTimers; readonly members: readonly string[] }[];
}

/**
 * Compares the members' timers. The etcd tuning guide asks for the same values on every member;
 * thresholds are derived from the slowest member either way.
 */
export function timerConsensus(byMember: Readonly<Record<string, EtcdTimers>>): TimerConsensus {
  const entries = Object.entries(byMember);
  if (entries.length === 0) {
    throw new EtcdFlagError('no member timers given');
  }
  const variants: { timers: EtcdTimers; members: string[] }[] = [];
  for (const [member, t] of entries) {
    const v = variants.find(
      (x) => x.timers.heartbeatIntervalMs === t.heartbeatIntervalMs && x.timers.electionTimeoutMs === t.electionTimeoutMs,
    );
    if (v === undefined) {
      variants.push({ timers: t, members: [member] });
    } else {
      v.members.push(member);
    }
  }
  return {
    consistent: variants.length === 1,
    worstCase: {
      heartbeatIntervalMs: Math.max(...entries.map(([, t]) => t.heartbeatIntervalMs)),
      electionTimeoutMs: Math.max(...entries.map(([, t]) => t.electionTimeoutMs)),
      clientListeners: Math.max(...entries.map(([, t]) => t.clientListeners ?? 1)),
    },
    variants,
  };
}
