/**
 * How an etcd call that did not succeed is recorded: `fail` (we know it had no effect) or `unknown`
 * (it may have taken effect, now or later). Jepsen's fail / info distinction; etcd's robustness
 * tests make the same split for their client errors.
 *
 * Pure: it reads only the error's gRPC code and message, so it is unit-tested on message strings.
 *
 * ## Classification table
 *
 * Transport (checked first; the same for reads and writes):
 *
 * | error                                                              | outcome | why                                                              |
 * |--------------------------------------------------------------------|---------|------------------------------------------------------------------|
 * | DEADLINE_EXCEEDED "… Waiting for LB pick" / "waiting for name resolution" (no `remote_addr=`) | fail | the call never got a connection, so no byte reached the server |
 * | DEADLINE_EXCEEDED with `remote_addr=` (or no detail)               | unknown | the request was sent; the server may have applied it              |
 * | our own backstop timer (the library ignored its deadline)          | unknown | same: we cannot tell how far the call got                         |
 * | UNAVAILABLE "No connection established" / connect ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, ETIMEDOUT on connect, "failed to connect", "Channel closed before call started" | fail | the connection was never up when the call was picked |
 * | UNAVAILABLE other ("Connection dropped", ECONNRESET, RST_STREAM, GOAWAY, EPIPE) | unknown | the connection died with the call on it |
 * | CANCELLED, UNKNOWN, INTERNAL, ABORTED, DATA_LOSS (transport-level) | unknown | cannot tell whether the server saw it                             |
 * | client closed (etcd3 ClientClosedError)                           | fail    | refused locally before sending                                    |
 *
 * Server answers ("etcdserver: …", "mvcc: …", "raft: …"), WRITES:
 *
 * | error                                                              | outcome | why                                                              |
 * |--------------------------------------------------------------------|---------|------------------------------------------------------------------|
 * | request timed out (all variants: previous leader failure, connection lost, waiting for applied index) | unknown | the proposal may already be in a log and commit later |
 * | no leader, not leader, leader changed, server stopped              | unknown | returned while the proposal may be in flight (forwarded to, or appended by, a leader that lost its role) |
 * | raft proposal dropped                                              | fail    | raft refused the proposal before appending it anywhere            |
 * | too many requests, request is too large, not capable, unhealthy cluster, rpc not supported for learner, corrupt cluster | fail | checked before proposing |
 * | mvcc: database space exceeded (NOSPACE alarm)                      | fail    | rejected by the alarm check; not applied                          |
 * | mvcc: required revision has been compacted / is a future revision  | fail    | invalid request, nothing proposed                                 |
 * | any answer with code INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE, UNIMPLEMENTED, UNAUTHENTICATED, RESOURCE_EXHAUSTED, PERMISSION_DENIED, NOT_FOUND, ALREADY_EXISTS; permission denied, invalid auth token, authentication failed | fail | rejected before processing |
 * | any other server error                                             | unknown | conservative: when in doubt, do not claim it failed               |
 *
 * Server answers, READS and STATUS: any server answer is `fail` (a read changes nothing, and the
 * server said definitely that it will not answer). A read that timed out after it was sent is still
 * `unknown`, so that "a timeout is unknown" holds everywhere (DESIGN.md, Probes).
 */

/** Whether the call could change state: only writes can be "maybe applied". */
export type EtcdCallEffect = 'read' | 'write';

/** The outcome of a call that did not succeed. */
export type EtcdFailureOutcome = 'fail' | 'unknown';

/** A classified etcd error: what to record, and a short name for the cause. */
export interface EtcdErrorClass {
  readonly outcome: EtcdFailureOutcome;
  /** gRPC status name ('UNAVAILABLE', 'DEADLINE_EXCEEDED', ...) when known, else 'CLIENT' or 'UNKNOWN'. */
  readonly code: string;
  /** Short tag for why, for humans and tests ('not-sent', 'sent-timeout', 'server-indefinite', ...). */
  readonly reason: EtcdErrorCause;
}

/** Why an error got its outcome (see the table above). */
export type EtcdErrorCause =
  | 'not-sent'
  | 'sent-timeout'
  | 'connection-lost'
  | 'server-indefinite'
  | 'server-definite'
  | 'client-closed'
  | 'unclassified';

/** gRPC status code numbers to names (https://grpc.github.io/grpc/core/md_doc_statuscodes.html). */
export const GRPC_STATUS_NAMES: Readonly<Record<number, string>> = {
  0: 'OK',
  1: 'CANCELLED',
  2: 'UNKNOWN',
  3: 'INVALID_ARGUMENT',
  4: 'DEADLINE_EXCEEDED',
  5: 'NOT_FOUND',
  6: 'ALREADY_EXISTS',
  7: 'PERMISSION_DENIED',
  8: 'RESOURCE_EXHAUSTED',
  9: 'FAILED_PRECONDITION',
  10: 'ABORTED',
  11: 'OUT_OF_RANGE',
  12: 'UNIMPLEMENTED',
  13: 'INTERNAL',
  14: 'UNAVAILABLE',
  15: 'DATA_LOSS',
  16: 'UNAUTHENTICATED',
};

// etcd3 re-creates grpc-js errors as typed classes and drops the numeric `code`, but the message
// keeps grpc-js's "<code> <NAME>: <details>" form, so the code is read back from there.
const GRPC_PREFIX = /^(?:[A-Za-z]+Error:\s*)?(\d{1,2}) ([A-Z_]+): ?/;

// etcd3's class names, for errors whose message lost the prefix.
const CLASS_TO_CODE: Readonly<Record<string, string>> = {
  GRPCCancelledError: 'CANCELLED',
  GRPCUnknownError: 'UNKNOWN',
  GRPCInvalidArgumentError: 'INVALID_ARGUMENT',
  GRPCDeadlineExceededError: 'DEADLINE_EXCEEDED',
  GRPCNotFoundError: 'NOT_FOUND',
  GRPCAlreadyExistsError: 'ALREADY_EXISTS',
  EtcdPermissionDeniedError: 'PERMISSION_DENIED',
  GRPCResourceExhastedError: 'RESOURCE_EXHAUSTED',
  GRPCFailedPreconditionError: 'FAILED_PRECONDITION',
  GRPCAbortedError: 'ABORTED',
  GRPCOutOfRangeError: 'OUT_OF_RANGE',
  GRPCNotImplementedError: 'UNIMPLEMENTED',
  GRPCInternalError: 'INTERNAL',
  GRPCUnavailableError: 'UNAVAILABLE',
  GRPCDataLossError: 'DATA_LOSS',
  GRPCUnauthenticatedError: 'UNAUTHENTICATED',
};

/** The parts of an error the classifier reads. */
export interface EtcdErrorFacts {
  /** Error class name (etcd3 typed errors), e.g. 'GRPCUnavailableError'. */
  readonly name: string;
  readonly message: string;
  /** Numeric gRPC code when the error still carries one (raw grpc-js errors do). */
  readonly code?: number;
  /** Set by our own backstop timer. */
  readonly backstopTimeout?: boolean;
}

/** Extracts the classifier's inputs from anything thrown. */
export function errorFacts(err: unknown): EtcdErrorFacts {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const backstop = (err as { backstopTimeout?: unknown }).backstopTimeout === true;
    return {
      name: err.constructor.name === 'Error' ? err.name : err.constructor.name,
      message: err.message,
      ...(typeof code === 'number' ? { code } : {}),
      ...(backstop ? { backstopTimeout: true } : {}),
    };
  }
  return { name: typeof err, message: String(err) };
}

/** The gRPC status name of an error, from its message prefix, numeric code or etcd3 class. */
export function grpcStatusName(f: EtcdErrorFacts): string | undefined {
  const m = GRPC_PREFIX.exec(f.message);
  if (m?.[2] !== undefined) {
    return m[2];
  }
  if (f.code !== undefined) {
    return GRPC_STATUS_NAMES[f.code];
  }
  return CLASS_TO_CODE[f.name];
}

// Messages (lowercased) that mean "no connection existed when the call was picked".
const NOT_SENT_PATTERNS = [
  'no connection established',
  'failed to connect',
  'econnrefused',
  'ehostunreach',
  'enetunreach',
  'eaddrnotavail',
  'channel closed before call started',
  'name resolution failed',
  'dns resolution failed',
];

// Server errors that a write may survive (the proposal may commit after the error was returned).
const WRITE_INDEFINITE = [
  'request timed out',
  'etcdserver: no leader',
  'etcdserver: not leader',
  'etcdserver: leader changed',
  'etcdserver: server stopped',
  'etcdserver: request cancelled',
  'context canceled',
  'context deadline exceeded',
];

// Server errors that are definite rejections before anything was proposed.
const WRITE_DEFINITE = [
  'raft proposal dropped',
  'etcdserver: too many requests',
  'etcdserver: request is too large',
  'etcdserver: not capable',
  'etcdserver: unhealthy cluster',
  'etcdserver: corrupt cluster',
  'rpc not supported for learner',
  'database space exceeded',
  'required revision has been compacted',
  'required revision is a future revision',
  'permission denied',
  'invalid auth token',
  'authentication failed',
];

const DEFINITE_CODES = new Set([
  'INVALID_ARGUMENT',
  'FAILED_PRECONDITION',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'UNAUTHENTICATED',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
]);

function isServerAnswer(lower: string): boolean {
  return lower.includes('etcdserver:') || lower.includes('mvcc:') || lower.includes('raft proposal dropped') || lower.includes('raft:');
}

/**
 * Classifies a failed etcd call (see the table in this file's header).
 *
 * @param effect 'write' for calls that change state (put, delete); 'read' for range and status.
 */
export function classifyEtcdError(err: unknown, effect: EtcdCallEffect): EtcdErrorClass {
  return classifyEtcdFacts(errorFacts(err), effect);
}

/** classifyEtcdError on already extracted facts (what the unit tests feed it). */
export function classifyEtcdFacts(f: EtcdErrorFacts, effect: EtcdCallEffect): EtcdErrorClass {
  const lower = f.message.toLowerCase();
  const code = grpcStatusName(f) ?? (f.name === 'ClientClosedError' ? 'CLIENT' : 'UNKNOWN');

  if (f.backstopTimeout === true) {
    return { outcome: 'unknown', code: 'DEADLINE_EXCEEDED', reason: 'sent-timeout' };
  }
  if (f.name === 'ClientClosedError' || lower.includes('client is closed') || lower.includes('tried to call a method on a closed client')) {
    return { outcome: 'fail', code: 'CLIENT', reason: 'client-closed' };
  }
  // A server answer wins over the transport reading of its code: etcd sends "request timed out"
  // with code UNAVAILABLE, which would otherwise look like a dropped connection.
  if (isServerAnswer(lower)) {
    if (effect === 'read') {
      return { outcome: 'fail', code, reason: 'server-definite' };
    }
    if (DEFINITE_CODES.has(code) || WRITE_DEFINITE.some((p) => lower.includes(p))) {
      return { outcome: 'fail', code, reason: 'server-definite' };
    }
    // WRITE_INDEFINITE lists the answers we know to be indefinite; anything else we do not
    // recognise is treated the same way, because claiming `fail` for an applied write misleads.
    return { outcome: 'unknown', code, reason: WRITE_INDEFINITE.some((p) => lower.includes(p)) ? 'server-indefinite' : 'unclassified' };
  }
  if (code === 'DEADLINE_EXCEEDED') {
    // grpc-js explains where the time went: "Waiting for LB pick" / "waiting for name resolution"
    // without a remote address means the call never had a connection to be sent on.
    const neverConnected =
      !lower.includes('remote_addr=') &&
      (lower.includes('waiting for lb pick') || lower.includes('waiting for name resolution') || lower.includes('waiting for metadata filters'));
    return neverConnected
      ? { outcome: 'fail', code, reason: 'not-sent' }
      : { outcome: 'unknown', code, reason: 'sent-timeout' };
  }
  if (code === 'UNAVAILABLE') {
    return NOT_SENT_PATTERNS.some((p) => lower.includes(p))
      ? { outcome: 'fail', code, reason: 'not-sent' }
      : { outcome: 'unknown', code, reason: 'connection-lost' };
  }
  if (DEFINITE_CODES.has(code)) {
    return { outcome: 'fail', code, reason: 'server-definite' };
  }
  if (NOT_SENT_PATTERNS.some((p) => lower.includes(p))) {
    return { outcome: 'fail', code, reason: 'not-sent' };
  }
  // CANCELLED, UNKNOWN, INTERNAL, ABORTED, DATA_LOSS, or something unexpected.
  return { outcome: 'unknown', code, reason: 'unclassified' };
}
