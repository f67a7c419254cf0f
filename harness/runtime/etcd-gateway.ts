/**
 * An etcd member client for the probes' unary calls (put, get, status, range, delete) over etcd's
 * own gRPC-JSON gateway (POST /v3/kv/put, /v3/kv/range, /v3/maintenance/status, /v3/kv/deleterange
 * on the client port, https://etcd.io/docs/v3.6/dev-guide/api_grpc_gateway/), on one kept-alive
 * HTTPS connection per member.
 *
 * Why not grpc-js for these: one grpc-js unary call costs ~1-1.5 ms of CPU in this process, and the
 * etcd-quorum probe set makes ~75 of them a second (writes and status polls on every member), which
 * alone was most of the harness's CPU. A kept-alive HTTP/1.1 request costs a fraction of that. The
 * gateway is etcd's own code path into the same gRPC server (same quorum, same errors, same
 * revisions), so what the probes measure does not change. Watches stay on gRPC (etcd.ts): one long
 * stream, and the gateway's watch would be a chunked HTTP stream with weaker error reporting.
 *
 * The same rules as the gRPC client: one member per client, no retries, a deadline on every call,
 * and every failure classified `fail` (it had no effect) or `unknown` (it may have):
 * - the connection was never up (refused, unreachable, TLS not finished) when the deadline hit: fail;
 * - the request was on a connected socket and no answer came in time, or the socket died under it:
 *   unknown; the socket is destroyed, so the next call dials afresh (a paused node, a partition);
 * - the gateway answered with a gRPC error: etcd-errors.ts's table, on its code and message.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import type { TLSSocket } from 'node:tls';
import {
  type EtcdCallOptions,
  EtcdCallError,
  type EtcdGetResult,
  type EtcdKeyValue,
  type EtcdMemberClient,
  type EtcdMemberOptions,
  type EtcdMemberStatus,
  type EtcdPrefixRead,
  idToHex,
  int64ToNumber,
  openEtcdMember,
} from './etcd.js';
import { classifyEtcdError, type EtcdCallEffect, GRPC_STATUS_NAMES } from './etcd-errors.js';

const DEFAULT_CALL_TIMEOUT_MS = 2_000;
/** Deadline of a background connection warm-up (see warmUp). */
const WARM_UP_TIMEOUT_MS = 5_000;
const DEFAULT_PAGE_SIZE = 5_000;
const MAX_ERROR_CHARS = 300;

/** The gateway's JSON: int64 as decimal strings, bytes as base64; snake_case (etcd sets OrigName). */
interface GatewayHeader {
  readonly revision?: string;
  readonly member_id?: string;
  readonly memberId?: string;
  readonly raft_term?: string;
  readonly raftTerm?: string;
}
interface GatewayKv {
  readonly key?: string;
  readonly value?: string;
  readonly mod_revision?: string;
  readonly modRevision?: string;
}
interface GatewayRange {
  readonly header?: GatewayHeader;
  readonly kvs?: readonly GatewayKv[];
  readonly more?: boolean;
}
interface GatewayStatus {
  readonly header?: GatewayHeader;
  readonly leader?: string;
  readonly raftTerm?: string;
  readonly raft_term?: string;
  readonly raftIndex?: string;
  readonly raft_index?: string;
}
/** What the gateway sends instead of a result when the gRPC call failed. */
interface GatewayError {
  readonly code?: number;
  readonly message?: string;
  readonly error?: string;
}

const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64');
const unb64 = (s: string | undefined): string => Buffer.from(s ?? '', 'base64').toString('utf8');
const short = (s: string): string => (s.length > MAX_ERROR_CHARS ? `${s.slice(0, MAX_ERROR_CHARS)}…` : s);

/** The byte string right after every key with this prefix (etcd's range_end for a prefix). */
export function prefixRangeEnd(prefix: string | Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]! += 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]); // every key
}

/**
 * Pure: turns a gateway error body into a classified EtcdCallError, through the same table as the
 * gRPC client (the classifier reads "<code> <NAME>: <message>", grpc-js's form).
 */
export function gatewayError(httpStatus: number, body: string, effect: EtcdCallEffect): EtcdCallError {
  let parsed: GatewayError = {};
  try {
    parsed = JSON.parse(body) as GatewayError;
  } catch {
    // not JSON: a proxy or a non-gateway answer; classified below as UNKNOWN
  }
  const code = typeof parsed.code === 'number' ? parsed.code : 2;
  const name = GRPC_STATUS_NAMES[code] ?? 'UNKNOWN';
  const text = parsed.message ?? parsed.error ?? `HTTP ${httpStatus}: ${body.slice(0, 200)}`;
  const message = `${code} ${name}: ${text}`;
  const c = classifyEtcdError(Object.assign(new Error(message), { code }), effect);
  return new EtcdCallError(c.outcome, c.code, c.reason, short(message));
}

function header(h: GatewayHeader | undefined): { revision: number; memberId: string; raftTerm: number } {
  return {
    revision: int64ToNumber(h?.revision, 'revision'),
    memberId: idToHex(h?.member_id ?? h?.memberId),
    raftTerm: int64ToNumber(h?.raft_term ?? h?.raftTerm, 'raft_term'),
  };
}

/**
 * A kept-alive HTTPS agent for one member with the client certificate (files read once, now), its
 * identity checked against the node name when given. Shared with the metrics reader.
 */
export function memberAgent(opts: EtcdMemberOptions, maxSockets: number): Agent {
  return new Agent({
    keepAlive: true,
    maxSockets,
    maxFreeSockets: maxSockets,
    ca: readFileSync(opts.tls.cacert),
    cert: readFileSync(opts.tls.cert),
    key: readFileSync(opts.tls.key),
    ...(opts.serverName === undefined ? {} : { servername: opts.serverName }),
  });
}

/**
 * Opens a gateway client bound to one member; `watchPrefix` opens a gRPC client for the stream on
 * first use. Reads the TLS files once, now.
 */
export function openEtcdGatewayMember(opts: EtcdMemberOptions): EtcdMemberClient {
  const url = new URL(opts.endpoint);
  const defaultTimeoutMs = opts.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  // One connection is what a probe worker needs; concurrent callers (a poller beside a writer)
  // get their own rather than queueing behind each other's deadlines.
  const agent = memberAgent(opts, 4);
  let grpc: EtcdMemberClient | undefined;
  let closed = false;
  const t = (o?: EtcdCallOptions): number => o?.timeoutMs ?? defaultTimeoutMs;

  /**
   * After a call failed to get a connection in time, open one in the background with a generous
   * deadline, by a side-effect-free status call whose kept-alive socket then serves the
   * next calls. Why: a call's own connection attempt dies with the call at its deadline (250 ms for
   * the write probe), and on a saturated host (ha-5cp, 2026-12-06) a TLS handshake took longer than
   * that, so every call for 2.6 s started a handshake and abandoned it: the probe saw no successful
   * write for 2.6 s after a new leader had been elected, an outage of its own making. One warm-up at
   * a time per client; a refused connection ends it at once, so a dead member costs nothing.
   */
  let warming = false;
  const warmUp = (): void => {
    if (warming || closed) {
      return;
    }
    warming = true;
    const req = request({
      agent,
      host: url.hostname,
      port: url.port,
      method: 'POST',
      path: '/v3/maintenance/status',
      headers: { 'content-type': 'application/json', 'content-length': 2 },
      ...(opts.serverName === undefined ? {} : { servername: opts.serverName }),
    });
    const end = (): void => {
      clearTimeout(timer);
      warming = false;
    };
    const timer = setTimeout(() => req.destroy(), WARM_UP_TIMEOUT_MS);
    req.on('error', end);
    req.on('response', (res) => {
      res.resume(); // drain, so the socket goes back to the agent's free pool
      res.on('end', end);
      res.on('error', end);
    });
    req.end('{}');
  };

  const call = <T>(path: string, body: object, effect: EtcdCallEffect, timeoutMs: number): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (closed) {
        reject(new EtcdCallError('fail', 'CLIENT', 'client-closed', 'client is closed'));
        return;
      }
      const payload = JSON.stringify(body);
      let connected = false;
      let done = false;
      const finish = (err: EtcdCallError | undefined, value?: T): void => {
        if (done) {
          return;
        }
        done = true;
        clearTimeout(timer);
        if (err === undefined) {
          resolve(value as T);
        } else {
          req.destroy(); // never reuse a connection a call failed on
          // Only when the call could not even get a connection: after a timeout on a connected
          // socket the next call dials for itself, and a warm-up there as well doubled the TLS
          // handshakes while quorum was lost (every write and linearizable read times out), which
          // took the harness to 37 % of a core with its event loop blocked for up to 1.9 s.
          if (err.reason === 'not-sent') {
            warmUp();
          }
          reject(err);
        }
      };
      const req = request({
        agent,
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        ...(opts.serverName === undefined ? {} : { servername: opts.serverName }),
      });
      const timer = setTimeout(() => {
        finish(
          connected
            ? new EtcdCallError('unknown', 'DEADLINE_EXCEEDED', 'sent-timeout', `no answer within ${timeoutMs} ms (request sent to ${opts.endpoint})`)
            : new EtcdCallError('fail', 'DEADLINE_EXCEEDED', 'not-sent', `no connection to ${opts.endpoint} within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      req.on('socket', (socket) => {
        const tls = socket as TLSSocket;
        if (!tls.connecting && tls.encrypted && tls.readyState === 'open') {
          connected = true; // a kept-alive connection
        } else {
          tls.once('secureConnect', () => {
            connected = true;
          });
        }
      });
      req.on('error', (e: NodeJS.ErrnoException) => {
        finish(
          connected
            ? new EtcdCallError('unknown', 'UNAVAILABLE', 'connection-lost', short(`connection to ${opts.endpoint} lost: ${e.message}`))
            : new EtcdCallError('fail', 'UNAVAILABLE', 'not-sent', short(`no connection established to ${opts.endpoint}: ${e.message}`)),
        );
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => finish(new EtcdCallError('unknown', 'UNAVAILABLE', 'connection-lost', short(`answer from ${opts.endpoint} cut: ${e.message}`))));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) {
            finish(gatewayError(res.statusCode ?? 0, text, effect));
            return;
          }
          try {
            finish(undefined, JSON.parse(text) as T);
          } catch (e) {
            finish(new EtcdCallError('unknown', 'UNKNOWN', 'unclassified', short(`unparsable answer from ${opts.endpoint}: ${(e as Error).message}`)));
          }
        });
      });
      req.end(payload);
    });

  const read = async (key: string, serializable: boolean, o?: EtcdCallOptions): Promise<EtcdGetResult> => {
    const res = await call<GatewayRange>('/v3/kv/range', { key: b64(key), serializable }, 'read', t(o));
    const kv = res.kvs?.[0];
    const revision = header(res.header).revision;
    return kv === undefined
      ? { value: null, revision }
      : { value: unb64(kv.value), revision, modRevision: int64ToNumber(kv.mod_revision ?? kv.modRevision, 'mod_revision') };
  };

  return {
    endpoint: opts.endpoint,

    async put(key, value, o) {
      const res = await call<{ header?: GatewayHeader }>('/v3/kv/put', { key: b64(key), value: b64(value) }, 'write', t(o));
      return { revision: header(res.header).revision };
    },

    getLinearizable: (key, o) => read(key, false, o),
    getSerializable: (key, o) => read(key, true, o),

    async status(o): Promise<EtcdMemberStatus> {
      const s = await call<GatewayStatus>('/v3/maintenance/status', {}, 'read', t(o));
      const h = header(s.header);
      return {
        leaderId: idToHex(s.leader),
        memberId: h.memberId,
        raftTerm: int64ToNumber(s.raftTerm ?? s.raft_term, 'raftTerm'),
        revision: h.revision,
        raftIndex: int64ToNumber(s.raftIndex ?? s.raft_index, 'raftIndex'),
      };
    },

    async rangePrefix(prefix, o): Promise<EtcdPrefixRead> {
      const pageSize = o?.pageSize ?? DEFAULT_PAGE_SIZE;
      const end = b64(prefixRangeEnd(prefix));
      const entries: EtcdKeyValue[] = [];
      let revision: number | undefined;
      let start = Buffer.from(prefix);
      for (;;) {
        // Later pages read at the first page's revision, so the whole list is one snapshot.
        const res = await call<GatewayRange>(
          '/v3/kv/range',
          { key: b64(start), range_end: end, limit: pageSize, serializable: o?.serializable === true, ...(revision === undefined ? {} : { revision }) },
          'read',
          t(o),
        );
        revision ??= header(res.header).revision;
        for (const kv of res.kvs ?? []) {
          entries.push({ key: unb64(kv.key), value: unb64(kv.value), modRevision: int64ToNumber(kv.mod_revision ?? kv.modRevision, 'mod_revision') });
        }
        const last = res.kvs?.[res.kvs.length - 1];
        if (res.more !== true || last === undefined) {
          return { revision, entries };
        }
        start = Buffer.concat([Buffer.from(last.key ?? '', 'base64'), Buffer.from([0])]);
      }
    },

    async deletePrefix(prefix, o) {
      const res = await call<{ deleted?: string }>('/v3/kv/deleterange', { key: b64(prefix), range_end: b64(prefixRangeEnd(prefix)) }, 'write', t(o));
      return { deleted: int64ToNumber(res.deleted, 'deleted') };
    },

    watchPrefix(prefix, fromRevision, handlers, wo) {
      grpc ??= openEtcdMember(opts);
      return grpc.watchPrefix(prefix, fromRevision, handlers, wo);
    },

    close() {
      if (closed) {
        return;
      }
      closed = true;
      grpc?.close();
      agent.destroy();
    },
  };
}
