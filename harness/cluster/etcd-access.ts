/**
 * Host-side access to the cluster's etcd members, by layout:
 * - stacked: client certificates fetched from a control-plane node (kubeadm's etcd healthcheck
 *   client, signed by the etcd CA; kubeadm's etcd has no auth, so it may read and write), endpoints at
 *   each member's node IP;
 * - external: straight to each member's client URL (the host reaches the Docker network's
 *   addresses) with the harness's own client certificate, which `cluster up` made and recorded.
 */
import { kindControlPlanesNamed } from '../nodes/kind-node-access.js';
import type { ClusterNode } from '../nodes/node-access.js';
import type { ClusterHandle, ExternalEtcdRecord } from './cluster-handle.js';
import { createSecretDir, type SecretDir } from './secrets.js';

export interface EtcdTls {
  readonly cacert: string;
  readonly cert: string;
  readonly key: string;
}

export interface EtcdAccess extends Disposable {
  readonly tls: EtcdTls;
  /** member name -> client URL (stacked: node name -> https://<node ip>:2379) */
  readonly endpoints: ReadonlyMap<string, string>;
}

/** Pure: the access to external members, from what `cluster up` recorded (nothing to remove on dispose). */
export function externalEtcdAccess(record: ExternalEtcdRecord): EtcdAccess {
  if (record.members.length === 0) {
    throw new Error('the cluster record lists no external etcd members');
  }
  return {
    tls: { cacert: record.client.caFile, cert: record.client.certFile, key: record.client.keyFile },
    endpoints: new Map(record.members.map((m) => [m.name, m.clientUrl])),
    [Symbol.dispose]: () => undefined,
  };
}

/** etcd access for the cluster's layout (see the header): what suites, heals and checks open. */
export async function openClusterEtcdAccess(cluster: Pick<ClusterHandle, 'layout' | 'info' | 'controlPlaneNodes'>): Promise<EtcdAccess> {
  if (cluster.layout.etcd.mode === 'external') {
    const record = cluster.info.externalEtcd;
    if (record === undefined) {
      throw new Error(`cluster ${cluster.info.name} has external etcd in its layout but no record of its members (state.json written by an older cluster up): recreate it with npm run cluster -- up`);
    }
    return externalEtcdAccess(record);
  }
  return openEtcdAccess(cluster.controlPlaneNodes);
}

const PKI = '/etc/kubernetes/pki/etcd';

/**
 * `controlPlanes`: the cluster's control-plane nodes (`cluster.controlPlaneNodes`). Bare names still
 * work, as kind node containers, until every caller passes nodes (see kindControlPlanesNamed).
 */
export async function openEtcdAccess(controlPlanes: readonly ClusterNode[] | readonly string[]): Promise<EtcdAccess> {
  const controlPlaneNodes: readonly ClusterNode[] = controlPlanes.every((n): n is string => typeof n === 'string')
    ? kindControlPlanesNamed(controlPlanes)
    : (controlPlanes as readonly ClusterNode[]);
  const first = controlPlaneNodes[0];
  if (first === undefined) {
    throw new Error('no control-plane nodes to fetch etcd certificates from');
  }
  const secrets: SecretDir = createSecretDir('kube-ha-chaos-etcd');
  try {
    const read = async (file: string): Promise<string> =>
      (await first.run(['cat', `${PKI}/${file}`], { timeoutMs: 15_000 })).stdout;
    const tls: EtcdTls = {
      cacert: secrets.write('ca.crt', await read('ca.crt')),
      cert: secrets.write('client.crt', await read('healthcheck-client.crt')),
      key: secrets.write('client.key', await read('healthcheck-client.key')),
    };
    const endpoints = new Map<string, string>();
    for (const node of controlPlaneNodes) {
      const ip = await node.address();
      if (!ip) {
        throw new Error(`${node.name} has no IPv4 address on the cluster network`);
      }
      endpoints.set(node.name, `https://${ip}:2379`);
    }
    return { tls, endpoints, [Symbol.dispose]: () => secrets.remove() };
  } catch (e) {
    secrets.remove();
    throw e;
  }
}
