/**
 * The kind config of a topology written as a layout (topologies/<name>.yaml), generated: nodes by
 * role and, for external etcd, the mounts and the kubeadm patch that point every apiserver at the
 * members. Pure, so what kind receives is unit-tested.
 *
 * What kind v0.31 does that this has to fit (sigs.k8s.io/kind@v0.31.0):
 * - pkg/cluster/internal/kubeadm/config.go renders kubeadm.k8s.io/v1beta3 for Kubernetes >= 1.23
 *   (v1beta2 below), where extraArgs are maps; its ClusterConfiguration has no `etcd` key at all, so
 *   kubeadm would default to etcd.local (v1beta3 defaults.go SetDefaults_Etcd: local only when
 *   neither is set; validation.go: local and external are mutually exclusive).
 * - kubeadmConfigPatches are RFC 7386 merge patches (pkg/internal/patch/resource.go,
 *   jsonpatch.MergePatch), matched by kind and, when given, apiVersion; so a patch without
 *   apiVersion adds etcd.external whatever kubeadm version kind renders, and `local: null` removes a
 *   local block should a later template emit one. (A JSON 6902 `remove` of /etcd/local would fail on
 *   v0.31's template, which has none.)
 * - kubeadminit/init.go copies /etc/kubernetes/pki/etcd/ca.crt and ca.key from the first control
 *   plane to the others ("TODO: if we gain external etcd support these will be handled
 *   differently") and fails when they are missing; kubeadm in external mode creates neither
 *   (cmd/phases/init/certs.go skips the etcd CA). So the first control plane gets kind-copy/ mounted
 *   there read-only; the others receive the copy in their own filesystem.
 * - The client material goes to /etc/kube-ha-chaos/etcd on every control plane, outside
 *   /etc/kubernetes/pki (which kind and kubeadm write to); kubeadm mounts that directory into the
 *   apiserver pod itself (phases/controlplane/volumes.go getEtcdCertVolumes).
 *
 * For a vip-pair front (lb-pair.ts): kind v0.31 always creates its own haproxy for several control
 * planes (config.ClusterHasImplicitLoadBalancer; nothing turns it off) and renders the LB's name as
 * controlPlaneEndpoint and as JoinConfiguration.discovery.bootstrapToken.apiServerEndpoint
 * (kubeadm/config.go ConfigTemplateBetaV3). Two merge patches point both at VIP:6443 instead, and
 * add the VIP to apiServer.certSANs (a merge patch replaces the list, so kind's own two entries,
 * localhost and networking.apiServerAddress 127.0.0.1, are repeated; kubeadm adds the
 * controlPlaneEndpoint host to the SANs by itself too, certs/altnames). kubeadm init then writes
 * the VIP into admin.conf, kubelet.conf and the cluster-info ConfigMap, so every node joins and
 * every kubelet talks through the VIP; kind's own LB ends up unused and `cluster up` removes it.
 */
import { stringify } from 'yaml';
import type { ControlPlaneLayout } from '../../harness/cluster/layout.js';

/** Where every control plane sees the apiserver's etcd client material. */
export const NODE_ETCD_CLIENT_DIR = '/etc/kube-ha-chaos/etcd';
/** kubeadm's etcd certificate dir; kind copies ca.crt/ca.key out of it on the first control plane. */
export const NODE_KUBEADM_ETCD_DIR = '/etc/kubernetes/pki/etcd';
/** Workloads of the suites select this label, whatever the number of workers (as kind-configs/). */
export const WORKER_LABEL = { 'kube-ha-chaos/role': 'worker' } as const;

/** kind's default networking.apiServerAddress (v1alpha4 defaults), repeated in certSANs. */
const KIND_API_SERVER_ADDRESS = '127.0.0.1';

/** The merge patches that make the VIP the control-plane endpoint (see the header). */
export function vipEndpointPatches(vip: string, port = 6443): string[] {
  const endpoint = `${vip}:${port}`;
  return [
    stringify({ kind: 'ClusterConfiguration', controlPlaneEndpoint: endpoint, apiServer: { certSANs: ['localhost', KIND_API_SERVER_ADDRESS, vip] } }),
    stringify({ kind: 'JoinConfiguration', discovery: { bootstrapToken: { apiServerEndpoint: endpoint } } }),
  ];
}

export interface ExternalEtcdWiring {
  /** https://<ip>:2379 of every member. */
  readonly endpoints: readonly string[];
  /** Host dir with ca.crt, apiserver-etcd-client.crt and .key. */
  readonly hostClientDir: string;
  /** Host dir with ca.crt and the placeholder ca.key (etcd-pki.ts). */
  readonly hostKindCopyDir: string;
  readonly caBasename: string;
  readonly clientBasename: string;
}

interface Mount {
  hostPath: string;
  containerPath: string;
  readOnly: boolean;
}

interface KindNode {
  role: 'control-plane' | 'worker';
  extraMounts?: Mount[];
  labels?: Record<string, string>;
}

export interface KindCluster {
  kind: 'Cluster';
  apiVersion: 'kind.x-k8s.io/v1alpha4';
  kubeadmConfigPatches?: string[];
  nodes: KindNode[];
}

/** Thrown for a layout this substrate cannot build yet; the message names the fix. */
export class UnbuildableLayoutError extends Error {
  constructor(layout: ControlPlaneLayout, problem: string) {
    super(`topology ${layout.name}: ${problem}`);
    this.name = 'UnbuildableLayoutError';
  }
}

/** The ClusterConfiguration merge patch that makes kubeadm use the external members. */
export function externalEtcdPatch(w: ExternalEtcdWiring): string {
  if (w.endpoints.length === 0 || w.endpoints.some((e) => !e.startsWith('https://'))) {
    // kubeadm validation.go requires https endpoints once certFile/keyFile are set.
    throw new Error(`external etcd endpoints must be https URLs, found ${JSON.stringify(w.endpoints)}`);
  }
  return stringify({
    kind: 'ClusterConfiguration',
    etcd: {
      local: null,
      external: {
        endpoints: [...w.endpoints],
        caFile: `${NODE_ETCD_CLIENT_DIR}/${w.caBasename}`,
        certFile: `${NODE_ETCD_CLIENT_DIR}/${w.clientBasename}.crt`,
        keyFile: `${NODE_ETCD_CLIENT_DIR}/${w.clientBasename}.key`,
      },
    },
  });
}

/**
 * Why this substrate cannot build `layout` yet, or undefined when it can: checked before anything
 * is created, so `cluster up` refuses with one line that names the fix.
 */
export function unbuildableReason(layout: ControlPlaneLayout): string | undefined {
  if (layout.front.kind !== 'kind-haproxy' && layout.front.kind !== 'vip-pair' && layout.front.kind !== 'localhost-nginx') {
    return `front ${layout.front.kind} cannot be built yet (issue 10): use front: kind-haproxy, vip-pair or localhost-nginx`;
  }
  if (layout.controlPlanes < 2) {
    // kind creates its haproxy only for several control planes; the suites need it.
    return 'controlPlanes is 1: kind puts no load balancer in front of a single control plane; use 2 or more';
  }
  return undefined;
}

/**
 * What kind needs to build `layout`. `externalEtcd` is required exactly when the layout's etcd is
 * external (its endpoints are known only once the members are planned).
 */
export function kindConfigForLayout(layout: ControlPlaneLayout, externalEtcd?: ExternalEtcdWiring): KindCluster {
  const reason = unbuildableReason(layout);
  if (reason !== undefined) {
    throw new UnbuildableLayoutError(layout, reason);
  }
  if (layout.etcd.mode === 'external' && externalEtcd === undefined) {
    throw new Error(`topology ${layout.name}: external etcd needs the members' endpoints and client files`);
  }
  if (layout.etcd.mode === 'stacked' && externalEtcd !== undefined) {
    throw new Error(`topology ${layout.name}: stacked etcd takes no external members`);
  }
  const nodes: KindNode[] = [];
  for (let i = 0; i < layout.controlPlanes; i += 1) {
    const node: KindNode = { role: 'control-plane' };
    if (externalEtcd !== undefined) {
      node.extraMounts = [{ hostPath: externalEtcd.hostClientDir, containerPath: NODE_ETCD_CLIENT_DIR, readOnly: true }];
      if (i === 0) {
        // kind's bootstrap node is the first control plane (nodeutils.BootstrapControlPlaneNode:
        // sorted by name, and it is the one without a number suffix).
        node.extraMounts.push({ hostPath: externalEtcd.hostKindCopyDir, containerPath: NODE_KUBEADM_ETCD_DIR, readOnly: true });
      }
    }
    nodes.push(node);
  }
  for (let i = 0; i < layout.workers; i += 1) {
    nodes.push({ role: 'worker', labels: { ...WORKER_LABEL } });
  }
  const patches = [
    ...(externalEtcd !== undefined ? [externalEtcdPatch(externalEtcd)] : []),
    ...(layout.front.kind === 'vip-pair' ? vipEndpointPatches(layout.front.vip) : []),
  ];
  return {
    kind: 'Cluster',
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    ...(patches.length > 0 ? { kubeadmConfigPatches: patches } : {}),
    nodes,
  };
}

export function renderKindConfig(layout: ControlPlaneLayout, sourceFile: string, externalEtcd?: ExternalEtcdWiring): string {
  const header = `# generated by kube-ha-chaos from ${sourceFile} (${layout.name}); do not edit, edit that file\n`;
  return header + stringify(kindConfigForLayout(layout, externalEtcd));
}
