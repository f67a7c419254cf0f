/**
 * Host-side access to the cluster's etcd members: client certificates fetched from a control-plane
 * node (kubeadm's etcd healthcheck client, signed by the etcd CA; kubeadm's etcd has no auth, so it
 * may read and write), endpoints at each member's node IP.
 */
import { kindControlPlanesNamed } from '../nodes/kind-node-access.js';
import type { ClusterNode } from '../nodes/node-access.js';
import { createSecretDir, type SecretDir } from './secrets.js';

export interface EtcdTls {
  readonly cacert: string;
  readonly cert: string;
  readonly key: string;
}

export interface EtcdAccess extends Disposable {
  readonly tls: EtcdTls;
  /** node name -> https://<node ip>:2379 */
  readonly endpoints: ReadonlyMap<string, string>;
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
