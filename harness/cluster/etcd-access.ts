/**
 * Host-side access to the cluster's etcd members: client certificates fetched from a control-plane
 * node (kubeadm's etcd healthcheck client, signed by the etcd CA; kubeadm's etcd has no auth, so it
 * may read and write), endpoints at each member's node IP.
 */
import { execInContainer, inspectContainer } from '../runtime/docker.js';
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

export async function openEtcdAccess(controlPlaneNodes: readonly string[]): Promise<EtcdAccess> {
  const first = controlPlaneNodes[0];
  if (first === undefined) {
    throw new Error('no control-plane nodes to fetch etcd certificates from');
  }
  const secrets: SecretDir = createSecretDir('kube-ha-chaos-etcd');
  try {
    const read = async (file: string): Promise<string> =>
      (await execInContainer(first, ['cat', `${PKI}/${file}`], { timeoutMs: 15_000 })).stdout;
    const tls: EtcdTls = {
      cacert: secrets.write('ca.crt', await read('ca.crt')),
      cert: secrets.write('client.crt', await read('healthcheck-client.crt')),
      key: secrets.write('client.key', await read('healthcheck-client.key')),
    };
    const endpoints = new Map<string, string>();
    for (const node of controlPlaneNodes) {
      const ip = (await inspectContainer(node)).ipv4;
      if (!ip) {
        throw new Error(`${node} has no IPv4 address on the kind network`);
      }
      endpoints.set(node, `https://${ip}:2379`);
    }
    return { tls, endpoints, [Symbol.dispose]: () => secrets.remove() };
  } catch (e) {
    secrets.remove();
    throw e;
  }
}
