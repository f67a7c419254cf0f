/**
 * The etcd3 client factory for probes: one client per member endpoint, no library retries, no
 * circuit breaker, a gRPC deadline on every call, and every failure classified as `fail` or
 * `unknown` (see etcd-errors.ts for the table).
 *
 * Why one endpoint per client: a probe must know which member answered. With several hosts etcd3
 * picks one at random per call and, with its default policies, retries a failed call on another
 * host (3 attempts) and skips a host for 5 s after 3 failures; the probe would then measure the
 * client library, not the member (DESIGN.md, Versions and Probes).
 *
 * Connection handling, and why it is enough without our own reconnect logic:
 * - etcd3 1.1.2 ignores `dialTimeout` (it is declared but never read), and grpc-js has no connect
 *   timeout; the per-call deadline bounds connecting too. A call that timed out while still
 *   "Waiting for LB pick" never had a connection, which the classifier records as `fail`.
 * - On a recoverable error (UNAVAILABLE, DEADLINE_EXCEEDED, ...) etcd3 closes the host's channels
 *   and the next call dials afresh, so a connection that died silently (a paused node, a partition)
 *   is replaced after the first timeout instead of after the kernel's SYN retries.
 * - `grpc.use_local_subchannel_pool` gives every client its own TCP connection. grpc-js otherwise
 *   shares connections between channels with the same target, so closing one client's channel
 *   would leave a dead connection in use by the next.
 */
import { readFileSync } from 'node:fs';
import { ConstantBackoff, noop } from 'cockatiel';
import { Etcd3, Range, type IDuplexStream, type IOptions, type IRangeResponse, type IWatchRequest, type IWatchResponse } from 'etcd3';
import { InterceptingCall, type CallOptions, type Interceptor } from '@grpc/grpc-js';
import { classifyEtcdError, type EtcdCallEffect, type EtcdErrorCause, type EtcdFailureOutcome } from './etcd-errors.js';

/** Paths of the client TLS material (etcd-access.ts writes them 0600 into a private temp dir). */
export interface EtcdTlsFiles {
  readonly cacert: string;
  readonly cert: string;
  readonly key: string;
}

/** How to reach one member. */
export interface EtcdMemberOptions {
  /** e.g. https://172.18.0.3:2379 */
  readonly endpoint: string;
  readonly tls: EtcdTlsFiles;
  /** Default per-call deadline; 2 s unless given. */
  readonly callTimeoutMs?: number;
  /**
   * DNS name to verify the member's certificate against (and send as SNI) instead of the
   * endpoint's IP. kubeadm puts the node name in every etcd serving certificate, so passing it
   * keeps per-member identity checks and avoids Node's warning about IP addresses as SNI.
   */
  readonly serverName?: string;
}

/** Per-call overrides. */
export interface EtcdCallOptions {
  readonly timeoutMs?: number;
}

/** A failed call, already classified: record `outcome`, show `message`. */
export class EtcdCallError extends Error {
  override readonly name = 'EtcdCallError';
  constructor(
    readonly outcome: EtcdFailureOutcome,
    /** gRPC status name, 'CLIENT' or 'UNKNOWN'. */
    readonly code: string,
    readonly reason: EtcdErrorCause,
    message: string,
  ) {
    super(message);
  }
}

/** A single-key read. */
export interface EtcdGetResult {
  /** The value, or null when the key does not exist. */
  readonly value: string | null;
  /** Revision of the store when the read was served (header revision). */
  readonly revision: number;
  /** Revision of the key's last write, when it exists. */
  readonly modRevision?: number;
}

/** One member's own view, from Maintenance.Status. */
export interface EtcdMemberStatus {
  /** Leader id as the member reports it, lowercase hex; '0' while it knows no leader. */
  readonly leaderId: string;
  /** The answering member's id, lowercase hex. */
  readonly memberId: string;
  readonly raftTerm: number;
  readonly revision: number;
  readonly raftIndex: number;
}

/** A key under a prefix, as read. */
export interface EtcdKeyValue {
  readonly key: string;
  readonly value: string;
  readonly modRevision: number;
}

/** A consistent read of a whole prefix: every page is read at the first page's revision. */
export interface EtcdPrefixRead {
  readonly revision: number;
  readonly entries: readonly EtcdKeyValue[];
}

/** One event from a watch stream. */
export interface EtcdWatchEvent {
  readonly key: string;
  /** The new value ('' for a delete). */
  readonly value: string;
  readonly modRevision: number;
  readonly type: 'put' | 'delete';
}

/** Why a watch stream ended. After `compacted` the caller must relist; after `error` it may resume. */
export type EtcdWatchEnd =
  | { readonly kind: 'compacted'; readonly error: string; readonly compactRevision?: number }
  | { readonly kind: 'error'; readonly error: string }
  | { readonly kind: 'cancelled' };

/** What a watch stream reports while it runs. */
export interface EtcdWatchHandlers {
  /** The server accepted the watch (it now delivers events from the start revision on). */
  readonly onStarted?: () => void;
  /** Events of one watch response, in revision order. */
  readonly onEvents: (events: readonly EtcdWatchEvent[]) => void;
  /** A progress notification: every event up to `revision` has been delivered. */
  readonly onProgress?: (revision: number) => void;
}

/** A running watch stream. It never reconnects by itself: after `ended` the caller decides. */
export interface EtcdWatchStream {
  /** Resolves once, when the stream ends for any reason. */
  readonly ended: Promise<EtcdWatchEnd>;
  /** Ends the stream (idempotent); `ended` then resolves with { kind: 'cancelled' } if not already ended. */
  cancel(): Promise<void>;
}

/** Options of a watch stream. */
export interface EtcdWatchOptions {
  /** End with an error when the server has not accepted the watch within this time (default 3 s). */
  readonly startTimeoutMs?: number;
}

/** An etcd client bound to exactly one member. */
export interface EtcdMemberClient {
  readonly endpoint: string;
  /** Writes key=value; resolves with the revision the write created (the response header's). */
  put(key: string, value: string, opts?: EtcdCallOptions): Promise<{ readonly revision: number }>;
  /** A linearizable read (goes through the leader's ReadIndex; needs quorum). */
  getLinearizable(key: string, opts?: EtcdCallOptions): Promise<EtcdGetResult>;
  /** A serializable read (the member's local state; answers without quorum). */
  getSerializable(key: string, opts?: EtcdCallOptions): Promise<EtcdGetResult>;
  /** Maintenance.Status of this member. */
  status(opts?: EtcdCallOptions): Promise<EtcdMemberStatus>;
  /** Every key under a prefix at one revision, paged; linearizable unless `serializable`. */
  rangePrefix(prefix: string, opts?: EtcdCallOptions & { readonly serializable?: boolean; readonly pageSize?: number }): Promise<EtcdPrefixRead>;
  /** Deletes every key under a prefix (cleanup after a run); resolves with the count deleted. */
  deletePrefix(prefix: string, opts?: EtcdCallOptions): Promise<{ readonly deleted: number }>;
  /** Watches a prefix from a revision (inclusive) on its own connection. */
  watchPrefix(prefix: string, fromRevision: number, handlers: EtcdWatchHandlers, opts?: EtcdWatchOptions): EtcdWatchStream;
  /** Closes the client's connections (idempotent). Running watch streams are cancelled. */
  close(): void;
}

const DEFAULT_CALL_TIMEOUT_MS = 2_000;
// If grpc-js ever fails to honour its deadline, this timer still ends the call, so a probe
// worker can never hang; the grace keeps it from racing the real deadline.
const BACKSTOP_GRACE_MS = 1_000;
const DEFAULT_WATCH_START_TIMEOUT_MS = 3_000;
const DEFAULT_PAGE_SIZE = 5_000;
// Error texts go into histories and reports; long grpc-js explanations are cut.
const MAX_ERROR_CHARS = 300;

// etcd's server enforces a minimum client ping interval (--grpc-keepalive-min-time, 5 s by
// default) and answers faster pings with GOAWAY; 6 s stays clear of it. Only watch streams use
// keepalive: unary calls have deadlines, and etcd3 re-dials after a failed one.
const WATCH_KEEPALIVE_TIME_MS = 6_000;
const WATCH_KEEPALIVE_TIMEOUT_MS = 2_000;

const BASE_GRPC_OPTIONS = {
  'grpc.use_local_subchannel_pool': 1,
  // Nobody reads channelz here; turning it off saves per-call bookkeeping in a 10 Hz probe.
  'grpc.enable_channelz': 0,
  // grpc-js transparently retries calls the server refused before processing; off, so that every
  // attempt the probe records is exactly one request (DESIGN.md: client retries off in probes).
  'grpc.enable_retries': 0,
  // grpc-js backs off up to 120 s between reconnects by default; a probe must see a member come
  // back within a poll interval or two.
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1_000,
  // A final snapshot of a long run can be several MB; the default limit is 4 MB.
  'grpc.max_receive_message_length': 64 * 1024 * 1024,
} as const;

/** Converts an etcd 64-bit id as etcd3 delivers it (a decimal string) to etcd's usual lowercase hex. */
export function idToHex(id: string | number | bigint | null | undefined): string {
  if (id === null || id === undefined || id === '') {
    return '0';
  }
  if (typeof id === 'number' && !Number.isSafeInteger(id)) {
    throw new Error(`etcd id ${id} lost precision as a JS number`);
  }
  return BigInt(id).toString(16);
}

/** Parses an etcd int64 field (etcd3 delivers them as decimal strings). */
export function int64ToNumber(v: string | number | null | undefined, field: string): number {
  const n = typeof v === 'number' ? v : Number(v ?? 0);
  if (!Number.isSafeInteger(n)) {
    throw new Error(`etcd ${field} ${String(v)} is not a safe integer`);
  }
  return n;
}

function shortMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;
}

/** Wraps anything thrown by etcd3 into a classified EtcdCallError. */
export function toEtcdCallError(err: unknown, effect: EtcdCallEffect): EtcdCallError {
  if (err instanceof EtcdCallError) {
    return err;
  }
  const c = classifyEtcdError(err, effect);
  return new EtcdCallError(c.outcome, c.code, c.reason, shortMessage(err));
}

interface Tls {
  readonly rootCertificate: Buffer;
  readonly certChain: Buffer;
  readonly privateKey: Buffer;
}

function readTls(files: EtcdTlsFiles): Tls {
  return {
    rootCertificate: readFileSync(files.cacert),
    certChain: readFileSync(files.cert),
    privateKey: readFileSync(files.key),
  };
}

function newClient(endpoint: string, tls: Tls, serverName: string | undefined, extra: Partial<IOptions> = {}): Etcd3 {
  const nameOverride = serverName === undefined ? {} : { 'grpc.ssl_target_name_override': serverName };
  return new Etcd3({
    hosts: [endpoint],
    credentials: tls,
    // Declared by etcd3 but unused in 1.1.2 (see the header); set so a future version honours it.
    dialTimeout: 2_000,
    faultHandling: {
      host: () => noop,
      global: noop,
      // Only etcd3's WatchBuilder reconnects with it, and our streams do not go through it (see
      // startWatch); a short constant is the safe choice should anything ever do so. etcd3 types
      // it as an IBackoff but calls .next() on it first, like a factory: the first backoff of a
      // ConstantBackoff is both.
      watchBackoff: new ConstantBackoff(200).next(),
    },
    ...extra,
    grpcOptions: { ...BASE_GRPC_OPTIONS, ...nameOverride, ...extra.grpcOptions },
  });
}

/**
 * Runs one call under a gRPC deadline plus a backstop timer, and classifies any failure.
 *
 * gRPC deadlines are absolute wall-clock times by API, hence Date.now() here; the interval itself
 * is timed by grpc-js's own timer, and no duration is ever computed from two Date.now() readings.
 */
async function withDeadline<T>(effect: EtcdCallEffect, timeoutMs: number, fn: (callOpts: CallOptions) => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const backstop = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error(`no answer within ${timeoutMs + BACKSTOP_GRACE_MS} ms (client deadline not honoured)`), { backstopTimeout: true })),
      timeoutMs + BACKSTOP_GRACE_MS,
    );
  });
  // Run inside an async function so that a builder throwing synchronously is classified too.
  const call = (async () => fn({ deadline: Date.now() + timeoutMs }))();
  // If the backstop wins, the call's own rejection arrives later with nobody listening; it is
  // already accounted for as `unknown`, so it is observed here only to keep Node from reporting
  // an unhandled rejection.
  call.catch(() => undefined);
  try {
    return await Promise.race([call, backstop]);
  } catch (e) {
    throw toEtcdCallError(e, effect);
  } finally {
    clearTimeout(timer);
  }
}

function toGetResult(res: IRangeResponse): EtcdGetResult {
  const kv = res.kvs[0];
  const revision = int64ToNumber(res.header.revision, 'revision');
  return kv === undefined
    ? { value: null, revision }
    : { value: kv.value.toString('utf8'), revision, modRevision: int64ToNumber(kv.mod_revision, 'mod_revision') };
}

/** Opens a client bound to one member endpoint. Reads the TLS files once, now. */
export function openEtcdMember(opts: EtcdMemberOptions): EtcdMemberClient {
  const tls = readTls(opts.tls);
  const defaultTimeoutMs = opts.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  const client = newClient(opts.endpoint, tls, opts.serverName);
  const streams = new Set<EtcdWatchStream>();
  let closed = false;
  const t = (o?: EtcdCallOptions): number => o?.timeoutMs ?? defaultTimeoutMs;

  const read = (key: string, serializable: boolean, o?: EtcdCallOptions): Promise<EtcdGetResult> =>
    withDeadline('read', t(o), async (callOpts) => toGetResult(await client.get(key).serializable(serializable).options(callOpts).exec()));

  return {
    endpoint: opts.endpoint,

    put: (key, value, o) =>
      withDeadline('write', t(o), async (callOpts) => {
        const res = await client.put(key).value(value).options(callOpts).exec();
        return { revision: int64ToNumber(res.header.revision, 'revision') };
      }),

    getLinearizable: (key, o) => read(key, false, o),
    getSerializable: (key, o) => read(key, true, o),

    status: (o) =>
      withDeadline('read', t(o), async (callOpts) => {
        const s = await client.maintenance.status(callOpts);
        return {
          leaderId: idToHex(s.leader),
          memberId: idToHex(s.header.member_id),
          raftTerm: int64ToNumber(s.raftTerm, 'raftTerm'),
          revision: int64ToNumber(s.header.revision, 'revision'),
          raftIndex: int64ToNumber(s.raftIndex, 'raftIndex'),
        };
      }),

    async rangePrefix(prefix, o) {
      const pageSize = o?.pageSize ?? DEFAULT_PAGE_SIZE;
      const end = Range.prefix(prefix).end;
      const entries: EtcdKeyValue[] = [];
      let revision: number | undefined;
      let start: Buffer = Buffer.from(prefix);
      for (;;) {
        const atRevision = revision;
        const res = await withDeadline('read', t(o), (callOpts) => {
          const b = client.getAll().inRange(new Range(start, end)).limit(pageSize).serializable(o?.serializable === true).options(callOpts);
          // Later pages read at the first page's revision, so the whole list is one snapshot.
          return (atRevision === undefined ? b : b.revision(atRevision)).exec();
        });
        revision ??= int64ToNumber(res.header.revision, 'revision');
        for (const kv of res.kvs) {
          entries.push({ key: kv.key.toString('utf8'), value: kv.value.toString('utf8'), modRevision: int64ToNumber(kv.mod_revision, 'mod_revision') });
        }
        const last = res.kvs[res.kvs.length - 1];
        if (!res.more || last === undefined) {
          return { revision, entries };
        }
        // The next key after `last` in byte order.
        start = Buffer.concat([last.key, Buffer.from([0])]);
      }
    },

    deletePrefix: (prefix, o) =>
      withDeadline('write', t(o), async (callOpts) => {
        const res = await client.delete().prefix(prefix).options(callOpts).exec();
        return { deleted: int64ToNumber(res.deleted, 'deleted') };
      }),

    watchPrefix(prefix, fromRevision, handlers, wo) {
      if (closed) {
        const error = 'client is closed';
        return { ended: Promise.resolve({ kind: 'error', error }), cancel: () => Promise.resolve() };
      }
      const stream = startWatch(opts.endpoint, tls, opts.serverName, prefix, fromRevision, handlers, wo?.startTimeoutMs ?? DEFAULT_WATCH_START_TIMEOUT_MS);
      streams.add(stream);
      void stream.ended.then(() => streams.delete(stream));
      return stream;
    },

    close() {
      if (closed) {
        return;
      }
      closed = true;
      for (const s of streams) {
        void s.cancel();
      }
      client.close();
    },
  };
}

/**
 * Opens one client per member: node name -> client. The node name is also the name the member's
 * certificate is verified against (see EtcdMemberOptions.serverName).
 */
export function openEtcdMembers(
  endpoints: ReadonlyMap<string, string>,
  tls: EtcdTlsFiles,
  opts: { readonly callTimeoutMs?: number } = {},
): Map<string, EtcdMemberClient> {
  const clients = new Map<string, EtcdMemberClient>();
  for (const [node, endpoint] of endpoints) {
    clients.set(node, openEtcdMember({ endpoint, tls, serverName: node, ...(opts.callTimeoutMs === undefined ? {} : { callTimeoutMs: opts.callTimeoutMs }) }));
  }
  return clients;
}

/**
 * One watch stream on its own client and connection, ended for good by the first error.
 *
 * Why the raw Watch RPC and not etcd3's WatchBuilder: etcd3's watch manager reconnects by itself,
 * to the same single host, and resumes silently; the probe could neither record the reset nor move
 * to another member, and a stream stuck on a dead connection cannot be torn down from outside.
 * Here every end is reported once and the caller starts the next stream (from its last revision
 * + 1, or after a relist), so every gap is visible in the history.
 *
 * Why `hasleader` metadata: a member cut off from its peers keeps its client connections and would
 * just go quiet. With `hasleader=true` (what etcd's clientv3.WithRequireLeader sends) the server
 * cancels the stream with "etcdserver: no leader" once it has lost its leader, so the probe moves
 * to a member that still has one. Dead connections (a paused node) are caught by keepalive pings.
 */
function startWatch(
  endpoint: string,
  tls: Tls,
  serverName: string | undefined,
  prefix: string,
  fromRevision: number,
  handlers: EtcdWatchHandlers,
  startTimeoutMs: number,
): EtcdWatchStream {
  const requireLeader: Interceptor = (options, nextCall) =>
    new InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        metadata.set('hasleader', 'true');
        next(metadata, listener);
      },
    });
  const client = newClient(endpoint, tls, serverName, {
    grpcOptions: {
      'grpc.keepalive_time_ms': WATCH_KEEPALIVE_TIME_MS,
      'grpc.keepalive_timeout_ms': WATCH_KEEPALIVE_TIMEOUT_MS,
    },
  });

  let settle: (end: EtcdWatchEnd) => void = () => undefined;
  const ended = new Promise<EtcdWatchEnd>((resolve) => {
    settle = resolve;
  });
  let done = false;
  let stream: IDuplexStream<IWatchRequest, IWatchResponse> | undefined;

  const finish = (end: EtcdWatchEnd): void => {
    if (done) {
      return;
    }
    done = true;
    clearTimeout(startTimer);
    // Cancelling the call (RST_STREAM) ends it even on a dead connection, where a polite
    // cancel_request would never be answered.
    stream?.cancel();
    client.close();
    settle(end);
  };

  const startTimer = setTimeout(
    () => finish({ kind: 'error', error: `watch not accepted within ${startTimeoutMs} ms` }),
    startTimeoutMs,
  );

  const onResponse = (res: IWatchResponse): void => {
    if (done) {
      return;
    }
    if (res.canceled) {
      const compactRevision = Number(res.compact_revision);
      const compacted = Number.isSafeInteger(compactRevision) && compactRevision > 0;
      // etcd leaves cancel_reason empty when it cancels for compaction; say what happened.
      const error =
        res.cancel_reason !== ''
          ? res.cancel_reason
          : compacted
            ? `start revision ${fromRevision} has been compacted (compact revision ${compactRevision})`
            : 'watch cancelled by the server';
      finish(
        compacted ? { kind: 'compacted', error, compactRevision } : /compacted/i.test(error) ? { kind: 'compacted', error } : { kind: 'error', error },
      );
      return;
    }
    if (res.created) {
      clearTimeout(startTimer);
      handlers.onStarted?.();
    }
    if (res.events.length === 0) {
      if (!res.created) {
        handlers.onProgress?.(int64ToNumber(res.header.revision, 'revision'));
      }
      return;
    }
    handlers.onEvents(
      res.events.map((e) => ({
        key: e.kv.key.toString('utf8'),
        value: e.type === 'Delete' ? '' : e.kv.value.toString('utf8'),
        modRevision: int64ToNumber(e.kv.mod_revision, 'mod_revision'),
        type: e.type === 'Delete' ? 'delete' : 'put',
      })),
    );
  };

  const range = Range.prefix(prefix);
  client.watchClient
    .watch({ interceptors: [requireLeader] })
    .then((s) => {
      if (done) {
        s.cancel();
        return;
      }
      stream = s;
      s.on('data', onResponse);
      s.on('error', (err) => finish({ kind: 'error', error: shortMessage(err) }));
      s.on('end', () => finish({ kind: 'error', error: 'watch stream ended by the server' }));
      s.write({ create_request: { key: range.start, range_end: range.end, start_revision: fromRevision, progress_notify: true } });
    })
    .catch((err: unknown) => finish({ kind: 'error', error: shortMessage(err) }));

  return {
    ended,
    cancel: async () => {
      finish({ kind: 'cancelled' });
      await ended;
    },
  };
}
