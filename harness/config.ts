/**
 * The ONLY reader of process.env. Every knob a user can turn is named and documented here.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

function env(name: string): string | undefined {
  const v = process.env[name];
  return v === undefined || v === '' ? undefined : v;
}

export const config = {
  /** Build cache (Go binaries, rootfs tarballs). Outside the repo so fresh clones reuse it. */
  cacheDir: env('KUBE_HA_CHAOS_CACHE') ?? join(env('XDG_CACHE_HOME') ?? join(homedir(), '.cache'), 'kube-ha-chaos'),
  /** Use the upstream kindest/node image instead of the offline build (only when a registry answers). */
  useUpstreamNodeImage: env('KUBE_HA_CHAOS_UPSTREAM_IMAGE') === '1',
  /** Rebuild every image even when its content key matches (benchmarks of a cold build). */
  forceImageRebuild: env('KUBE_HA_CHAOS_REBUILD') === '1',
  /** Print stack traces for unexpected errors. */
  debug: env('KUBE_HA_CHAOS_DEBUG') === '1',
  /** Topology the suites run on when none is named. */
  topology: env('HA_TOPOLOGY') ?? 'ha-3cp',
  /** Keep the cluster after the suites (default: keep; it is reused by the next run). */
  deleteClusterAfter: env('HA_DELETE_CLUSTER') === '1',
  /** Seed for any randomised choice, recorded in run.json. */
  seed: env('HA_SEED'),
  /** Keep heavy artifacts (logs, member status) even when everything passed. */
  persistResults: env('PERSIST_RESULTS') === '1',
  /** Suite timing profile: 'ci' shortens windows and trials; 'default' is for users. */
  profile: env('HA_PROFILE') ?? (env('CI') ? 'ci' : 'default'),
  /**
   * The fault the interrupt drill (scripts/interrupt-drill.ts) holds until it is interrupted; read only
   * by scripts/interrupt-drill/hold-fault.drill.ts.
   */
  drillFault: env('HA_DRILL_FAULT'),
  /** Go's own cache locations pass through untouched; the build only reads GOFLAGS-free defaults. */
} as const;
