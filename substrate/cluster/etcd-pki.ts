/**
 * The TLS material of an external etcd cluster, as data, and the openssl command lines that make it.
 *
 * Like a production etcd (and like what kubeadm makes for a stacked one, kubeadm v1.34
 * phases/certs/certlist.go): its own CA; per member a server certificate (serverAuth and clientAuth:
 * etcd's gRPC gateway dials the member with it) and a peer certificate (both, since a peer is client
 * and server), each naming the member's DNS name and IP; client certificates for the apiservers
 * (kube-apiserver-etcd-client, as kubeadm names it) and one for the harness. Keys are ECDSA P-256
 * (a few milliseconds each on this 2-core machine; kubeadm's RSA-2048 default would do too).
 *
 * The files (host side, under the cluster's cache dir, every key 0600):
 *   ca.crt, ca.key                                  the CA; its key never leaves the host
 *   members/<name>/{ca.crt,server.*,peer.*}          mounted read-only into that member only
 *   apiserver/{ca.crt,apiserver-etcd-client.*}      mounted read-only into every control plane
 *   harness/{ca.crt,harness-etcd-client.*}          what etcdctl and the probes use from the host
 *   kind-copy/{ca.crt,ca.key}                        see kind-config.ts: kind v0.31 copies these
 *                                                   from the first control plane to the others;
 *                                                   ca.key there is a placeholder, not a key
 *
 * Pure (paths, subjects, SANs, argv); substrate/cluster/external-etcd.ts runs them.
 */
import { join } from 'node:path';
import type { ExternalEtcdPlan } from './etcd-members.js';

export type CertUsage = 'server' | 'peer' | 'client';

export interface LeafCertSpec {
  /** Path of the certificate without extension; key = `${base}.key`, certificate = `${base}.crt`. */
  readonly base: string;
  readonly commonName: string;
  readonly usage: CertUsage;
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
}

export interface EtcdPkiLayout {
  readonly root: string;
  readonly caCert: string;
  readonly caKey: string;
  readonly apiserverDir: string;
  readonly harnessDir: string;
  readonly kindCopyDir: string;
  /** What the harness uses from the host (etcdctl, probes). */
  readonly harnessClient: { readonly caFile: string; readonly certFile: string; readonly keyFile: string };
  readonly leaves: readonly LeafCertSpec[];
  /** Directories that get a copy of ca.crt (every member's, the apiservers', the harness's, kind's). */
  readonly caCopies: readonly string[];
}

export const APISERVER_CLIENT_BASENAME = 'apiserver-etcd-client';
export const HARNESS_CLIENT_BASENAME = 'harness-etcd-client';
export const CA_COMMON_NAME = 'kube-ha-chaos-etcd-ca';
/** Validity: ten years (a test cluster outlives no certificate rotation drill by accident). */
export const CERT_DAYS = 3650;

export function etcdPkiLayout(root: string, plan: Pick<ExternalEtcdPlan, 'members'>): EtcdPkiLayout {
  const apiserverDir = join(root, 'apiserver');
  const harnessDir = join(root, 'harness');
  const kindCopyDir = join(root, 'kind-copy');
  const leaves: LeafCertSpec[] = [];
  for (const m of plan.members) {
    const names = { dnsNames: [m.name, 'localhost'], ipAddresses: [m.ip, '127.0.0.1'] };
    leaves.push({ base: join(m.hostPkiDir, 'server'), commonName: m.name, usage: 'server', ...names });
    leaves.push({ base: join(m.hostPkiDir, 'peer'), commonName: m.name, usage: 'peer', dnsNames: [m.name], ipAddresses: [m.ip] });
  }
  leaves.push({ base: join(apiserverDir, APISERVER_CLIENT_BASENAME), commonName: 'kube-apiserver-etcd-client', usage: 'client', dnsNames: [], ipAddresses: [] });
  leaves.push({ base: join(harnessDir, HARNESS_CLIENT_BASENAME), commonName: 'kube-ha-chaos-harness', usage: 'client', dnsNames: [], ipAddresses: [] });
  return {
    root,
    caCert: join(root, 'ca.crt'),
    caKey: join(root, 'ca.key'),
    apiserverDir,
    harnessDir,
    kindCopyDir,
    harnessClient: {
      caFile: join(harnessDir, 'ca.crt'),
      certFile: join(harnessDir, `${HARNESS_CLIENT_BASENAME}.crt`),
      keyFile: join(harnessDir, `${HARNESS_CLIENT_BASENAME}.key`),
    },
    leaves,
    caCopies: [...plan.members.map((m) => m.hostPkiDir), apiserverDir, harnessDir, kindCopyDir],
  };
}

/** subjectAltName value: DNS names first, then IPs (openssl's x509v3 config syntax). */
export function subjectAltName(spec: Pick<LeafCertSpec, 'dnsNames' | 'ipAddresses'>): string {
  return [...spec.dnsNames.map((d) => `DNS:${d}`), ...spec.ipAddresses.map((ip) => `IP:${ip}`)].join(',');
}

const EKU: Record<CertUsage, string> = {
  server: 'serverAuth,clientAuth',
  peer: 'serverAuth,clientAuth',
  client: 'clientAuth',
};

/** The x509v3 extension section (`-extfile`, section `ext`) of a leaf. */
export function leafExtensions(spec: LeafCertSpec): string {
  const san = subjectAltName(spec);
  return [
    '[ext]',
    'basicConstraints = critical,CA:FALSE',
    // ECDSA keys sign; they do not encipher (no keyEncipherment).
    'keyUsage = critical,digitalSignature',
    `extendedKeyUsage = ${EKU[spec.usage]}`,
    'subjectKeyIdentifier = hash',
    'authorityKeyIdentifier = keyid',
    ...(san === '' ? [] : [`subjectAltName = ${san}`]),
    '',
  ].join('\n');
}

export const CA_EXTENSIONS = [
  '[ext]',
  'basicConstraints = critical,CA:TRUE',
  'keyUsage = critical,keyCertSign,cRLSign,digitalSignature',
  'subjectKeyIdentifier = hash',
  '',
].join('\n');

/** A new P-256 key (PKCS#8, unencrypted) and a CSR for `commonName`. */
export function keyAndCsrArgv(keyFile: string, csrFile: string, commonName: string): string[] {
  return [
    'openssl', 'req', '-new',
    '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
    '-nodes', '-keyout', keyFile,
    '-subj', `/CN=${commonName}`,
    '-out', csrFile,
  ];
}

/** Self-sign the CA's CSR with its own key. */
export function selfSignArgv(csrFile: string, keyFile: string, extFile: string, certFile: string, serialHex: string): string[] {
  return [
    'openssl', 'x509', '-req', '-in', csrFile, '-signkey', keyFile,
    '-sha256', '-days', String(CERT_DAYS), '-set_serial', `0x${serialHex}`,
    '-extfile', extFile, '-extensions', 'ext',
    '-out', certFile,
  ];
}

/** Sign a leaf's CSR with the CA. */
export function caSignArgv(csrFile: string, caCert: string, caKey: string, extFile: string, certFile: string, serialHex: string): string[] {
  return [
    'openssl', 'x509', '-req', '-in', csrFile, '-CA', caCert, '-CAkey', caKey,
    '-sha256', '-days', String(CERT_DAYS), '-set_serial', `0x${serialHex}`,
    '-extfile', extFile, '-extensions', 'ext',
    '-out', certFile,
  ];
}

/** Check a leaf against the CA (and, for a server, its purpose): `openssl verify`. */
export function verifyArgv(caCert: string, certFile: string, usage: CertUsage): string[] {
  return ['openssl', 'verify', '-CAfile', caCert, '-purpose', usage === 'client' ? 'sslclient' : 'sslserver', certFile];
}

/**
 * What kind-copy/ca.key holds: kind v0.31's kubeadminit action `cat`s /etc/kubernetes/pki/etcd/ca.key
 * on the first control plane and fails the create when it is missing; in external mode kubeadm itself
 * never reads it (its shared-certificate check skips the etcd CA, phases/certs/certs.go). Not PEM, so
 * anything that did try to use it would fail loudly rather than trust it.
 */
export const KIND_COPY_CA_KEY_PLACEHOLDER =
  '# placeholder, not a key: kind v0.31 copies /etc/kubernetes/pki/etcd/ca.{crt,key} between control planes;\n' +
  '# this cluster\'s etcd is external and its CA key stays on the host.\n';
