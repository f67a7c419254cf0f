import { describe, expect, it } from 'vitest';
import { gatewayError, prefixRangeEnd } from './etcd-gateway.js';

describe('prefixRangeEnd', () => {
  it('increments the last byte, as clientv3.GetPrefixRangeEnd does', () => {
    expect(prefixRangeEnd('/kube-ha-chaos/run-1/').toString('utf8')).toBe('/kube-ha-chaos/run-10');
    expect(prefixRangeEnd('abc')).toEqual(Buffer.from('abd'));
  });

  it('drops trailing 0xff bytes and means "every key" for an all-0xff prefix', () => {
    expect(prefixRangeEnd(Buffer.from([0x61, 0xff]))).toEqual(Buffer.from([0x62]));
    expect(prefixRangeEnd(Buffer.from([0xff, 0xff]))).toEqual(Buffer.from([0]));
  });
});

// Bodies as etcd 3.6's gateway writes them (grpc-gateway's error JSON).
describe('gatewayError', () => {
  it('classifies a write that timed out in raft as unknown (it may still commit)', () => {
    const e = gatewayError(503, '{"error":"etcdserver: request timed out","code":14,"message":"etcdserver: request timed out"}', 'write');
    expect(e).toMatchObject({ outcome: 'unknown', code: 'UNAVAILABLE', message: '14 UNAVAILABLE: etcdserver: request timed out' });
  });

  it('classifies a write refused for lack of a leader as unknown and a read as fail', () => {
    const body = '{"code":14,"message":"etcdserver: no leader"}';
    expect(gatewayError(503, body, 'write').outcome).toBe('unknown');
    expect(gatewayError(503, body, 'read').outcome).toBe('fail');
  });

  it('classifies a request rejected before proposing as fail', () => {
    expect(gatewayError(400, '{"code":3,"message":"etcdserver: request is too large"}', 'write')).toMatchObject({ outcome: 'fail', code: 'INVALID_ARGUMENT' });
    expect(gatewayError(429, '{"code":8,"message":"etcdserver: too many requests"}', 'write').outcome).toBe('fail');
  });

  it('treats a body that is not the gateway\'s as UNKNOWN: a write is then unknown', () => {
    const e = gatewayError(502, '<html>bad gateway</html>', 'write');
    expect(e).toMatchObject({ outcome: 'unknown', code: 'UNKNOWN' });
    expect(e.message).toContain('HTTP 502');
  });
});
