import { describe, expect, it } from 'vitest';
import { redact, redactDeep } from './redact.js';

const KEY = ['-----BEGIN EC PRIV' + 'ATE KEY-----', 'MHcCAQEEIBx3m0Zq0r4yVb8g7fAKEKEYMATERIALk9Xq0d9o9cR5oAoGCCqGSM49', 'AwEHoUQDQgAE-----', '-----END EC PRIVATE KEY-----'].join('\n');

describe('redact', () => {
  it('removes PEM blocks, keeping the label so the reader knows what was there', () => {
    const out = redact(`failed to load:\n${KEY}\nretrying`);
    expect(out).toBe('failed to load:\n[redacted EC PRIVATE KEY]\nretrying');
  });

  it('removes a PEM block cut off by truncated output', () => {
    expect(redact('cert: -----BEGIN CERTIFICATE-----\nMIIC3jCCAcagAwIBAgIIb')).toBe('cert: [redacted CERTIFICATE]');
  });

  it('removes kubeconfig credentials in YAML and JSON form', () => {
    const yaml = [
      'users:',
      '- name: kind-ha-3cp',
      '  user:',
      '    client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSURJVENDQWdtZ0F3SUJBZ0lJ',
      '    client-key' + '-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFcEFJQkFBS0NBUUVB',
      '    token: abcdef.0123456789abcdef',
    ].join('\n');
    const out = redact(yaml);
    expect(out).not.toMatch(/LS0tLS1/);
    expect(out).not.toContain('0123456789abcdef');
    expect(out).toContain('client-key-data: [redacted');
    expect(out).toContain('name: kind-ha-3cp');
    const json = JSON.stringify({ 'client-key-data': 'c2VjcmV0LWtleQ==', password: 'hunter2', server: 'https://172.18.0.2:6443' });
    const j = redact(json);
    expect(j).not.toContain('c2VjcmV0LWtleQ');
    expect(j).not.toContain('hunter2');
    expect(j).toContain('https://172.18.0.2:6443');
  });

  it('removes base64-encoded PEM wherever it appears, not only under a known key', () => {
    const blob = 'LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0tCk1IY0NBUUVFSUJ4M20wWnEwcjR5VmI4Zw==';
    expect(redact(`cannot parse ${blob} as a certificate`)).toBe('cannot parse [redacted base64 PEM] as a certificate');
  });

  it('removes bearer tokens, JWTs and credential flags on command lines', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiIsImtpZCI6IkFCQyJ9.eyJpc3MiOiJrdWJlcm5ldGVzIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    expect(redact(`Authorization: Bearer ${jwt}`)).toBe('Authorization: Bearer [redacted]');
    expect(redact(`got token ${jwt} back`)).toBe('got token [redacted JWT] back');
    expect(redact(`kubectl --token=s3cr3t get pods`)).toBe('kubectl --token=[redacted] get pods');
    expect(redact(`etcdctl --password s3cr3t put k v`)).toBe('etcdctl --password [redacted] put k v');
    expect(redact(`a ${jwt} b`)).toBe('a [redacted JWT] b');
  });

  it('leaves ordinary text alone', () => {
    const text = 'etcdserver: request timed out; tokens: 3; max-token-age=5; leader changed at term 4 (see /etc/kubernetes/pki/etcd/server.key)';
    expect(redact(text)).toBe(text);
  });
});

describe('redactDeep', () => {
  it('blanks credential-named keys whole and redacts every nested string', () => {
    const out = redactDeep({
      runId: 'r1',
      kubeconfig: { users: [{ user: { 'client-key-data': { nested: 'x' }, token: 'abc' } }] },
      flags: ['--cert-file=/x.crt', `--note=${KEY}`],
      count: 3,
      empty: null,
    });
    expect(out).toEqual({
      runId: 'r1',
      kubeconfig: { users: [{ user: { 'client-key-data': '[redacted]', token: '[redacted]' } }] },
      flags: ['--cert-file=/x.crt', '--note=[redacted EC PRIVATE KEY]'],
      count: 3,
      empty: null,
    });
  });
});
