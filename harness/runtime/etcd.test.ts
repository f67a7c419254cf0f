import { describe, expect, it } from 'vitest';
import { EtcdCallError, idToHex, int64ToNumber, toEtcdCallError } from './etcd.js';

describe('etcd ids and int64 fields', () => {
  it('turns etcd3 decimal-string ids into etcd hex ids without losing precision', () => {
    // 0xc2218527ef41ca14: above 2^53, so Number() would corrupt it.
    expect(idToHex('13988608324153756180')).toBe('c2218527ef41ca14');
    expect(idToHex('5989846029734296967')).toBe('5320353a7d98bd87');
    expect(idToHex('0')).toBe('0');
    expect(idToHex(undefined)).toBe('0');
    expect(idToHex(255)).toBe('ff');
    expect(() => idToHex(5989846029734297000)).toThrow(/precision/);
  });
  it('parses int64 strings and refuses unsafe ones', () => {
    expect(int64ToNumber('1465', 'revision')).toBe(1465);
    expect(int64ToNumber(undefined, 'revision')).toBe(0);
    expect(() => int64ToNumber('9007199254740993', 'revision')).toThrow(/safe integer/);
  });
  it('wraps raw errors into classified EtcdCallErrors, keeping already wrapped ones', () => {
    const e = toEtcdCallError(new Error('14 UNAVAILABLE: Connection dropped'), 'write');
    expect(e).toBeInstanceOf(EtcdCallError);
    expect([e.outcome, e.code, e.reason]).toEqual(['unknown', 'UNAVAILABLE', 'connection-lost']);
    expect(toEtcdCallError(e, 'read')).toBe(e);
    const long = toEtcdCallError(new Error(`14 UNAVAILABLE: ${'x'.repeat(1000)}`), 'read');
    expect(long.message.length).toBeLessThanOrEqual(301);
  });
});
