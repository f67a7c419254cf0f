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
