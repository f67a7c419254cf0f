/**
 * The timing flags of the Kubernetes control-plane components that the failover guarantees depend
 * on, read from the command lines in their static pod manifests (and the kubelet's config file), so
 * thresholds come from the cluster under test, not from the docs' defaults.
 *
 * Pure: callers fetch `spec.containers[0].command` (harness/cluster/static-pod-flags.ts) and the
 * kubelet's /var/lib/kubelet/config.yaml text.
 *
 * Defaults, with where they are stated:
 * - leader election (kube-controller-manager, kube-scheduler): --leader-elect=true,
 *   --leader-elect-lease-duration=15s, --leader-elect-renew-deadline=10s,
 *   --leader-elect-retry-period=2s, resource lock `leases`, lease name = component name, namespace
 *   kube-system (kube-controller-manager / kube-scheduler command-line reference).
 * - kube-controller-manager --node-monitor-grace-period: 40s up to v1.31, 50s from v1.32
 *   (kubernetes#126287, merged for v1.32); --node-monitor-period=5s.
 * - kube-apiserver --endpoint-reconciler-type=lease; the lease reconciler's TTL (15 s) and interval
 *   (10 s) are constants, not flags (pkg/controlplane: DefaultEndpointReconcilerTTL / Interval).
 * - kubelet nodeStatusUpdateFrequency 10s, nodeLeaseDurationSeconds 40; the node lease is renewed
 *   every 25 % of its duration (10 s) (KubeletConfiguration reference; component-helpers lease
 *   controller).
 */
import { parse as parseYaml } from 'yaml';

/** A flag value the component itself would refuse, or a malformed command line. */
export class ComponentFlagError extends Error {
  override readonly name = 'ComponentFlagError';
}

/** Where a value came from. */
export type ValueSource = 'flag' | 'default' | 'config';

// ---- Go durations and pflag command lines ------------------------------------------------------

const UNIT_MS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * Parses a Go `time.Duration` string ("15s", "1m30s", "500ms", "1.5h", "0") into milliseconds, as
 * time.ParseDuration does. Throws ComponentFlagError otherwise (a unit is required except for "0").
 */
export function parseGoDuration(text: string): number {
  const s = text.trim();
  if (s === '0' || s === '+0' || s === '-0') {
    return 0;
  }
  const m = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(s);
  if (m === null) {
    throw new ComponentFlagError(`${JSON.stringify(text)} is not a Go duration (e.g. 15s, 1m30s, 500ms)`);
  }
  let total = 0;
  for (const part of s.replace(/^[+-]/, '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(part[1]) * (UNIT_MS[part[2] ?? ''] ?? Number.NaN);
  }
  if (!Number.isFinite(total)) {
    throw new ComponentFlagError(`${JSON.stringify(text)} is not a Go duration`);
  }
  return m[1] === '-' ? -total : total;
}

/** A command line split the way spf13/pflag reads it. */
export interface SplitFlags {
  /** Flag name (no dashes) -> value; the last occurrence wins, as in pflag. */
  readonly values: Readonly<Record<string, string>>;
  /** Non-flag arguments after the binary (kube components take none; kept to show, not to drop). */
  readonly positional: readonly string[];
}

/**
 * Splits `['kube-scheduler', '--leader-elect=true', '--kubeconfig', 'x']`. `--name=value` and
 * `--name value` both work; a bare `--name` is 'true'. pflag never consumes the next token for a
 * boolean flag, so `booleanFlags` lists the ones that must not take it.
 */
export function splitPflags(command: readonly string[], booleanFlags: readonly string[] = []): SplitFlags {
  const values: Record<string, string> = {};
  const positional: string[] = [];
  let i = command[0] !== undefined && !command[0].startsWith('-') ? 1 : 0;
  while (i < command.length) {
    const token = command[i] ?? '';
    const m = /^--?([A-Za-z0-9][A-Za-z0-9._-]*)(?:=([\s\S]*))?$/.exec(token);
    if (m === null) {
      positional.push(token);
      i += 1;
      continue;
    }
    const name = m[1] ?? '';
    if (m[2] !== undefined) {
      values[name] = m[2];
      i += 1;
      continue;
    }
    const next = command[i + 1];
    if (!booleanFlags.includes(name) && next !== undefined && !next.startsWith('-')) {
      values[name] = next;
      i += 2;
    } else {
      values[name] = 'true';
      i += 1;
    }
  }
  return { values, positional };
}

function parseBool(flag: string, raw: string): boolean {
  // Go's strconv.ParseBool.
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(raw)) {
    return true;
  }
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(raw)) {
    return false;
  }
  throw new ComponentFlagError(`--${flag}=${raw}: not a boolean`);
}

function durationFlag(values: Readonly<Record<string, string>>, flag: string, defMs: number): [number, ValueSource] {
  const raw = values[flag];
  if (raw === undefined) {
    return [defMs, 'default'];
  }
  const ms = parseGoDuration(raw);
  if (ms <= 0) {
    throw new ComponentFlagError(`--${flag}=${raw}: must be positive`);
  }
  return [ms, 'flag'];
}

// ---- leader election ---------------------------------------------------------------------------

/** client-go leaderelection.JitterFactor: a candidate retries every retryPeriod x [1, 1 + 1.2). */
export const LEADER_ELECTION_JITTER_FACTOR = 1.2;

/** Leader-election settings of one component. */
export interface LeaderElectionTimings {
  readonly enabled: boolean;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
}

/** What the leader-election flags of a component say. */
export interface LeaderElectionFlags extends LeaderElectionTimings {
  readonly component: string;
  /** Name of its Lease (default: the component's name). */
  readonly leaseName: string;
  readonly leaseNamespace: string;
  readonly resourceLock: string;
  readonly sources: Readonly<Record<'enabled' | 'leaseDurationMs' | 'renewDeadlineMs' | 'retryPeriodMs', ValueSource>>;
  /** Things that make the flags an incomplete picture (e.g. a --config file). */
  readonly warnings: readonly string[];
}

/** The client-go defaults every core component uses (15 s / 10 s / 2 s). */
export const LEADER_ELECTION_DEFAULTS: LeaderElectionTimings = { enabled: true, leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

/**
 * Parses the `--leader-elect*` flags of kube-controller-manager, kube-scheduler (or any component
 * using component-base's leader-election flags). Throws ComponentFlagError for settings client-go
 * refuses (NewLeaderElector: leaseDuration > renewDeadline > retryPeriod x 1.2 > 0), because such a
 * component could not be running with them.
 */
export function parseLeaderElectionFlags(command: readonly string[], component?: string): LeaderElectionFlags {
  const name = component ?? command[0]?.split('/').pop() ?? 'unknown';
  const { values } = splitPflags(command, ['leader-elect']);
  const enabledRaw = values['leader-elect'];
  const enabled = enabledRaw === undefined ? true : parseBool('leader-elect', enabledRaw);
  const [leaseDurationMs, ls] = durationFlag(values, 'leader-elect-lease-duration', LEADER_ELECTION_DEFAULTS.leaseDurationMs);
  const [renewDeadlineMs, rs] = durationFlag(values, 'leader-elect-renew-deadline', LEADER_ELECTION_DEFAULTS.renewDeadlineMs);
  const [retryPeriodMs, ps] = durationFlag(values, 'leader-elect-retry-period', LEADER_ELECTION_DEFAULTS.retryPeriodMs);
  if (enabled) {
    if (!(leaseDurationMs > renewDeadlineMs)) {
      throw new ComponentFlagError(`${name}: lease duration ${leaseDurationMs} ms must exceed the renew deadline ${renewDeadlineMs} ms (client-go refuses this)`);
    }
    if (!(renewDeadlineMs > LEADER_ELECTION_JITTER_FACTOR * retryPeriodMs)) {
      throw new ComponentFlagError(`${name}: renew deadline ${renewDeadlineMs} ms must exceed retry period x ${LEADER_ELECTION_JITTER_FACTOR} (${retryPeriodMs} ms; client-go refuses this)`);
    }
  }
  const warnings: string[] = [];
  if (values['config'] !== undefined) {
    warnings.push(`${name} runs with --config=${values['config']}; its leaderElection section may override the --leader-elect-* flags read here`);
  }
  if (!enabled) {
    warnings.push(`${name} runs with --leader-elect=false: every instance acts as leader, no Lease is held`);
  }
  return {
    component: name,
    enabled,
    leaseDurationMs,
    renewDeadlineMs,
    retryPeriodMs,
    leaseName: values['leader-elect-resource-name'] ?? name,
    leaseNamespace: values['leader-elect-resource-namespace'] ?? 'kube-system',
    resourceLock: values['leader-elect-resource-lock'] ?? 'leases',
    sources: { enabled: enabledRaw === undefined ? 'default' : 'flag', leaseDurationMs: ls, renewDeadlineMs: rs, retryPeriodMs: ps },
    warnings,
  };
}

// ---- node lifecycle ----------------------------------------------------------------------------

/** The node lifecycle controller's timers. */
export interface NodeMonitorTimings {
  /** How long a node may go without a heartbeat before it is marked Unknown (NotReady). */
  readonly gracePeriodMs: number;
  /** How often the controller checks the heartbeats. */
  readonly monitorPeriodMs: number;
}

/** What kube-controller-manager's node-monitor flags say. */
export interface NodeMonitorFlags extends NodeMonitorTimings {
  readonly sources: Readonly<Record<keyof NodeMonitorTimings, ValueSource>>;
}

/** --node-monitor-grace-period's default for a Kubernetes version: 40 s before v1.32, 50 s from it. */
export function defaultNodeMonitorGracePeriodMs(kubernetesVersion: string): number {
  const m = /^v?(\d+)\.(\d+)/.exec(kubernetesVersion);
  if (m === null) {
    throw new ComponentFlagError(`${JSON.stringify(kubernetesVersion)} is not a Kubernetes version`);
  }
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > 1 || minor >= 32 ? 50_000 : 40_000;
}

/** Parses kube-controller-manager's --node-monitor-grace-period and --node-monitor-period. */
export function parseNodeMonitorFlags(command: readonly string[], kubernetesVersion: string): NodeMonitorFlags {
  const { values } = splitPflags(command, ['leader-elect']);
  const [gracePeriodMs, gs] = durationFlag(values, 'node-monitor-grace-period', defaultNodeMonitorGracePeriodMs(kubernetesVersion));
  const [monitorPeriodMs, ms] = durationFlag(values, 'node-monitor-period', 5_000);
  return { gracePeriodMs, monitorPeriodMs, sources: { gracePeriodMs: gs, monitorPeriodMs: ms } };
}

// ---- apiserver endpoint reconciler -------------------------------------------------------------

/** How the apiservers publish themselves in `default/kubernetes`. */
export interface EndpointReconcilerTimings {
  readonly type: 'lease' | 'master-count' | 'none';
  /** TTL of each apiserver's lease in etcd (DefaultEndpointReconcilerTTL). */
  readonly leaseTtlMs: number;
  /** How often each apiserver refreshes its lease and rewrites the endpoints (DefaultEndpointReconcilerInterval). */
  readonly intervalMs: number;
  readonly source: ValueSource;
}

/** The lease reconciler's constants (pkg/controlplane). */
export const ENDPOINT_RECONCILER_TTL_MS = 15_000;
export const ENDPOINT_RECONCILER_INTERVAL_MS = 10_000;

/** Parses kube-apiserver's --endpoint-reconciler-type (default lease). */
export function parseEndpointReconcilerFlags(command: readonly string[]): EndpointReconcilerTimings {
  const { values } = splitPflags(command);
  const raw = values['endpoint-reconciler-type'];
  const type = raw ?? 'lease';
  if (type !== 'lease' && type !== 'master-count' && type !== 'none') {
    throw new ComponentFlagError(`--endpoint-reconciler-type=${type}: expected lease, master-count or none`);
  }
  return { type, leaseTtlMs: ENDPOINT_RECONCILER_TTL_MS, intervalMs: ENDPOINT_RECONCILER_INTERVAL_MS, source: raw === undefined ? 'default' : 'flag' };
}

// ---- kubelet -----------------------------------------------------------------------------------

/** The kubelet's heartbeat timing. */
export interface KubeletHeartbeatTimings {
  /** How often the kubelet posts node status when something changed (or at least every 5 min). */
  readonly nodeStatusUpdateFrequencyMs: number;
  readonly nodeLeaseDurationS: number;
  /** The node lease is renewed every 25 % of its duration: the heartbeat the node controller watches. */
  readonly nodeLeaseRenewIntervalMs: number;
  readonly sources: Readonly<Record<'nodeStatusUpdateFrequencyMs' | 'nodeLeaseDurationS', ValueSource>>;
}

/** component-helpers' lease controller: renew interval = 0.25 x lease duration. */
export const NODE_LEASE_RENEW_FRACTION = 0.25;

/**
 * Parses a KubeletConfiguration (YAML). kubeadm writes every duration field, zero meaning "use the
 * default", so "0s" is treated as absent.
 */
export function parseKubeletConfig(yamlText: string): KubeletHeartbeatTimings {
  let doc: unknown;
  try {
    doc = parseYaml(yamlText);
  } catch (e) {
    throw new ComponentFlagError(`kubelet config is not YAML: ${(e as Error).message.split('\n')[0] ?? ''}`);
  }
  if (typeof doc !== 'object' || doc === null || (doc as { kind?: unknown }).kind !== 'KubeletConfiguration') {
    throw new ComponentFlagError('not a KubeletConfiguration');
  }
  const cfg = doc as { nodeStatusUpdateFrequency?: unknown; nodeLeaseDurationSeconds?: unknown };
  const freqRaw = typeof cfg.nodeStatusUpdateFrequency === 'string' ? parseGoDuration(cfg.nodeStatusUpdateFrequency) : 0;
  const leaseRaw = typeof cfg.nodeLeaseDurationSeconds === 'number' ? cfg.nodeLeaseDurationSeconds : 0;
  const nodeLeaseDurationS = leaseRaw > 0 ? leaseRaw : 40;
  return {
    nodeStatusUpdateFrequencyMs: freqRaw > 0 ? freqRaw : 10_000,
    nodeLeaseDurationS,
    nodeLeaseRenewIntervalMs: nodeLeaseDurationS * 1_000 * NODE_LEASE_RENEW_FRACTION,
    sources: { nodeStatusUpdateFrequencyMs: freqRaw > 0 ? 'config' : 'default', nodeLeaseDurationS: leaseRaw > 0 ? 'config' : 'default' },
  };
}
