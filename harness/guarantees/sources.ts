/**
 * Where the documented promises come from. One constant per page so a version bump is one edit, and
 * the catalogue cites the same URL everywhere. The etcd docs are pinned to v3.6 (the docs version
 * matching the etcd 3.5/3.6 servers kubeadm ships for Kubernetes 1.31-1.34).
 */

/** Docs version the etcd URLs below refer to. */
export const ETCD_DOCS_VERSION = 'etcd v3.6 docs';

/** Failure tolerance, quorum = floor(n/2)+1, even sizes add nothing, behaviour without quorum. */
export const ETCD_FAQ = 'https://etcd.io/docs/v3.6/faq/';
/** Minor follower failure, leader failure ("about an election timeout"), majority failure, partitions. */
export const ETCD_FAILURES = 'https://etcd.io/docs/v3.6/op-guide/failures/';
/** Heartbeat 100 ms / election timeout 1000 ms defaults; the same values on every member. */
export const ETCD_TUNING = 'https://etcd.io/docs/v3.6/tuning/';
/** Revisions, linearizable vs serializable reads, watch ordering and reliability. */
export const ETCD_API_GUARANTEES = 'https://etcd.io/docs/v3.6/learning/api_guarantees/';
/** raft: randomised election timeout in [ET, 2ET), CheckQuorum, leader transfer abort after ET. */
export const RAFT_SOURCE = 'https://github.com/etcd-io/raft/blob/v3.6.0/raft.go';
/** etcd server: Stop() transfers leadership before stopping a leader (SIGTERM path). */
export const ETCD_SERVER_STOP = 'https://github.com/etcd-io/etcd/blob/v3.6.5/server/etcdserver/server.go';
/** embed.Etcd.Close: drains client gRPC servers (request timeout each) before Server.Stop transfers leadership. */
export const ETCD_EMBED_CLOSE = 'https://github.com/etcd-io/etcd/blob/v3.6.5/server/embed/etcd.go';

// ---- control-plane failover (apiserver, load balancer, leader election, nodes, workloads) ---------

/** Docs version the kubernetes.io URLs below refer to (the cluster runs v1.34). */
export const KUBERNETES_DOCS_VERSION = 'Kubernetes v1.34 docs';

/** HA topologies: stacked etcd, each apiserver talks to its local etcd, a load balancer in front. */
export const K8S_HA_TOPOLOGY = 'https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/ha-topology/';
/** Failure modes: with the apiservers down existing pods and Services keep working; nothing can be started, updated or stopped. */
export const K8S_TROUBLESHOOT_CLUSTER = 'https://kubernetes.io/docs/tasks/debug/debug-cluster/';
/** kube-apiserver flags: --endpoint-reconciler-type (default lease). */
export const K8S_APISERVER_FLAGS = 'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/';
/** The lease endpoint reconciler's constants: DefaultEndpointReconcilerTTL 15 s, DefaultEndpointReconcilerInterval 10 s. */
export const K8S_ENDPOINT_RECONCILER_SOURCE = 'https://github.com/kubernetes/kubernetes/blob/v1.34.0/pkg/controlplane/instance.go';
/** The lease reconciler itself: each apiserver keeps a TTL'd key; the endpoints list the live ones. */
export const K8S_LEASE_RECONCILER_SOURCE = 'https://github.com/kubernetes/kubernetes/blob/v1.34.0/pkg/controlplane/reconcilers/lease.go';
/** kube-controller-manager flags: --leader-elect-*, --node-monitor-grace-period, --node-monitor-period. */
export const K8S_KCM_FLAGS = 'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/';
/** kube-scheduler flags: --leader-elect-*. */
export const K8S_SCHEDULER_FLAGS = 'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-scheduler/';
/** Leases: leader election for kube-controller-manager and kube-scheduler, node heartbeats, apiserver identity. */
export const K8S_LEASES = 'https://kubernetes.io/docs/concepts/architecture/leases/';
/** client-go leader election: observed-time rule, JitterFactor 1.2, release on cancel, no fencing. */
export const CLIENT_GO_LEADERELECTION = 'https://pkg.go.dev/k8s.io/client-go/tools/leaderelection';
/** The code behind it (tryAcquireOrRenew, release). */
export const CLIENT_GO_LEADERELECTION_SOURCE = 'https://github.com/kubernetes/client-go/blob/v0.34.0/tools/leaderelection/leaderelection.go';
/** kube-controller-manager does not release its lease on a clean stop (open). */
export const K8S_ISSUE_KCM_NO_RELEASE = 'https://github.com/kubernetes/kubernetes/issues/132599';
/** Node heartbeats (node leases, status updates) and the node controller's grace period. */
export const K8S_NODES = 'https://kubernetes.io/docs/concepts/architecture/nodes/';
/** The node-monitor grace period's default rose from 40 s to 50 s in v1.32. */
export const K8S_PR_NODE_MONITOR_GRACE_50S = 'https://github.com/kubernetes/kubernetes/pull/126287';
/** Static pods: the kubelet runs (and restarts) what is in its manifest folder. */
export const K8S_STATIC_PODS = 'https://kubernetes.io/docs/tasks/configure-pod-container/static-pod/';
/** Container restarts with exponential back-off (10 s, 20 s, ... 5 min). */
export const K8S_POD_LIFECYCLE = 'https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-restarts';
/** Pod disruptions: voluntary vs involuntary; what keeps a running pod running. */
export const K8S_DISRUPTIONS = 'https://kubernetes.io/docs/concepts/workloads/pods/disruptions/';
/** haproxy 2.6 server options: check, inter, fastinter, downinter, fall, rise; timeout check. */
export const HAPROXY_SERVER_OPTIONS = 'https://docs.haproxy.org/2.6/configuration.html#5.2';
/** kind: a multi-control-plane cluster gets one load-balancer container in front of the apiservers. */
export const KIND_CONFIGURATION = 'https://kind.sigs.k8s.io/docs/user/configuration/#nodes';
/** kind: a restarted node container can get a new IP, which breaks a multi-control-plane cluster. */
export const KIND_ISSUE_NODE_IP_CHANGE = 'https://github.com/kubernetes-sigs/kind/issues/1689';
/** kind's known issues page. */
export const KIND_KNOWN_ISSUES = 'https://kind.sigs.k8s.io/docs/user/known-issues/';

// ---- gray failures (issue 15) ---------------------------------------------------------------------

/** The apiserver's etcd checks: one etcd request per half timeout, "etcd" in healthz/livez/readyz, "etcd-readiness" in readyz. */
export const K8S_APISERVER_ETCD_HEALTH_SOURCE = 'https://github.com/kubernetes/kubernetes/blob/v1.34.10/staging/src/k8s.io/apiserver/pkg/storage/storagebackend/factory/etcd3.go';
/** The apiserver's etcd client: keepaliveTime 30 s, keepaliveTimeout 10 s, dialTimeout 20 s (no flags); check timeouts 2 s by default. */
export const K8S_APISERVER_ETCD_CLIENT_SOURCE = 'https://github.com/kubernetes/kubernetes/blob/v1.34.10/staging/src/k8s.io/apiserver/pkg/storage/storagebackend/config.go';
/** etcd client v3.6: DialKeepAliveTime / DialKeepAliveTimeout become grpc keepalive.ClientParameters. */
export const ETCD_CLIENT_KEEPALIVE_SOURCE = 'https://github.com/etcd-io/etcd/blob/v3.6.4/client/v3/client.go';
/** grpc-go sets TCP_USER_TIMEOUT to the keepalive timeout when keepalive is on. */
export const GRPC_TCP_USER_TIMEOUT_SOURCE = 'https://github.com/grpc/grpc-go/blob/v1.72.1/internal/transport/http2_client.go';

// ---- disaster recovery (issue 12) -----------------------------------------------------------------

/** etcd: snapshot save / restore of every member from one snapshot, new token, --bump-revision with --mark-compacted. */
export const ETCD_DISASTER_RECOVERY = 'https://etcd.io/docs/v3.6/op-guide/recovery/';
/** etcd: member remove / add (ETCD_INITIAL_CLUSTER, state existing); --strict-reconfig-check refuses changes that lose quorum. */
export const ETCD_RUNTIME_RECONFIGURATION = 'https://etcd.io/docs/v3.6/op-guide/runtime-configuration/';
/** etcd: a learner does not vote; promote is refused until it has caught up with the leader. */
export const ETCD_LEARNER = 'https://etcd.io/docs/v3.6/learning/design-learner/';
/** The strict reconfiguration checks themselves: mayAddMember, mayRemoveMember, mayPromoteMember. */
export const ETCD_RECONFIG_CHECK_SOURCE = 'https://github.com/etcd-io/etcd/blob/v3.6.5/server/etcdserver/server.go';
/** Kubernetes: back up etcd (snapshot save), restore: stop every apiserver, restore every member, start the apiservers. */
export const K8S_ETCD_BACKUP_RESTORE = 'https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/#backing-up-an-etcd-cluster';
/** RFC 5798 (VRRPv3) §6.1 Skew_Time / Master_Down_Interval, §6.4.2-6.4.3 backup and master states (priority 0 on shutdown). */
export const RFC_5798_VRRP_V3 = 'https://www.rfc-editor.org/rfc/rfc5798#section-6.1';
/** keepalived.conf(5): vrrp_instance priority, advert_int, nopreempt; vrrp_version. */
export const KEEPALIVED_CONF_MANUAL = 'https://keepalived.readthedocs.io/en/latest/configuration_synopsis.html#vrrp-instance-definitions-synopsis';
/** kubeadm's HA considerations: keepalived + haproxy in front of the apiservers, the VIP as controlPlaneEndpoint. */
export const KUBEADM_HA_CONSIDERATIONS = 'https://github.com/kubernetes/kubeadm/blob/main/docs/ha-considerations.md#keepalived-and-haproxy';
