/**
 * Reads, from the live cluster, the configuration the control-plane failover thresholds are derived
 * from: the command lines of kube-controller-manager, kube-scheduler and kube-apiserver on every
 * control-plane node (their static pod manifests), kind's rendered haproxy.cfg in the load balancer,
 * and each node's kubelet config. Raw text and argv only: parsing is pure and lives in
 * harness/guarantees/ (component-flags.ts, haproxy-config.ts, control-plane-flags.ts).
 *
 * Also the addresses the probes need: each apiserver's https://<nodeIP>:6443 and the node IPs.
 */
import { hasRole, type ClusterNode } from '../nodes/node-access.js';
import { KEEPALIVED_CONF } from '../../substrate/images/lb-image.js';
import type { ClusterHandle } from './cluster-handle.js';
import { readStaticPodCommand } from './static-pod-flags.js';

/** Where kind writes the load balancer's config (kind v0.31, haproxy). */
export const KIND_HAPROXY_CFG = '/usr/local/etc/haproxy/haproxy.cfg';
/** Where kubeadm writes the kubelet's config. */
export const KUBELET_CONFIG = '/var/lib/kubelet/config.yaml';

/** The components whose flags the thresholds use. */
export type TimedComponent = 'kube-controller-manager' | 'kube-scheduler' | 'kube-apiserver';
const COMPONENTS: readonly TimedComponent[] = ['kube-controller-manager', 'kube-scheduler', 'kube-apiserver'];

/** What was read, per node. */
export interface ControlPlaneConfigText {
  /** Control-plane node -> component -> command + args of its static pod. */
  readonly commands: Readonly<Record<string, Readonly<Record<TimedComponent, readonly string[]>>>>;
  /** kind's haproxy.cfg, as rendered in the LB container. */
  readonly haproxyCfg: string;
  /** Node -> its kubelet config (YAML text). */
  readonly kubeletConfigs: Readonly<Record<string, string>>;
  /** vip-pair front: LB host -> its keepalived.conf (the VRRP timings the failover bounds use). */
  readonly keepalivedConfs?: Readonly<Record<string, string>>;
}

const EXEC_TIMEOUT_MS = 15_000;

/**
 * Reads every piece. Throws (with the node and file) when one cannot be read: thresholds derived
 * from a partial picture would be wrong without saying so.
 */
export async function readControlPlaneConfig(
  cluster: Pick<ClusterHandle, 'controlPlaneNodes' | 'workerNodes' | 'loadBalancerNode'> & Partial<Pick<ClusterHandle, 'nodes' | 'layout'>>,
): Promise<ControlPlaneConfigText> {
  const commands: Record<string, Record<TimedComponent, readonly string[]>> = {};
  for (const node of cluster.controlPlaneNodes) {
    const byComponent: Partial<Record<TimedComponent, readonly string[]>> = {};
    for (const c of COMPONENTS) {
      byComponent[c] = (await readStaticPodCommand(node, c)).command;
    }
    commands[node.name] = byComponent as Record<TimedComponent, readonly string[]>;
  }
  const haproxyCfg = (await cluster.loadBalancerNode.run(['cat', KIND_HAPROXY_CFG], { timeoutMs: EXEC_TIMEOUT_MS })).stdout;
  const kubeletConfigs: Record<string, string> = {};
  for (const node of [...cluster.controlPlaneNodes, ...cluster.workerNodes]) {
    kubeletConfigs[node.name] = (await node.run(['cat', KUBELET_CONFIG], { timeoutMs: EXEC_TIMEOUT_MS })).stdout;
  }
  if (cluster.layout?.front.kind !== 'vip-pair') {
    return { commands, haproxyCfg, kubeletConfigs };
  }
  const keepalivedConfs: Record<string, string> = {};
  for (const host of (cluster.nodes ?? []).filter((n) => hasRole(n, 'load-balancer'))) {
    keepalivedConfs[host.name] = (await host.run(['cat', KEEPALIVED_CONF], { timeoutMs: EXEC_TIMEOUT_MS })).stdout;
  }
  return { commands, haproxyCfg, kubeletConfigs, keepalivedConfs };
}

/** Node name -> its IPv4 address (from the node access; works while the API is down). */
export async function nodeIps(nodes: readonly ClusterNode[]): Promise<Map<string, string>> {
  const ips = new Map<string, string>();
  for (const n of nodes) {
    const ip = await n.address();
    if (!ip) {
      throw new Error(`${n.name} has no IPv4 address on the cluster network (is it running?)`);
    }
    ips.set(n.name, ip);
  }
  return ips;
}

/**
 * Node -> https://<nodeIP>:6443, each apiserver's own address. The serving certificate kubeadm
 * issues includes the node IP, so a client verifies it as it verifies the LB's name.
 */
export async function directApiservers(controlPlanes: readonly ClusterNode[]): Promise<Map<string, string>> {
  const ips = await nodeIps(controlPlanes);
  return new Map([...ips].map(([n, ip]) => [n, `https://${ip}:6443`]));
}
