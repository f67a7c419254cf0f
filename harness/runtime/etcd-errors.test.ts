import { ClientClosedError, GRPCDeadlineExceededError, GRPCUnavailableError } from 'etcd3';
import { describe, expect, it } from 'vitest';
import { classifyEtcdError, classifyEtcdFacts, grpcStatusName } from './etcd-errors.js';

// Messages as grpc-js 1.14 / etcd 3.6 produce them (the first four captured from the live cluster).
const REFUSED = '14 UNAVAILABLE: No connection established. Last error: Error: connect ECONNREFUSED 172.22.0.4:2399. Resolution note: ';
const TLS_FAILED = '14 UNAVAILABLE: No connection established. Last error: Error: self-signed certificate in certificate chain. Resolution note: ';
const SENT_TIMEOUT = '4 DEADLINE_EXCEEDED: Deadline exceeded after 2.002s,name resolution: 0.001s,LB pick: 0.001s,remote_addr=172.22.0.4:2379';
const PICK_TIMEOUT = '4 DEADLINE_EXCEEDED: Deadline exceeded after 2.001s,name resolution: 0.000s,Waiting for LB pick';
const DROPPED = '14 UNAVAILABLE: Connection dropped';

const msg = (message: string, effect: 'read' | 'write' = 'write') => classifyEtcdFacts({ name: 'Error', message }, effect);

describe('classifyEtcdError: transport', () => {
  it('a call that never had a connection is a definite fail', () => {
    expect(msg(REFUSED)).toEqual({ outcome: 'fail', code: 'UNAVAILABLE', reason: 'not-sent' });
    expect(msg(TLS_FAILED).outcome).toBe('fail');
    expect(msg(PICK_TIMEOUT)).toEqual({ outcome: 'fail', code: 'DEADLINE_EXCEEDED', reason: 'not-sent' });
  });
  it('a deadline after the request was sent is unknown, for writes and reads alike', () => {
    expect(msg(SENT_TIMEOUT)).toEqual({ outcome: 'unknown', code: 'DEADLINE_EXCEEDED', reason: 'sent-timeout' });
    expect(msg(SENT_TIMEOUT, 'read').outcome).toBe('unknown');
    // A bare deadline without grpc-js's explanation: we cannot prove it was not sent.
    expect(msg('4 DEADLINE_EXCEEDED: Deadline exceeded').outcome).toBe('unknown');
  });
  it('a connection lost with the call on it is unknown', () => {
    expect(msg(DROPPED)).toEqual({ outcome: 'unknown', code: 'UNAVAILABLE', reason: 'connection-lost' });
    expect(msg('14 UNAVAILABLE: read ECONNRESET').outcome).toBe('unknown');
    expect(msg('13 INTERNAL: Received RST_STREAM with code 2').outcome).toBe('unknown');
    expect(msg('1 CANCELLED: Cancelled on client').outcome).toBe('unknown');
  });
  it('our backstop timer is unknown; a closed client is fail', () => {
    const backstop = Object.assign(new Error('no answer within 3000 ms'), { backstopTimeout: true });
    expect(classifyEtcdError(backstop, 'write')).toEqual({ outcome: 'unknown', code: 'DEADLINE_EXCEEDED', reason: 'sent-timeout' });
    expect(classifyEtcdError(new ClientClosedError('KV'), 'write')).toEqual({ outcome: 'fail', code: 'CLIENT', reason: 'client-closed' });
  });
  it('reads the code from etcd3 typed errors and raw grpc-js errors', () => {
    expect(classifyEtcdError(new GRPCUnavailableError(REFUSED), 'write').outcome).toBe('fail');
    expect(classifyEtcdError(new GRPCDeadlineExceededError('Deadline exceeded'), 'write')).toMatchObject({ outcome: 'unknown', code: 'DEADLINE_EXCEEDED' });
    expect(classifyEtcdError(Object.assign(new Error('Connection dropped'), { code: 14 }), 'write')).toMatchObject({ outcome: 'unknown', code: 'UNAVAILABLE' });
    expect(grpcStatusName({ name: 'GRPCUnavailableError', message: 'whatever' })).toBe('UNAVAILABLE');
  });
});

describe('classifyEtcdError: server answers', () => {
  it.each([
    ['14 UNAVAILABLE: etcdserver: request timed out'],
    ['14 UNAVAILABLE: etcdserver: request timed out, possibly due to previous leader failure'],
    ['14 UNAVAILABLE: etcdserver: request timed out, possibly due to connection lost'],
    ['14 UNAVAILABLE: etcdserver: no leader'],
    ['14 UNAVAILABLE: etcdserver: leader changed'],
    ['14 UNAVAILABLE: etcdserver: server stopped'],
    ['2 UNKNOWN: etcdserver: some error this table has never seen'],
  ])('a write answered %j may still commit: unknown', (m) => {
    expect(msg(m).outcome).toBe('unknown');
  });
  it.each([
    ['8 RESOURCE_EXHAUSTED: etcdserver: too many requests'],
    ['3 INVALID_ARGUMENT: etcdserver: request is too large'],
    ['3 INVALID_ARGUMENT: etcdserver: key is not provided'],
    ['9 FAILED_PRECONDITION: etcdserver: not capable'],
    ['8 RESOURCE_EXHAUSTED: etcdserver: mvcc: database space exceeded'],
    ['11 OUT_OF_RANGE: etcdserver: mvcc: required revision has been compacted'],
    ['2 UNKNOWN: raft proposal dropped'],
    ['7 PERMISSION_DENIED: etcdserver: permission denied'],
  ])('a write rejected with %j before proposing: fail', (m) => {
    expect(msg(m)).toMatchObject({ outcome: 'fail', reason: 'server-definite' });
  });
  it('any server answer to a read is a definite fail', () => {
    expect(msg('14 UNAVAILABLE: etcdserver: request timed out', 'read').outcome).toBe('fail');
    expect(msg('14 UNAVAILABLE: etcdserver: no leader', 'read').outcome).toBe('fail');
  });
});
