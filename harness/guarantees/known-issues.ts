/**
 * Upstream reports a gray-failure case can reproduce, as data. A stall beyond a guarantee's bound
 * FAILS, unless its signature matches an entry that is still open for the Kubernetes version under
 * test: then it is a `finding` that names the report, with the numbers (the hazard is known and
 * unfixed upstream; the user must know it happens on their cluster, but no documented promise of
 * this version was broken). Closed entries are listed so the report can cite them; they never turn
 * a failure into a finding.
 *
 * `state` and `checkedOn` are what the tracker said when the entry was last read (GitHub issue
 * threads, via the search tool); re-read them when the pinned Kubernetes version moves.
 */

/** What was observed, in the terms the reports use. */
export type StallSignature =
  /** The apiserver kept passing its health check (/readyz, /healthz) while it could not reach its etcd. */
  | 'apiserver-healthy-without-etcd'
  /** Requests through an apiserver hung on a blackholed member although --etcd-servers listed healthy ones. */
  | 'apiserver-stuck-on-blackholed-member';

/** One upstream report. */
export interface KnownIssue {
  /** e.g. 'kubernetes/kubernetes#72796'. */
  readonly id: string;
  readonly url: string;
  readonly title: string;
  readonly signature: StallSignature;
  readonly state: 'open' | 'closed';
  /** How it was closed, when it was (fixed, or closed by the stale bot with nothing fixed). */
  readonly closedAs?: 'fixed' | 'stale';
  /** The first Kubernetes minor with the fix, when one is known. */
  readonly fixedIn?: string;
  /** When the state above was read. */
  readonly checkedOn: string;
  /** One sentence: what the report says and how our case reproduces it. */
  readonly summary: string;
}

export const KNOWN_ISSUES: readonly KnownIssue[] = [
  {
    id: 'kubernetes/kubernetes#72796',
    url: 'https://github.com/kubernetes/kubernetes/issues/72796',
    title: 'Kubernetes API Server healthcheck not failing if etcd is partitioned',
    signature: 'apiserver-healthy-without-etcd',
    state: 'open',
    checkedOn: '2026-12-07',
    summary:
      'an apiserver whose etcd cannot serve it keeps passing its health check, so the load balancer keeps routing it a share of the clients; reproduced here if a blackholed stacked member leaves its apiserver ready (or in haproxy) beyond the bound',
  },
  {
    id: 'kubernetes/kubernetes#59074',
    url: 'https://github.com/kubernetes/kubernetes/issues/59074',
    title: "ApiServer doesn't retry etcd connections in case of network partition",
    signature: 'apiserver-stuck-on-blackholed-member',
    state: 'closed',
    closedAs: 'stale',
    checkedOn: '2026-12-07',
    summary: 'the apiserver keeps its long-lived connection to an unreachable etcd member and requests through it time out, although --etcd-servers lists healthy members (closed by the stale bot)',
  },
  {
    id: 'kubernetes/kubernetes#66312',
    url: 'https://github.com/kubernetes/kubernetes/issues/66312',
    title: "apiserver's etcd client can get into a non-operational state, all calls on that resource 504",
    signature: 'apiserver-stuck-on-blackholed-member',
    state: 'closed',
    closedAs: 'stale',
    checkedOn: '2026-12-07',
    summary: 'after the etcd member it talks to is lost the apiserver took ~20 minutes (TCP retries) to move on; grpc keepalive and TCP_USER_TIMEOUT have since bounded this (closed by the stale bot)',
  },
];

/** Related reports the catalogue cites beside the entries above (feature requests, older duplicates). */
export const RELATED_REPORTS = {
  /** Add an etcd quorum check to the apiserver's readyz (open feature request). */
  readyzQuorumCheck: 'https://github.com/kubernetes/kubernetes/issues/88914',
  /** The apiserver does not move to another etcd endpoint (2015, the first of the line). */
  singleEndpoint: 'https://github.com/kubernetes/kubernetes/issues/6559',
} as const;

/** "v1.34.10" -> [1, 34]; undefined when it is not a version. */
function minorOf(version: string): readonly [number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)/.exec(version);
  return m === null ? undefined : [Number(m[1]), Number(m[2])];
}

/**
 * Pure: the open entries with this signature that still apply to `kubernetesVersion` (open, and no
 * fix released at or below that minor). Closed reports never match.
 */
export function openIssuesFor(signature: StallSignature, kubernetesVersion: string, issues: readonly KnownIssue[] = KNOWN_ISSUES): KnownIssue[] {
  const v = minorOf(kubernetesVersion);
  return issues.filter((i) => {
    if (i.signature !== signature || i.state !== 'open') {
      return false;
    }
    if (i.fixedIn === undefined || v === undefined) {
      return true;
    }
    const f = minorOf(i.fixedIn);
    return f === undefined || v[0] < f[0] || (v[0] === f[0] && v[1] < f[1]);
  });
}
