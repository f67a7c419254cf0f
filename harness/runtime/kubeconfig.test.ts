import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { KubeconfigError, parseKubeconfig } from './kubeconfig.js';

// Dummy PEM blocks made up for this test: not keys or certificates of anything.
const pem = (label: string, body: string): string => `-----BEGIN ${label}-----\n${Buffer.from(body).toString('base64')}\n-----END ${label}-----\n`;
const CA = pem('CERTIFICATE', 'dummy test CA, not a certificate');
const CERT = pem('CERTIFICATE', 'dummy client certificate');
const KEY = pem('RSA PRIVATE KEY', 'dummy-client-key-material-XYZZY');
const b64 = (s: string): string => Buffer.from(s).toString('base64');

const KUBECONFIG = `apiVersion: v1
kind: Config
current-context: kind-test
clusters:
- name: kind-test
  cluster:
    server: https://127.0.0.1:40113
    certificate-authority-data: ${b64(CA)}
- name: other
  cluster:
    server: https://10.0.0.1:6443
    certificate-authority: pki/ca.crt
contexts:
- name: kind-test
  context: { cluster: kind-test, user: kind-test }
- name: other
  context: { cluster: other, user: token-user }
users:
- name: kind-test
  user:
    client-certificate-data: ${b64(CERT)}
    client-key-data: ${b64(KEY)}
- name: token-user
  user:
    token: dummy-token-123
`;

describe('parseKubeconfig', () => {
  it('reads server, CA and client certificate of the current context', () => {
    const c = parseKubeconfig(KUBECONFIG);
    expect(c.serverUrl).toBe('https://127.0.0.1:40113');
    expect(c.contextName).toBe('kind-test');
    expect(c.ca).toBe(CA);
    expect(c.cert).toBe(CERT);
    expect(c.key).toBe(KEY);
    expect(c.token).toBeUndefined();
  });
  it('resolves file references against the base dir, for a named context', () => {
    const reads: string[] = [];
    const c = parseKubeconfig(KUBECONFIG, {
      context: 'other',
      baseDir: '/etc/kube',
      readFile: (p) => {
        reads.push(p);
        return CA;
      },
    });
    expect(reads).toEqual(['/etc/kube/pki/ca.crt']);
    expect(c.serverUrl).toBe('https://10.0.0.1:6443');
    expect(c.token).toBe('dummy-token-123');
    expect(c.cert).toBeUndefined();
  });
  it('never shows credentials when serialised or inspected', () => {
    const c = parseKubeconfig(KUBECONFIG);
    for (const shown of [JSON.stringify(c), inspect(c), String(c)]) {
      expect(shown).not.toMatch(/XYZZY|BEGIN|dummy-client/);
    }
    expect(JSON.parse(JSON.stringify(c))).toEqual({ serverUrl: 'https://127.0.0.1:40113', contextName: 'kind-test', auth: 'client-certificate' });
    const t = parseKubeconfig(KUBECONFIG, { context: 'other', readFile: () => CA });
    expect(inspect(t)).not.toContain('dummy-token');
  });
  it('refuses incomplete configs with a message naming what is missing', () => {
    expect(() => parseKubeconfig(KUBECONFIG, { context: 'nope' })).toThrow(/no context named nope/);
    expect(() => parseKubeconfig(KUBECONFIG.replace(/certificate-authority-data: .*/, ''))).toThrow(/certificate-authority/);
    expect(() => parseKubeconfig(KUBECONFIG.replace(/client-key-data: .*/, ''))).toThrow(/both the certificate and the key/);
    expect(() => parseKubeconfig('- just\n- a list')).toThrow(KubeconfigError);
    expect(() => parseKubeconfig(KUBECONFIG.replace(b64(CA), b64('not pem')))).toThrow(/not base64 of a PEM/);
  });
  it('does not echo the offending text of invalid YAML', () => {
    try {
      parseKubeconfig(`users: [ {{{ ${KEY}`);
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).not.toContain('XYZZY');
    }
  });
});
