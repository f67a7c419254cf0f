/**
 * The plan of an external etcd cluster as data: each member's name, fixed address, URLs, data volume
 * and TLS files, the initial-cluster string, the etcd flags and the `docker run` that starts it.
 *
 * The flags mirror what kubeadm gives a stacked member (kubeadm v1.34 phases/etcd/local.go
 * getEtcdCommand: client and peer TLS with client-cert auth on both, snapshot-count 10000, and for
 * etcd >= 3.6 the InitialCorruptCheck gate and a 5 s watch progress notify interval), with the
 * member's own address in place of the node's. Pure, so the strings are unit-tested.
 */
import { join } from 'node:path';

/** Labels on every member container and data volume (never kind's: kind would take them for nodes). */
export const ETCD_CLUSTER_LABEL = 'io.kube-ha-chaos.cluster';
export const ETCD_ROLE_LABEL = 'io.kube-ha-chaos.role';
export const ETCD_ROLE = 'external-etcd' as const;

/** Inside a member container. */
export const MEMBER_PKI_DIR = '/etc/etcd/pki';
export const MEMBER_DATA_DIR = '/var/lib/etcd';
export const CLIENT_PORT = 2379;
export const PEER_PORT = 2380;
export const METRICS_PORT = 2381;

export interface EtcdMemberPlan {
  /** Container name, etcd member name and the DNS name in its certificates. */
  readonly name: string;
  readonly ip: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  /** Prometheus metrics, plain HTTP on the member's address (no client certificate needed). */
  readonly metricsUrl: string;
  /** Docker volume holding its data dir. */
  readonly dataVolume: string;
  /** Host directory mounted read-only at MEMBER_PKI_DIR: ca.crt, server.{crt,key}, peer.{crt,key}. */
  readonly hostPkiDir: string;
}

export interface ExternalEtcdPlan {
  /** The cluster the members belong to (label value). */
  readonly cluster: string;
  readonly network: string;
  readonly image: string;
  readonly initialClusterToken: string;
  readonly members: readonly EtcdMemberPlan[];
  /** name1=https://ip1:2380,... */
  readonly initialCluster: string;
  /** Every member's client URL: what each apiserver lists in --etcd-servers. */
  readonly endpoints: readonly string[];
}

export interface ExternalEtcdInput {
  readonly cluster: string;
  /** Container name prefix: `<prefix>-etcd1` ... */
  readonly namePrefix: string;
  readonly network: string;
  readonly image: string;
  /** One fixed address per member (etcd-network.ts memberAddresses). */
  readonly addresses: readonly string[];
  /** Host directory of the cluster's etcd PKI; each member's files are under members/<name>/. */
  readonly pkiRoot: string;
  /** Distinguishes this cluster's members from any earlier one's (etcd --initial-cluster-token). */
  readonly token: string;
}

export function memberName(prefix: string, index: number): string {
  return `${prefix}-etcd${index}`;
}

/** etcd's --initial-cluster: every member's name and peer URL, in member order. */
export function initialClusterString(members: readonly Pick<EtcdMemberPlan, 'name' | 'peerUrl'>[]): string {
  return members.map((m) => `${m.name}=${m.peerUrl}`).join(',');
}

export function memberPkiDir(pkiRoot: string, name: string): string {
  return join(pkiRoot, 'members', name);
}

export function planExternalEtcd(input: ExternalEtcdInput): ExternalEtcdPlan {
  if (input.addresses.length === 0) {
    throw new Error('an external etcd cluster needs at least one member address');
  }
  if (new Set(input.addresses).size !== input.addresses.length) {
    throw new Error(`etcd member addresses must differ, found ${input.addresses.join(', ')}`);
  }
  const members = input.addresses.map((ip, i): EtcdMemberPlan => {
    const name = memberName(input.namePrefix, i + 1);
    return {
      name,
      ip,
      clientUrl: `https://${ip}:${CLIENT_PORT}`,
      peerUrl: `https://${ip}:${PEER_PORT}`,
      metricsUrl: `http://${ip}:${METRICS_PORT}`,
      dataVolume: `${name}-data`,
      hostPkiDir: memberPkiDir(input.pkiRoot, name),
    };
  });
  return {
    cluster: input.cluster,
    network: input.network,
    image: input.image,
    initialClusterToken: input.token,
    members,
    initialCluster: initialClusterString(members),
    endpoints: members.map((m) => m.clientUrl),
  };
}

/** The etcd command line of one member (argv after the binary). */
export function etcdFlags(plan: ExternalEtcdPlan, m: EtcdMemberPlan): string[] {
  const pki = (f: string): string => `${MEMBER_PKI_DIR}/${f}`;
  return [
    `--name=${m.name}`,
    `--data-dir=${MEMBER_DATA_DIR}`,
    // Loopback too, so a check from inside the container (etcdctl in the image) needs no address.
    `--listen-client-urls=https://127.0.0.1:${CLIENT_PORT},${m.clientUrl}`,
    `--advertise-client-urls=${m.clientUrl}`,
    `--listen-peer-urls=${m.peerUrl}`,
    `--initial-advertise-peer-urls=${m.peerUrl}`,
    `--initial-cluster=${plan.initialCluster}`,
    '--initial-cluster-state=new',
    `--initial-cluster-token=${plan.initialClusterToken}`,
    `--cert-file=${pki('server.crt')}`,
    `--key-file=${pki('server.key')}`,
    `--trusted-ca-file=${pki('ca.crt')}`,
    '--client-cert-auth=true',
    `--peer-cert-file=${pki('peer.crt')}`,
    `--peer-key-file=${pki('peer.key')}`,
    `--peer-trusted-ca-file=${pki('ca.crt')}`,
    '--peer-client-cert-auth=true',
    '--snapshot-count=10000',
    // kubeadm binds metrics to loopback inside the node; here the member's own address, plain HTTP
    // like kubeadm's, so a reader on the network needs no client certificate.
    `--listen-metrics-urls=${m.metricsUrl}`,
    '--feature-gates=InitialCorruptCheck=true',
    '--watch-progress-notify-interval=5s',
  ];
}

/**
 * `docker run` for one member. Restart policy unless-stopped: like systemd's Restart=always in
 * kubeadm's external-etcd guide, a killed member comes back by itself and a stopped one stays down
 * (that is how a suite holds it).
 */
export function memberRunArgv(plan: ExternalEtcdPlan, m: EtcdMemberPlan): string[] {
  return [
    'run', '--detach',
    '--name', m.name,
    '--hostname', m.name,
    '--network', plan.network,
    '--ip', m.ip,
    '--restart=unless-stopped',
    '--label', `${ETCD_CLUSTER_LABEL}=${plan.cluster}`,
    '--label', `${ETCD_ROLE_LABEL}=${ETCD_ROLE}`,
    '--volume', `${m.dataVolume}:${MEMBER_DATA_DIR}`,
    '--volume', `${m.hostPkiDir}:${MEMBER_PKI_DIR}:ro`,
    plan.image,
    '/usr/local/bin/etcd',
    ...etcdFlags(plan, m),
  ];
}

/** `docker volume create` for a member's data, labelled like the container so `down` finds it. */
export function memberVolumeArgv(plan: ExternalEtcdPlan, m: EtcdMemberPlan): string[] {
  return ['volume', 'create', '--label', `${ETCD_CLUSTER_LABEL}=${plan.cluster}`, '--label', `${ETCD_ROLE_LABEL}=${ETCD_ROLE}`, m.dataVolume];
}

/** The docker filters that find every member container and volume of a cluster. */
export function memberFilters(cluster: string): string[] {
  return ['--filter', `label=${ETCD_CLUSTER_LABEL}=${cluster}`, '--filter', `label=${ETCD_ROLE_LABEL}=${ETCD_ROLE}`];
}
