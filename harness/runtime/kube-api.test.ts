import { describe, expect, it } from 'vitest';
import { classifyKubeFailure, classifyKubeStatus, KubeApiError, parseStatusBody, resourceVersionNumber } from './kube-api.js';

describe('Kubernetes API outcome rules', () => {
  it('a failure before the TLS handshake completed never reached the apiserver', () => {
    expect(classifyKubeFailure(false)).toBe('fail');
    expect(classifyKubeFailure(true)).toBe('unknown');
  });
  it.each([
    [201, 'write', 'ok'],
    [200, 'read', 'ok'],
    [409, 'write', 'fail'],
    [422, 'write', 'fail'],
    [429, 'write', 'fail'],
    [403, 'read', 'fail'],
    [500, 'write', 'unknown'],
    [503, 'write', 'unknown'],
    [504, 'write', 'unknown'],
    [500, 'read', 'fail'],
    [302, 'write', 'unknown'],
  ] as const)('HTTP %i on a %s is %s', (status, effect, outcome) => {
    expect(classifyKubeStatus(status, effect)).toBe(outcome);
  });
  it('reads reason and message from a Status body, and tolerates HTML', () => {
    expect(parseStatusBody('{"kind":"Status","reason":"Timeout","message":"etcdserver: request timed out"}')).toEqual({
      reason: 'Timeout',
      message: 'etcdserver: request timed out',
    });
    expect(parseStatusBody('<html>503</html>')).toEqual({});
  });
  it('turns resourceVersion into a number, or says it cannot', () => {
    expect(resourceVersionNumber('3632')).toBe(3632);
    expect(() => resourceVersionNumber('')).toThrow(KubeApiError);
    expect(() => resourceVersionNumber(undefined)).toThrow(/not a number/);
  });
});
