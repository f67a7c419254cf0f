/**
 * What a read-only preflight learns about a cluster it may not have created, as plain data: what the
 * API says (nodes, control-plane static pods and their flags, the apiservers behind the kubernetes
 * Service, every Lease in kube-system, sampled twice), and what the members say when the nodes can
 * be reached. Gathered by discover.ts, judged by assess.ts; stored in the report so a later run can
 * be compared with it.
 */
import type { LeaseView } from '../runtime/kube-api.js';

export interface NodeFact {
  readonly name: string;
  readonly controlPlane: boolean;
  readonly ready: 'True' | 'False' | 'Unknown';
  readonly internalIp?: string;
}

/** One control-plane static pod (its mirror pod), with the command its container runs. */
export interface ControlPlanePodFact {
  readonly node: string;
  /** The `component` label kubeadm sets: etcd, kube-apiserver, kube-controller-manager, kube-scheduler. */
  readonly component: string;
  readonly command: readonly string[];
  readonly ready: boolean;
}

export interface EtcdMembersFact {
  readonly members: readonly { readonly id: string; readonly name: string; readonly isLearner: boolean }[];
  /** Member ids that answered a status call, and whom each names as leader. */
  readonly statuses: readonly { readonly memberId: string; readonly leaderId: string; readonly raftTerm: number }[];
}

/** A control-plane process as the node's process table shows it. */
export interface RunningComponentFact {
  readonly component: string;
  readonly pid: number;
  /** argv, the program as its base name (so it compares with the mirror pod's command). */
  readonly args: readonly string[];
}

/** What was read on one control-plane node through the node access. */
export interface NodeReadFact {
  readonly node: string;
  /** Files in /etc/kubernetes/manifests (the static pods kubelet runs). */
  readonly manifests: readonly string[];
  readonly processes: readonly RunningComponentFact[];
  /** Why the node could not be read, when it could not. */
  readonly error?: string;
}

/** What the preflight itself put on the cluster (only the agents of --nodes agent) and whether it is gone. */
export interface ClusterChangesFact {
  readonly created: readonly string[];
  /** True when every created object was deleted and that was verified by reading it back. */
  readonly removed: boolean;
  readonly detail: string;
  /** The agent image the pods ran. */
  readonly image?: string;
  /** An earlier run's leftover agents that were removed before starting. */
  readonly removedLeftover?: string;
}

export type PreflightNodeAccess = 'none' | 'docker' | 'agent';

export interface PreflightFacts {
  readonly context: string;
  /** The kubeconfig's server URL: the apiserver front as clients see it. */
  readonly serverUrl: string;
  readonly readyz: { readonly ok: boolean; readonly status: number };
  readonly nodes: readonly NodeFact[];
  readonly controlPlanePods: readonly ControlPlanePodFact[];
  /** Ready addresses of default/kubernetes: the apiservers that registered themselves. */
  readonly apiserverAddresses: readonly string[];
  /** kube-system Leases, read twice `leaseSampleGapMs` apart: a holder that renews shows a new renewTime. */
  readonly leases: { readonly first: readonly LeaseView[]; readonly second: readonly LeaseView[]; readonly gapMs: number };
  /** From the members themselves (needs node access); otherwise why it was not read. */
  readonly etcd: { readonly read: true; readonly view: EtcdMembersFact } | { readonly read: false; readonly why: string };
  /** How the nodes were reached, if at all ('none': API only). */
  readonly nodeAccess: PreflightNodeAccess;
  /** Manifests and running processes of each control-plane node (empty without node access). */
  readonly nodeReads?: readonly NodeReadFact[];
  /** Objects the preflight created (agent pods) and their removal; absent when it created none. */
  readonly clusterChanges?: ClusterChangesFact;
  /** When docker access is used: the load balancers it can see (kind's role label). */
  readonly loadBalancerHosts: readonly string[];
  readonly tookMs: number;
}
