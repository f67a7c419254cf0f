/**
 * A handle on the running cluster for suites: its nodes by role, how to reach them (the node
 * access), its API (kubectl), etcd (etcdctl) and its load balancer. Built from what `cluster up`
 * recorded plus the node access's listing.
 */
import type { PassiveCheckSettings } from '../guarantees/nginx-passive-checks.js';
import { nodeAccessForCluster } from '../nodes/kind-node-access.js';
import { findNode, hasRole, type ClusterNode, type NodeProvider, type NodeRole } from '../nodes/node-access.js';
import type { KubectlContext } from '../runtime/kubectl.js';
import { kindDefaultLayout, type ControlPlaneLayout } from './layout.js';

/** What `cluster up` records (substrate/cluster/cluster-state.ts) and the global setup provides. */
export interface ClusterInfo {
  readonly name: string;
  readonly topology: string;
  readonly topologyFile: string;
  /** sha256 (16 hex) of the topology file at creation; `cluster up` recreates when it differs. */
  readonly topologyDigest?: string;
  readonly nodeImage: string;
  readonly kindBinary: string;
  readonly kubectlBinary: string;
  readonly etcdctlBinary: string;
  readonly kubeconfig: string;
  readonly createdAt: string;
  /**
   * The HA design the cluster was made from (a topology in topologies/); absent for a kind config
   * (and in records written before layouts), which is kind's default: stacked etcd behind haproxy.
   */
  readonly layout?: ControlPlaneLayout;
  /** Present when etcd is external: the member containers `cluster up` started before kind. */
  readonly externalEtcd?: ExternalEtcdRecord;
  /** Present when the front is a vip-pair: the two LB hosts `cluster up` started before kind. */
  readonly lbPair?: LbPairRecord;
  /** Present when the front is localhost-nginx: nginx on every worker, set up after kind. */
  readonly localhostLb?: LocalhostLbRecord;
}

/**
 * The localhost-nginx front (substrate/cluster/localhost-lb.ts): a static pod `nginx-proxy` on every
 * worker listening on 127.0.0.1:6443 in the worker's netns; the workers' kubelets use
 * `kubeletServer`, kube-proxy on every node `kubeProxyServer` (on a control plane: its own apiserver).
 */
export interface LocalhostLbRecord {
  readonly image: string;
  /** Where nginx listens inside each worker's network namespace. */
  readonly listen: string;
  readonly workers: readonly string[];
  /** `<control-plane IP>:6443`, as rendered into every worker's nginx.conf at creation. */
  readonly upstreams: readonly string[];
  /** nginx's passive-check and proxy settings (what the guarantee maths takes). */
  readonly settings: PassiveCheckSettings;
  readonly kubeletServer: string;
  readonly kubeProxyServer: string;
  /**
   * How the harness on the host reaches the API: through kind's own haproxy, kept for it alone
   * (nothing in the cluster uses it once the kubelets, kube-proxy and the pod network are pointed at
   * localhost); a host cannot enter a worker's 127.0.0.1, so the nginx path is measured from inside
   * the workers.
   */
  readonly hostAccess: 'kind-haproxy';
}

/** The LB hosts of a vip-pair front and the VIP they share by VRRP. */
export interface LbPairRecord {
  /** Docker network the hosts share with the nodes (kind's `kind`, with a fixed subnet). */
  readonly network: string;
  readonly image: string;
  readonly vip: string;
  readonly advertIntervalS: number;
  /** Container names, fixed addresses and VRRP priorities (the higher one is the preferred master). */
  readonly hosts: readonly { readonly name: string; readonly ip: string; readonly priority: number }[];
}

/** What the handle needs to reach external etcd members (never the key material itself). */
export interface ExternalEtcdRecord {
  /** Docker network the members share with the nodes (kind's `kind`, with a fixed subnet). */
  readonly network: string;
  readonly image: string;
  readonly members: readonly {
    /** Container name = etcd member name = DNS name in its certificates. */
    readonly name: string;
    readonly ip: string;
    readonly clientUrl: string;
    readonly peerUrl: string;
    readonly metricsUrl: string;
    readonly dataVolume: string;
  }[];
  /** Every member's client URL, as each apiserver has them in --etcd-servers. */
  readonly endpoints: readonly string[];
  /** The harness's client certificate (0600 files on the host, under the cluster's cache dir). */
  readonly client: { readonly caFile: string; readonly certFile: string; readonly keyFile: string };
  /** Root of the cluster's etcd PKI on the host (the CA key included): removed by `cluster down`. */
  readonly pkiDir: string;
}

export interface ClusterHandle {
  readonly info: ClusterInfo;
  readonly kubectl: KubectlContext;
  /** How the harness reaches the machines (docker for kind; ssh or an agent later). */
  readonly nodeAccess: NodeProvider;
  /** Every machine of the cluster, load balancer included, sorted by name. */
  readonly nodes: readonly ClusterNode[];
  /** The machine named `name`; throws, listing the names there are, for any other. */
  node(name: string): ClusterNode;
  /** Names, for what records and selects nodes by name (histories, targets, reports). */
  readonly controlPlanes: readonly string[];
  readonly workers: readonly string[];
  readonly loadBalancer: string;
  /** The same machines as nodes, in the same order as the names. */
  readonly controlPlaneNodes: readonly ClusterNode[];
  readonly workerNodes: readonly ClusterNode[];
  readonly loadBalancerNode: ClusterNode;
  /**
   * The HA design as data (where etcd runs, what fronts the apiservers): what code asks instead of
   * branching on the topology's name. A kind cluster is stacked etcd behind kind's haproxy.
   */
  readonly layout: ControlPlaneLayout;
  /**
   * etcd member names (= the machines each runs on): the control-plane nodes when etcd is stacked
   * (kubeadm names a member after its node), the member containers when it is external.
   */
  readonly etcdMembers: readonly string[];
  /** The machines the etcd members run on, in the same order as etcdMembers. */
  readonly etcdMemberNodes: readonly ClusterNode[];
}

/** Pure: which machines run the etcd members, from the layout (never from the topology's name). */
export function etcdMemberNodesOf(layout: ControlPlaneLayout, nodes: readonly ClusterNode[]): ClusterNode[] {
  return nodes.filter((n) => hasRole(n, layout.etcd.mode === 'stacked' ? 'control-plane' : 'etcd'));
}

export async function openCluster(info: ClusterInfo): Promise<ClusterHandle> {
  const nodeAccess = nodeAccessForCluster(info.name);
  const nodes = (await nodeAccess.listNodes()).map((l) => l.node);
  const withRole = (role: NodeRole): ClusterNode[] => nodes.filter((n) => hasRole(n, role));
  const lb = withRole('load-balancer')[0];
  if (lb === undefined) {
    throw new Error(`cluster ${info.name} has no external load balancer: not an HA topology`);
  }
  const controlPlaneNodes = withRole('control-plane');
  const workerNodes = withRole('worker');
  const layout = info.layout ?? kindDefaultLayout(info.topology, controlPlaneNodes.length, workerNodes.length);
  const etcdMemberNodes = etcdMemberNodesOf(layout, nodes);
  return {
    info,
    kubectl: { kubectlBinary: info.kubectlBinary, kubeconfig: info.kubeconfig },
    nodeAccess,
    nodes,
    node: (name) => findNode(nodes, name, `cluster ${info.name}`),
    controlPlanes: controlPlaneNodes.map((n) => n.name),
    workers: workerNodes.map((n) => n.name),
    loadBalancer: lb.name,
    controlPlaneNodes,
    workerNodes,
    loadBalancerNode: lb,
    layout,
    etcdMembers: etcdMemberNodes.map((n) => n.name),
    etcdMemberNodes,
  };
}
