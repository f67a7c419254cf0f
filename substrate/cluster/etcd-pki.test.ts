import { describe, expect, it } from 'vitest';
import { planExternalEtcd } from './etcd-members.js';
import { caSignArgv, etcdPkiLayout, keyAndCsrArgv, leafExtensions, selfSignArgv, subjectAltName, verifyArgv, KIND_COPY_CA_KEY_PLACEHOLDER } from './etcd-pki.js';

const root = '/root/.cache/kube-ha-chaos/clusters/kube-ha-chaos/etcd-pki';
const plan = planExternalEtcd({
  cluster: 'kube-ha-chaos', namePrefix: 'kube-ha-chaos', network: 'kind', image: 'registry.k8s.io/etcd:3.6.5-0',
  addresses: ['172.18.128.11', '172.18.128.12', '172.18.128.13'], pkiRoot: root, token: 't',
});
const pki = etcdPkiLayout(root, plan);

describe('etcdPkiLayout', () => {
  it('gives every member a server and a peer certificate naming it and its IP, plus two clients', () => {
    expect(pki.leaves).toHaveLength(3 * 2 + 2);
    const server2 = pki.leaves.find((l) => l.base === `${root}/members/kube-ha-chaos-etcd2/server`);
    expect(server2).toEqual({ base: `${root}/members/kube-ha-chaos-etcd2/server`, commonName: 'kube-ha-chaos-etcd2', usage: 'server', dnsNames: ['kube-ha-chaos-etcd2', 'localhost'], ipAddresses: ['172.18.128.12', '127.0.0.1'] });
    const peer2 = pki.leaves.find((l) => l.base === `${root}/members/kube-ha-chaos-etcd2/peer`);
    expect(subjectAltName(peer2!)).toBe('DNS:kube-ha-chaos-etcd2,IP:172.18.128.12');
    expect(pki.leaves.filter((l) => l.usage === 'client').map((l) => l.commonName)).toEqual(['kube-apiserver-etcd-client', 'kube-ha-chaos-harness']);
  });
  it('keeps the CA key at the root (never in a mounted dir) and copies only ca.crt around', () => {
    expect(pki.caKey).toBe(`${root}/ca.key`);
    for (const d of pki.caCopies) {
      expect(pki.caKey.startsWith(`${d}/`)).toBe(false);
    }
    expect(pki.caCopies).toEqual([...plan.members.map((m) => m.hostPkiDir), `${root}/apiserver`, `${root}/harness`, `${root}/kind-copy`]);
    expect(pki.harnessClient).toEqual({ caFile: `${root}/harness/ca.crt`, certFile: `${root}/harness/harness-etcd-client.crt`, keyFile: `${root}/harness/harness-etcd-client.key` });
    expect(KIND_COPY_CA_KEY_PLACEHOLDER).not.toContain('BEGIN');
  });
});

describe('extensions and openssl argv', () => {
  it('server and peer certificates serve and authenticate; clients only authenticate; none is a CA', () => {
    const server = leafExtensions(pki.leaves[0]!);
    expect(server).toContain('extendedKeyUsage = serverAuth,clientAuth');
    expect(server).toContain('subjectAltName = DNS:kube-ha-chaos-etcd1,DNS:localhost,IP:172.18.128.11,IP:127.0.0.1');
    expect(server).toContain('basicConstraints = critical,CA:FALSE');
    const client = leafExtensions(pki.leaves.at(-1)!);
    expect(client).toContain('extendedKeyUsage = clientAuth');
    expect(client).not.toContain('subjectAltName');
  });
  it('makes P-256 keys without a passphrase and signs with SHA-256 for ten years', () => {
    expect(keyAndCsrArgv('/p/k.key', '/p/k.csr', 'kube-ha-chaos-etcd1')).toEqual([
      'openssl', 'req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', '/p/k.key', '-subj', '/CN=kube-ha-chaos-etcd1', '-out', '/p/k.csr',
    ]);
    expect(selfSignArgv('/p/ca.csr', '/p/ca.key', '/p/ca.ext', '/p/ca.crt', '0abc')).toEqual([
      'openssl', 'x509', '-req', '-in', '/p/ca.csr', '-signkey', '/p/ca.key', '-sha256', '-days', '3650', '-set_serial', '0x0abc', '-extfile', '/p/ca.ext', '-extensions', 'ext', '-out', '/p/ca.crt',
    ]);
    expect(caSignArgv('/p/s.csr', '/p/ca.crt', '/p/ca.key', '/p/s.ext', '/p/s.crt', '01')).toContain('-CAkey');
    expect(verifyArgv('/p/ca.crt', '/p/s.crt', 'peer')).toEqual(['openssl', 'verify', '-CAfile', '/p/ca.crt', '-purpose', 'sslserver', '/p/s.crt']);
    expect(verifyArgv('/p/ca.crt', '/p/c.crt', 'client')).toContain('sslclient');
  });
});
