/**
 * Scrapes etcd's own counters from every member, so the leader changes the pollers saw can be
 * cross-checked against `etcd_server_leader_changes_seen_total` (a leader that came and went
 * between two polls shows up only there).
 *
 * The scrape reads each member's client port from the host (runtime/etcd-metrics-reader.ts), not
 * kubeadm's node-local 2381 listener, which needed a `docker exec` per scrape. The rate stays slow:
 * the cross-check needs the counter before and after a fault, not a fine time series.
 */
import { openEtcdMetricsReader, type EtcdMetricsReader } from '../runtime/etcd-metrics-reader.js';
import type { EtcdTargets } from './etcd-targets.js';
import { startPeriodic, type PeriodicWorker } from './periodic.js';
import { errorText, type Probe, type ProbeContext } from './probe.js';
import { metricValue, parsePrometheusText } from './prometheus-text.js';

/** The metrics recorded by default. */
export const DEFAULT_ETCD_METRICS = ['etcd_server_leader_changes_seen_total', 'etcd_server_is_leader', 'etcd_server_has_leader'] as const;

/** Options of the metrics scraper. */
export interface EtcdMetricsProbeOptions {
  /** The members to scrape (node name -> client URL) and the client certificate. */
  readonly targets: EtcdTargets;
  /** Default 5 s per member: the cross-check compares counters before and after a fault. */
  readonly intervalMs?: number;
  /** Default 2 s. */
  readonly timeoutMs?: number;
  /** Metric names to record; default DEFAULT_ETCD_METRICS. */
  readonly metrics?: readonly string[];
}

/** Records MetricSample entries; a member that cannot be scraped gets a note when it stops (and resumes) answering. */
export function etcdMetricsProbe(ctx: ProbeContext, opts: EtcdMetricsProbeOptions): Probe {
  const name = 'etcd-metrics';
  const metrics = opts.metrics ?? DEFAULT_ETCD_METRICS;
  const timeoutMs = opts.timeoutMs ?? 2_000;
  const failing = new Set<string>();
  const readers = new Map<string, EtcdMetricsReader>();
  let workers: PeriodicWorker[] = [];
  let started = false;
  let stopping: Promise<void> | undefined;

  const scrapeOnce = async (member: string): Promise<void> => {
    try {
      const reader = readers.get(member);
      if (reader === undefined) {
        return;
      }
      const text = await reader.read(timeoutMs);
      const atMs = ctx.clock.nowMs();
      // The page holds ~1,000 samples; parse only the lines of the recorded metrics.
      const samples = parsePrometheusText(text.split('\n').filter((l) => metrics.some((m) => l.startsWith(m))).join('\n'));
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
      for (const [member, endpoint] of opts.targets.endpoints) {
        readers.set(member, openEtcdMetricsReader({ endpoint, tls: opts.targets.tls, serverName: member }));
      }
      workers = [...readers.keys()].map((member) =>
        startPeriodic({
          intervalMs: opts.intervalMs ?? 5_000,
          clock: ctx.clock,
          task: () => scrapeOnce(member),
          onError: (err) => ctx.history.record({ kind: 'note', atMs: ctx.clock.nowMs(), source: name, text: `worker ${member}: ${errorText(err)}` }),
        }),
      );
    },
    stop() {
      stopping ??= Promise.all(workers.map((w) => w.stop())).then(() => {
        for (const r of readers.values()) {
          r.close();
        }
      });
      return stopping;
    },
  };
}
