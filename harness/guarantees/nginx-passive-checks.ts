/**
 * What a client of the localhost-nginx front sees when one apiserver dies or hangs, as a pure
 * function of the nginx settings the workers run with (substrate/cluster/localhost-lb.ts renders
 * them; kubespray's values by default). Open-source nginx has passive health checks only: it learns
 * that a server is bad from the client connections it proxies, never by asking it.
 *
 * The rules, from the nginx docs (ngx_stream_upstream_module "server", "zone", "least_conn";
 * ngx_stream_proxy_module "proxy_next_upstream", "proxy_connect_timeout",
 * "proxy_next_upstream_tries") and its round-robin peer code:
 * - An unsuccessful attempt is an error or a timeout while ESTABLISHING the connection to the server.
 *   max_fails such attempts within fail_timeout make nginx skip the server for fail_timeout; after
 *   that one connection is let through to try it again (a failure skips it for another fail_timeout,
 *   a success clears the count). max_fails=0 disables the accounting: never skipped.
 * - With proxy_next_upstream on (the default) a connection whose connect failed is passed to the next
 *   server, up to proxy_next_upstream_tries (0 = all of them): the client sees no error, only the time
 *   the failed attempt took. A refused connect (RST: the apiserver process is gone, its host is up)
 *   costs about one round trip; a connect nobody answers (the host is gone, SYNs dropped) costs
 *   proxy_connect_timeout.
 * - An apiserver that HANGS (SIGSTOPped, its node frozen) still completes TCP handshakes: the kernel
 *   accepts into the listen backlog. The connect succeeds, nginx counts nothing, and the client's
 *   bytes go to a process that never answers: the client waits for its own timeout (nginx closes only
 *   after proxy_timeout of silence, 10 min for kubespray). nginx never marks that server down.
 * - Without a `zone`, every worker process keeps its own counters, so each worker pays for the
 *   failure separately.
 * - least_conn sends a new connection to the server with the fewest active connections: a dead server
 *   has none, so it is the FIRST choice of every worker whenever it is not skipped. The attempts
 *   counted below are therefore what happens, not only what may happen, as soon as each worker gets
 *   new connections. A hung server keeps its hung connections open (until the clients give up), so
 *   least_conn steers new connections away from it while they last: at most its 1/n share.
 */

/** nginx's passive-check and proxy settings of the localhost front (rendered by substrate/cluster/localhost-lb.ts). */
export interface PassiveCheckSettings {
  /** Failed connection attempts within failTimeoutS that make nginx skip a server (0: never). */
  readonly maxFails: number;
  /** The window failures are counted in, and how long a server is then skipped. */
  readonly failTimeoutS: number;
  /** proxy_connect_timeout: how long nginx waits for a server's TCP connect. */
  readonly connectTimeoutMs: number;
  /** proxy_timeout: idle time between two reads or writes after which the session is closed. */
  readonly proxyTimeoutS: number;
  /** proxy_next_upstream: on a failed connect, try the next server (nginx default on). */
  readonly nextUpstream: boolean;
  /** proxy_next_upstream_tries (0 = every server). */
  readonly nextUpstreamTries: number;
  readonly workerProcesses: number;
  /** Whether the upstream has a `zone` (failure state shared by every worker process). */
  readonly sharedZone: boolean;
}

/**
 * How the apiserver fails, as the network shows it to nginx:
 * - `refused`: the process is gone, its host answers with RST (SIGKILL, manifest held away);
 * - `unreachable`: nothing answers the SYN (node stopped, its traffic dropped);
 * - `hang`: the handshake completes, nothing is ever answered (SIGSTOP, node paused).
 */
export type ApiserverFailure = 'refused' | 'unreachable' | 'hang';

export interface NginxFailureInput {
  readonly settings: PassiveCheckSettings;
  /** Servers in the upstream (control planes). */
  readonly upstreams: number;
  /** How many of them fail this way at once. */
  readonly failed: number;
  readonly failure: ApiserverFailure;
  /** How long the failure lasts. */
  readonly outageMs: number;
  /** The client's own deadline for connect + TLS handshake + answer. */
  readonly clientTimeoutMs: number;
  /** What a healthy request takes through nginx (handshake + answer), for the deadline comparison. */
  readonly healthyRequestMs?: number;
}

export interface NginxClientView {
  /** Does nginx count this failure at all (and so ever skip the server)? */
  readonly detectedByNginx: boolean;
  /**
   * What a new client connection that nginx first sends to a failed server sees: `retried` (passed
   * to another server, only slower), `error` (closed by nginx or the client's deadline passes first),
   * `hangs` (until the client's own timeout).
   */
  readonly affectedConnection: 'retried' | 'error' | 'hangs';
  /** Extra time such a connection takes before it is served elsewhere (0 for a refusal's RTT). */
  readonly extraLatencyMs: number;
  /**
   * Upper bound on the connections sent to the failed servers over the outage, all worker processes
   * together (undefined: unbounded, nginx never skips them).
   */
  readonly maxAffectedConnections: number | undefined;
  /** Upper bound on the errors clients see (undefined: no bound from nginx's side). */
  readonly maxClientErrors: number | undefined;
  /** The share of new connections at most sent to failed servers while nginx does not skip them. */
  readonly maxShareWhileUndetected: number;
  /** After an outage is over, the longest nginx may still skip the server (it waits fail_timeout). */
  readonly maxSkippedAfterRecoveryMs: number;
  /** One sentence with the numbers, for the catalogue and the report. */
  readonly statement: string;
}

function validate(i: NginxFailureInput): void {
  const s = i.settings;
  const bad = (what: string): never => {
    throw new Error(`nginx guarantee maths: ${what}`);
  };
  if (!Number.isInteger(i.upstreams) || i.upstreams < 1) bad(`upstreams must be >= 1, found ${i.upstreams}`);
  if (!Number.isInteger(i.failed) || i.failed < 1 || i.failed > i.upstreams) bad(`failed must be 1..${i.upstreams}, found ${i.failed}`);
  if (!Number.isInteger(s.maxFails) || s.maxFails < 0) bad(`max_fails must be >= 0, found ${s.maxFails}`);
  if (!(s.failTimeoutS > 0)) bad(`fail_timeout must be > 0, found ${s.failTimeoutS}`);
  if (!(s.connectTimeoutMs > 0)) bad(`proxy_connect_timeout must be > 0, found ${s.connectTimeoutMs}`);
  if (!Number.isInteger(s.workerProcesses) || s.workerProcesses < 1) bad(`worker_processes must be >= 1, found ${s.workerProcesses}`);
  if (!(i.outageMs >= 0) || !(i.clientTimeoutMs > 0)) bad('outage and client timeout must be positive');
}

/**
 * Failed attempts one worker process makes on ONE failed server over `outageMs`: max_fails at once
 * (least_conn picks it first), then one every fail_timeout once it is let through again.
 */
export function attemptsPerWorker(maxFails: number, failTimeoutS: number, outageMs: number): number | undefined {
  if (maxFails === 0) {
    return undefined;
  }
  return maxFails + Math.floor(outageMs / (failTimeoutS * 1_000));
}

/** What clients see, with the numbers (see the module header for the rules). */
export function nginxClientView(i: NginxFailureInput): NginxClientView {
  validate(i);
  const s = i.settings;
  const counters = s.sharedZone ? 1 : s.workerProcesses;
  const perServer = attemptsPerWorker(s.maxFails, s.failTimeoutS, i.outageMs);
  const maxShare = i.failed / i.upstreams;
  const healthy = i.healthyRequestMs ?? 0;
  const skippedAfter = s.failTimeoutS * 1_000;
  const tries = s.nextUpstreamTries === 0 ? i.upstreams : s.nextUpstreamTries;
  const fmt = (ms: number): string => (ms >= 1_000 ? `${(ms / 1_000).toFixed(ms % 1_000 === 0 ? 0 : 1)} s` : `${ms} ms`);

  if (i.failure === 'hang') {
    return {
      detectedByNginx: false,
      affectedConnection: 'hangs',
      extraLatencyMs: i.clientTimeoutMs,
      maxAffectedConnections: undefined,
      maxClientErrors: undefined,
      maxShareWhileUndetected: maxShare,
      maxSkippedAfterRecoveryMs: 0,
      statement:
        `A hung apiserver still accepts TCP connections, so nginx's passive checks (max_fails=${s.maxFails}, fail_timeout=${s.failTimeoutS}s) never count it: ` +
        `for the whole ${fmt(i.outageMs)} up to ${(maxShare * 100).toFixed(0)} % of new connections (least_conn: fewer while its hung connections stay open) ` +
        `are proxied to it and hang until the client's own ${fmt(i.clientTimeoutMs)} deadline (nginx closes them only after proxy_timeout ${s.proxyTimeoutS} s of silence); nginx promises nothing here.`,
    };
  }
  // Each failed attempt costs this much before the connection moves on (or gives up).
  const attemptMs = i.failure === 'refused' ? 0 : s.connectTimeoutMs;
  const remainingAfterFailed = i.upstreams - i.failed;
  // Worst case a connection meets every failed server before a healthy one (least_conn prefers them).
  const worstAttempts = Math.min(i.failed, tries);
  const servedElsewhere = s.nextUpstream && remainingAfterFailed > 0 && tries > i.failed;
  const worstExtraMs = worstAttempts * attemptMs;
  const withinDeadline = worstExtraMs + healthy < i.clientTimeoutMs;
  const affected: NginxClientView['affectedConnection'] = servedElsewhere && withinDeadline ? 'retried' : 'error';
  const maxAffected = perServer === undefined ? undefined : perServer * counters * i.failed;
  const detected = s.maxFails > 0;
  const maxErrors = affected === 'retried' ? 0 : maxAffected;
  const how = i.failure === 'refused' ? 'refuses connections' : `does not answer connects (each attempt waits proxy_connect_timeout ${fmt(s.connectTimeoutMs)})`;
  const bound = maxAffected === undefined
    ? 'max_fails=0: nginx never skips it, so every connection it picks pays again'
    : `at most ${maxAffected} connection${maxAffected === 1 ? '' : 's'} over ${fmt(i.outageMs)} try it (max_fails=${s.maxFails} per ${s.sharedZone ? 'shared zone' : `worker process, ${counters} workers, no zone`}, then one retry every fail_timeout=${s.failTimeoutS}s)`;
  const seen = affected === 'retried'
    ? `each is passed to the next server (proxy_next_upstream) and served ${worstExtraMs === 0 ? 'after one extra round trip' : `${fmt(worstExtraMs)} later`}, no client error`
    : `each ends in a client-visible error (${!servedElsewhere ? 'no other server to pass it to' : `the ${fmt(worstExtraMs)} of failed attempts outlast the client's ${fmt(i.clientTimeoutMs)} deadline`})`;
  return {
    detectedByNginx: detected,
    affectedConnection: affected,
    extraLatencyMs: worstExtraMs,
    maxAffectedConnections: maxAffected,
    maxClientErrors: maxErrors,
    maxShareWhileUndetected: detected ? 0 : maxShare,
    maxSkippedAfterRecoveryMs: detected ? skippedAfter : 0,
    statement: `An apiserver that ${how}: ${bound}; ${seen}; after it is back nginx may skip it for up to fail_timeout (${fmt(skippedAfter)}).`,
  };
}
