/**
 * Reads every leader-election Lease in kube-system at >= 5 Hz and records who holds each one:
 * holderIdentity, leaseTransitions, renewTime, acquireTime and leaseDurationSeconds.
 *
 * The leases are DISCOVERED on every poll (a list, not a get of known names), so a cluster with a
 * cloud-controller-manager or any other leader-elected component is covered by the same code, and a
 * lease created mid-run appears. Two kinds of Lease in the cluster are not leader election and are
 * skipped: node heartbeats (namespace kube-node-lease, never listed here) and the apiservers'
 * identity leases (`apiserver-<hash>` in kube-system, labelled `apiserver.kubernetes.io/identity`).
 *
 * The holder must stay visible while the LB is down, so the observer falls back to each apiserver
 * directly (api-sources.ts) and records which source answered in `via`.
 */
import { kubeWatch, leaseViewOf, listLeases, type KubeWatchStream, type LeaseView } from '../runtime/kube-api.js';
import { firstAnswer, SourceOrder, sourcesOf, type ApiSources } from './api-sources.js';
import { LEASE_WATCH_VIA } from './history.js';
import { pollerProbe } from './poller.js';
import { failureOf, type Probe, type ProbeContext } from './probe.js';

/** The label the apiserver puts on its identity leases (not leader election). */
export const APISERVER_IDENTITY_LABEL = 'apiserver.kubernetes.io/identity';

/** Options of the lease observer. */
export interface LeaseObserverOptions {
  readonly sources: ApiSources;
  /** Default 'kube-system'. */
  readonly namespace?: string;
  /** Default 200 ms (5 Hz). Handover times are resolved to one interval. */
  readonly intervalMs?: number;
  /** Per-request deadline (per source tried); default 1 s. */
  readonly timeoutMs?: number;
  /** Only these leases (by name); default every leader-election lease found. */
  readonly leases?: readonly string[];
}

/** The observer's name (in notes; observations carry the lease name). */
export const LEASE_OBSERVER_NAME = 'lease-observer';

/**
 * Pure: is this Lease a leader-election lease? Identity leases are recognised by their label, and
 * by the `apiserver-` name prefix in case a future version drops the label.
 */
export function isLeaderElectionLease(l: LeaseView): boolean {
  if (l.labels?.[APISERVER_IDENTITY_LABEL] !== undefined) {
    return false;
  }
  return !/^apiserver-[a-z0-9]+$/.test(l.name);
}

function recordLease(ctx: ProbeContext, ns: string, l: LeaseView, atMs: number, via: string, only: readonly string[] | undefined): void {
  if (!isLeaderElectionLease(l) || (only !== undefined && !only.includes(l.name))) {
    return;
  }
  ctx.history.record({
    kind: 'lease',
    atMs,
    namespace: ns,
    lease: l.name,
    holder: l.holderIdentity ?? '',
    ...(l.leaseTransitions === undefined ? {} : { transitions: l.leaseTransitions }),
    ...(l.renewTime === undefined ? {} : { renewTimeIso: l.renewTime }),
    ...(l.acquireTime === undefined ? {} : { acquireTimeIso: l.acquireTime }),
    ...(l.leaseDurationSeconds === undefined ? {} : { durationS: l.leaseDurationSeconds }),
    via,
  });
}

export const LEASE_WATCH_NAME = 'lease-watch';

/**
 * Watches the leases as well as polling them: a poll every 200 ms can miss a record that lived
 * less (a scheduler releasing its lease on SIGTERM, taken over 200 ms later: seen in CI, where the
 * missed release then looked like a takeover before expiry). The watch sees every update in order.
 * It restarts after any end (fresh state first, so a gap between streams is covered by the next
 * stream's initial list and by the poller); it watches through the LB only.
 */
export function leaseWatch(ctx: ProbeContext, opts: { readonly sources: ApiSources; readonly namespace?: string; readonly leases?: readonly string[] }): Probe {
  const ns = opts.namespace ?? 'kube-system';
  let stream: KubeWatchStream | undefined;
  let stopped = false;
  let loop: Promise<void> | undefined;
  const note = (text: string): void => ctx.history.record({ kind: 'note', atMs: ctx.clock.nowMs(), source: LEASE_WATCH_NAME, text });
  return {
    name: LEASE_WATCH_NAME,
    start() {
      loop ??= (async () => {
        while (!stopped) {
          // Leader-election leases renew every 2 s: 6 s of silence is a dead connection.
          stream = kubeWatch(opts.sources.creds, `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(ns)}/leases`, { connectTimeoutMs: 2_000, idleTimeoutMs: 6_000 }, (_type, object) =>
            recordLease(ctx, ns, leaseViewOf(object), ctx.clock.nowMs(), LEASE_WATCH_VIA, opts.leases),
          );
          const why = await stream.ended;
          if (!stopped) {
            note(`lease watch ended (${why}); restarting`);
            await new Promise((r) => setTimeout(r, 200));
          }
        }
      })();
    },
    async stop() {
      stopped = true;
      stream?.stop();
      await loop;
    },
  };
}

/** Polls the leases and records LeaseObservation / PollError entries. */
export function leaseObserver(ctx: ProbeContext, opts: LeaseObserverOptions): Probe {
  const ns = opts.namespace ?? 'kube-system';
  const timeoutMs = opts.timeoutMs ?? 1_000;
  const order = new SourceOrder(sourcesOf(opts.sources), opts.sources.lbRetryEveryPolls);
  const poll = async (): Promise<void> => {
    try {
      const { value, via } = await firstAnswer(order.next(), (s) =>
        listLeases(opts.sources.creds, ns, { timeoutMs, ...(s.serverUrl === undefined ? {} : { serverUrl: s.serverUrl }) }),
      );
      order.answered(via);
      // Stamped at completion: the list describes the leases as of (at the latest) this instant.
      const atMs = ctx.clock.nowMs();
      for (const l of value) {
        recordLease(ctx, ns, l, atMs, via, opts.leases);
      }
    } catch (err) {
      const f = failureOf(err);
      ctx.history.record({ kind: 'poll-error', atMs: ctx.clock.nowMs(), poller: 'lease', target: ns, outcome: f.outcome, error: f.error });
    }
  };
  return pollerProbe(ctx, { name: LEASE_OBSERVER_NAME, intervalMs: opts.intervalMs ?? 200, poll });
}
