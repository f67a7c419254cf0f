/**
 * "Never two holders", from each instance's own log: the lease record says who holds it; the
 * instances' logs say who BELIEVED it held it. client-go's leaderelection writes
 *
 *   leaderelection.go:257] attempting to acquire leader lease kube-system/kube-scheduler...
 *   leaderelection.go:271] successfully acquired lease kube-system/kube-scheduler
 *   leaderelection.go:297] failed to renew lease kube-system/kube-scheduler: context deadline exceeded
 *
 * and the components exit when they lose the lease ("leaderelection lost"). Read from the CRI log
 * files on each node (`<RFC 3339 nano> <stream> <F|P> <klog line>`), one file per container instance.
 *
 * Rules (pure, over the parsed events):
 * 1. Every acquisition an instance logged shows up in the lease record: a holder on the same node
 *    whose acquireTime is within the clock allowance of the log line.
 * 2. When instance B logged an acquisition at tB, the instance that acquired before it (A) had
 *    stopped leading: it logged losing the lease, a fault hit its node's process, or it wrote
 *    nothing after tB. An A that kept logging after tB without having lost the lease was a second
 *    leader.
 */
import type { FaultWindow, LeaseLogEvent, LeaseObservation } from '../probes/history.js';

/** One line of a container log, parsed: the wall time (ms) and the klog text. */
interface CriLine {
  readonly wallMs: number;
  readonly wallIso: string;
  readonly text: string;
}

const CRI_LINE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) (?:stdout|stderr) [FP] (.*)$/;
const ATTEMPTING = /attempting to acquire leader lease ([\w.-]+\/[\w.-]+?)\.{3}/;
const ACQUIRED = /successfully acquired lease ([\w.-]+\/[\w.-]+)/;
const FAILED_RENEW = /failed to renew lease ([\w.-]+\/[\w.-]+)/;
const LOST = /leaderelection lost/i;

function parseCriLine(line: string): CriLine | undefined {
  const m = CRI_LINE.exec(line);
  if (m?.[1] === undefined || m[2] === undefined) {
    return undefined;
  }
  // Date.parse keeps milliseconds; the nanoseconds beyond them do not matter at this resolution.
  const wallMs = Date.parse(m[1]);
  return Number.isFinite(wallMs) ? { wallMs, wallIso: m[1], text: m[2] } : undefined;
}

/**
 * Parses one container instance's log into lease events (without `atMs`: the caller maps wall time
 * to its run clock). `lease` is the component's own lease, for lines that do not name it.
 */
export function parseLeaderElectionLog(
  text: string,
  where: { readonly node: string; readonly instance: string; readonly lease: string },
): Omit<LeaseLogEvent, 'atMs'>[] {
  const out: Omit<LeaseLogEvent, 'atMs'>[] = [];
  let last: CriLine | undefined;
  const seen = new Set<string>();
  for (const raw of text.split('\n')) {
    const line = parseCriLine(raw);
    // The reader sends each file's last line too, which may repeat a lease line.
    if (line === undefined || seen.has(raw)) {
      continue;
    }
    seen.add(raw);
    last = line;
    const base = { kind: 'lease-log' as const, wallIso: line.wallIso, node: where.node, instance: where.instance };
    const attempting = ATTEMPTING.exec(line.text);
    const acquired = ACQUIRED.exec(line.text);
    const failed = FAILED_RENEW.exec(line.text);
    if (acquired?.[1] !== undefined) {
      out.push({ ...base, lease: acquired[1], event: 'acquired' });
    } else if (attempting?.[1] !== undefined) {
      out.push({ ...base, lease: attempting[1], event: 'attempting' });
    } else if (failed?.[1] !== undefined) {
      out.push({ ...base, lease: failed[1], event: 'lost' });
    } else if (LOST.test(line.text)) {
      out.push({ ...base, lease: where.lease, event: 'lost' });
    }
  }
  if (last !== undefined) {
    out.push({ kind: 'lease-log', wallIso: last.wallIso, node: where.node, instance: where.instance, lease: where.lease, event: 'last-line' });
  }
  return out;
}

/**
 * The events a case is judged on: everything logged from the case's start on, plus, per lease, the
 * instance that held it when the case began (its acquisition is older, but the first handover of
 * the case is judged against it).
 */
export function eventsForCase(events: readonly LeaseLogEvent[], caseStartMs: number): LeaseLogEvent[] {
  const holdersAtStart = new Set<string>();
  for (const lease of new Set(events.map((e) => e.lease))) {
    const before = events.filter((e) => e.lease === lease && e.event === 'acquired' && e.atMs < caseStartMs).sort((a, b) => a.atMs - b.atMs);
    const last = before[before.length - 1];
    if (last !== undefined) {
      holdersAtStart.add(`${last.node} ${last.instance}`);
    }
  }
  return events.filter((e) => e.atMs >= caseStartMs || holdersAtStart.has(`${e.node} ${e.instance}`));
}

export interface LeaseLogViolation {
  readonly lease: string;
  readonly atMs: number;
  readonly rule: 'acquisition-not-in-record' | 'previous-leader-still-running';
  readonly detail: string;
}

export interface LeaseLogReport {
  readonly acquisitions: number;
  /** Acquisitions matched to a holder in the lease record (rule 1). */
  readonly matched: number;
  /** Consecutive acquisitions by different instances whose order was checked (rule 2). */
  readonly handoversChecked: number;
  readonly violations: readonly LeaseLogViolation[];
}

const wall = (e: { readonly wallIso: string }): number => Date.parse(e.wallIso);
const holderNode = (holder: string): string => holder.split('_')[0] ?? holder;

/**
 * Checks the logged acquisitions against the lease record and against each other. `faults` are the
 * case's fault windows (a fault on a node ends its instance's leadership); `runStartWallMs` maps the
 * run clock to wall time; `clockSkewMs` is the allowance between the log's and the record's clocks.
 */
export function leaseLogReport(
  events: readonly LeaseLogEvent[],
  observations: readonly LeaseObservation[],
  faults: readonly FaultWindow[],
  opts: { readonly clockSkewMs: number; readonly runStartWallMs: number },
): LeaseLogReport {
  const violations: LeaseLogViolation[] = [];
  let acquisitions = 0;
  let matched = 0;
  let handoversChecked = 0;
  const observedSpan = (lease: string): readonly [number, number] | undefined => {
    const obs = observations.filter((o) => `${o.namespace}/${o.lease}` === lease);
    return obs.length === 0 ? undefined : [Math.min(...obs.map((o) => o.atMs)), Math.max(...obs.map((o) => o.atMs))];
  };
  for (const lease of [...new Set(events.map((e) => e.lease))].sort()) {
    const acquired = events.filter((e) => e.lease === lease && e.event === 'acquired').sort((a, b) => wall(a) - wall(b));
    const span = observedSpan(lease);
    for (const a of acquired) {
      acquisitions += 1;
      // Rule 1, for acquisitions inside the span the observer watched.
      if (span === undefined || a.atMs < span[0] || a.atMs > span[1]) {
        continue;
      }
      const inRecord = observations.some((o) => {
        const acquireMs = o.acquireTimeIso === undefined ? Number.NaN : Date.parse(o.acquireTimeIso);
        return `${o.namespace}/${o.lease}` === lease && holderNode(o.holder) === a.node && Math.abs(acquireMs - wall(a)) <= opts.clockSkewMs;
      });
      if (inRecord) {
        matched += 1;
      } else {
        violations.push({ lease, atMs: a.atMs, rule: 'acquisition-not-in-record', detail: `${a.node} (${a.instance}) logged acquiring it at ${a.wallIso}, but the lease record never showed a holder on ${a.node} acquiring then` });
      }
    }
    // Rule 2.
    for (let i = 1; i < acquired.length; i += 1) {
      const prev = acquired[i - 1]!;
      const next = acquired[i]!;
      if (prev.node === next.node && prev.instance === next.instance) {
        continue; // the same instance re-acquired (it had lost it in between)
      }
      handoversChecked += 1;
      const tNext = wall(next);
      const ofPrev = events.filter((e) => e.node === prev.node && e.instance === prev.instance);
      const lostBefore = ofPrev.some((e) => e.event === 'lost' && e.lease === lease && wall(e) >= wall(prev) && wall(e) <= tNext + opts.clockSkewMs);
      const faulted = faults.some((f) => f.targets.includes(prev.node) && f.issuedAtMs + opts.runStartWallMs >= wall(prev) && f.issuedAtMs + opts.runStartWallMs <= tNext + opts.clockSkewMs);
      const lastLine = Math.max(...ofPrev.map(wall));
      if (!lostBefore && !faulted && lastLine > tNext + opts.clockSkewMs) {
        violations.push({
          lease,
          atMs: next.atMs,
          rule: 'previous-leader-still-running',
          detail: `${next.node} (${next.instance}) acquired it at ${next.wallIso} while ${prev.node} (${prev.instance}), leader since ${prev.wallIso}, kept running until ${new Date(lastLine).toISOString()} without losing it`,
        });
      }
    }
  }
  return { acquisitions, matched, handoversChecked, violations };
}
