/**
 * Scrapes etcd's own counters from every member, so the leader changes the pollers saw can be
 * cross-checked against `etcd_server_leader_changes_seen_total` (a leader that came and went
 * between two polls shows up only there).
 *
 * kubeadm's etcd serves plain-HTTP metrics on 127.0.0.1:2381 inside the node only, so the scrape
 * runs curl inside the node container (runtime/docker.ts). Each scrape is a `docker exec`, which
 * costs tens of ms of CPU across the docker CLI, dockerd and runc: hence a slow default rate. The
 * cross-check needs the counter before and after a fault, not a fine time series.
 */
import { execInContainer } from '../runtime/docker.js';
import { startPeriodic, type PeriodicWorker } from './periodic.js';
import { errorText, type Probe, type ProbeContext } from './probe.js';
import { metricValue, parsePrometheusText } from './prometheus-text.js';

/** The metrics recorded by default. */
export const DEFAULT_ETCD_METRICS = ['etcd_server_leader_changes_seen_total', 'etcd_server_is_leader', 'etcd_server_has_leader'] as const;

/** Options of the metrics scraper. */
export interface EtcdMetricsProbeOptions {
  /** Control-plane node (container) names to scrape. */
  readonly members: readonly string[];
  /** Default 5 s per member: the cross-check compares counters before and after a fault. */
  readonly intervalMs?: number;
  /** Default 3 s (curl itself gives up after 2 s). */
  readonly timeoutMs?: number;
  /** Metric names to record; default DEFAULT_ETCD_METRICS. */
  readonly metrics?: readonly string[];
  /** The metrics URL inside the node. */
  readonly url?: string;
}

/** Records MetricSample entries; a member that cannot be scraped gets a note when it stops (and resumes) answering. */
export function etcdMetricsProbe(ctx: ProbeContext, opts: EtcdMetricsProbeOptions): Probe {
  const name = 'etcd-metrics';
  const metrics = opts.metrics ?? DEFAULT_ETCD_METRICS;
  const url = opts.url ?? 'http://127.0.0.1:2381/metrics';
  const timeoutMs = opts.timeoutMs ?? 3_000;
  const failing = new Set<string>();
  let workers: PeriodicWorker[] = [];
  let started = false;
  let stopping: Promise<void> | undefined;

  const scrapeOnce = async (member: string): Promise<void> => {
    try {
      // -s: no progress meter; -f: an HTTP error is an exit code, not a page to parse.
      const r = await execInContainer(member, ['curl', '-sf', '--max-time', '2', url], { timeoutMs });
      const atMs = ctx.clock.nowMs();
      const samples = parsePrometheusText(r.stdout);
      for (const metric of metrics) {
        const value = metricValue(samples, metric);
        if (value !== undefined && Number.isFinite(value)) {
          ctx.history.record({ kind: 'metric', atMs, member, name: metric, value });
        }
      }
      if (failing.delete(member)) {
        ctx.history.record({ kind: 'note', atMs, source: name, text: `${member}: metrics answer again` });
      }
    } catch (err) {
      // A down member cannot be scraped: expected during faults, so one note per outage, not one
      // per attempt.
      if (!failing.has(member)) {
        failing.add(member);
        ctx.history.record({ kind: 'note', atMs: ctx.clock.nowMs(), source: name, text: `${member}: metrics scrape failed: ${errorText(err)}` });
      }
    }
  };

  return {
    name,
    start() {
      if (started || stopping !== undefined) {
        return;
      }
      started = true;
      workers = opts.members.map((member) =>
        startPeriodic({
          intervalMs: opts.intervalMs ?? 5_000,
          clock: ctx.clock,
          task: () => scrapeOnce(member),
          onError: (err) => ctx.history.record({ kind: 'note', atMs: ctx.clock.nowMs(), source: name, text: `worker ${member}: ${errorText(err)}` }),
        }),
      );
    },
    stop() {
      stopping ??= Promise.all(workers.map((w) => w.stop())).then(() => undefined);
      return stopping;
    },
  };
}
