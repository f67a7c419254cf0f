/**
 * Stage 3: the images a kind cluster runs, under the exact references kubeadm and the manifests
 * use, so containerd in the node never pulls: etcd, the control-plane components, kube-proxy,
 * CoreDNS, pause, the pod network (podnet), and kind's haproxy load balancer.
 */
import { basename, dirname, join } from 'node:path';
import type { Progress } from '../progress.js';
import { kubernetesImageRefs, versions } from '../versions.js';
import { contentKey } from './content-key.js';
import { ensureRootfsImage, type RootfsImageSpec } from './rootfs-image.js';
import type { RootfsArtifacts } from './rootfs.js';

const PATH_ENV = 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface BinaryDirs {
  /** group name (kubernetes, etcd, coredns, kind, podnet) -> folder of built binaries */
  readonly go: Readonly<Record<string, string>>;
  readonly pause: string;
}

/**
 * A second config file haproxy reads after kind's: a stats listener (CSV at /stats;csv) so the
 * harness can read each apiserver's UP/DOWN state as haproxy sees it. kind rewrites only
 * haproxy.cfg, and the 6443 frontend and its health checks are untouched.
 */
export const HAPROXY_STATS_PORT = 8404;
const HAPROXY_STATS_CFG = `# kube-ha-chaos additions (not part of kind's config)
global
  # kind's config asks for maxconn 100000, so haproxy wants ~200k file descriptors. Raising the hard
  # RLIMIT_NOFILE needs CAP_SYS_RESOURCE, which this project's VMs lack (hard limit 20000): without
  # this line haproxy refuses to start; with it, it warns and sizes maxconn to the limit it has.
  no strict-limits

# read-only stats for the harness: each apiserver's UP/DOWN state as haproxy sees it
listen kube-ha-chaos-stats
  bind *:${HAPROXY_STATS_PORT}
  mode http
  timeout client 10s
  timeout connect 5s
  timeout server 10s
  stats enable
  stats uri /stats
  stats refresh 0
`;

/** kind rewrites this at runtime; the image only needs a config haproxy accepts at start. */
const HAPROXY_PLACEHOLDER_CFG = `# replaced by kind when the cluster is created
global
  maxconn 100000

defaults
  mode tcp
  timeout connect 5s
  timeout client 50s
  timeout server 50s

frontend control-plane
  bind *:6443
  default_backend kube-apiservers

backend kube-apiservers
`;

function dir(dirs: BinaryDirs, group: string): string {
  const d = dirs.go[group];
  if (d === undefined) {
    throw new Error(`no binaries built for ${group}`);
  }
  return d;
}

export function runtimeImageSpecs(dirs: BinaryDirs, rootfs: RootfsArtifacts): RootfsImageSpec[] {
  const v = versions();
  const k8s = kubernetesImageRefs(v.kubernetes);
  const kbin = dir(dirs, 'kubernetes');
  // Keys use the binaries' folder NAMES (content-keyed), never their paths: a build in another
  // cache folder with the same inputs must produce the same images.
  const key = (...parts: string[]): string => contentKey(['runtime-image', ...parts.map((p) => (p.startsWith('/') ? basename(p) : p))]);
  const controlPlane = (ref: string, binary: string): RootfsImageSpec => ({
    ref,
    key: key(ref, kbin),
    files: [{ src: join(kbin, binary), dest: `usr/local/bin/${binary}` }],
    config: [PATH_ENV],
  });
  return [
    controlPlane(k8s.apiserver, 'kube-apiserver'),
    controlPlane(k8s.controllerManager, 'kube-controller-manager'),
    controlPlane(k8s.scheduler, 'kube-scheduler'),
    {
      // kubeadm's DaemonSet runs /usr/local/bin/kube-proxy, which drives iptables and conntrack.
      ref: k8s.proxy,
      key: key(k8s.proxy, kbin, rootfs.key),
      tarballs: [rootfs.iptablesTar],
      files: [{ src: join(kbin, 'kube-proxy'), dest: 'usr/local/bin/kube-proxy' }],
      config: [PATH_ENV],
    },
    {
      ref: v.images.etcd,
      key: key(v.images.etcd, dir(dirs, 'etcd')),
      files: ['etcd', 'etcdctl', 'etcdutl'].map((b) => ({ src: join(dir(dirs, 'etcd'), b), dest: `usr/local/bin/${b}` })),
      config: [PATH_ENV],
    },
    {
      // The CoreDNS Deployment passes only args (-conf ...): the image must name the program.
      ref: v.images.coredns,
      key: key(v.images.coredns, dir(dirs, 'coredns')),
      files: [{ src: join(dir(dirs, 'coredns'), 'coredns'), dest: 'coredns' }],
      config: [PATH_ENV, 'ENTRYPOINT ["/coredns"]'],
    },
    {
      // containerd refuses a sandbox image with neither entrypoint nor cmd.
      ref: v.images.pause,
      key: key(v.images.pause, basename(dirname(dirs.pause))),
      files: [{ src: dirs.pause, dest: 'pause' }],
      config: ['ENTRYPOINT ["/pause"]'],
    },
    {
      ref: v.images.podnet,
      key: key(v.images.podnet, dir(dirs, 'podnet')),
      files: [{ src: join(dir(dirs, 'podnet'), 'podnet'), dest: 'bin/podnet' }],
      config: [PATH_ENV, 'ENTRYPOINT ["/bin/podnet"]'],
    },
    {
      // The suites' test workload (HTTP server + in-pod client), preloaded so no test pulls.
      ref: v.images.workload,
      key: key(v.images.workload, dir(dirs, 'workload')),
      files: [{ src: join(dir(dirs, 'workload'), 'workload'), dest: 'bin/workload' }],
      config: [PATH_ENV, 'ENTRYPOINT ["/bin/workload"]'],
    },
  ];
}

/** kind v0.31.0 runs its load balancer from this exact reference; kind then writes the config. */
export function haproxyImageSpec(rootfs: RootfsArtifacts): RootfsImageSpec {
  const v = versions();
  return {
    ref: v.images.haproxy,
    key: contentKey(['haproxy-image', v.images.haproxy, rootfs.key, HAPROXY_PLACEHOLDER_CFG, HAPROXY_STATS_CFG]),
    tarballs: [rootfs.haproxyTar],
    contents: [
      { dest: 'usr/local/etc/haproxy/haproxy.cfg', content: HAPROXY_PLACEHOLDER_CFG },
      { dest: 'usr/local/etc/kube-ha-chaos/stats.cfg', content: HAPROXY_STATS_CFG },
    ],
    // -W: master-worker, so kind's SIGHUP to pid 1 reloads the config; -db: stay in the foreground.
    // SIGUSR1: haproxy's soft stop (finish open connections), as upstream's image.
    buildInstructions: ['STOPSIGNAL SIGUSR1'],
    config: [PATH_ENV, 'ENTRYPOINT ["haproxy", "-W", "-db", "-f", "/usr/local/etc/haproxy/haproxy.cfg", "-f", "/usr/local/etc/kube-ha-chaos/stats.cfg"]'],
  };
}

export async function buildRuntimeImages(dirs: BinaryDirs, rootfs: RootfsArtifacts, progress: Progress): Promise<RootfsImageSpec[]> {
  const specs = runtimeImageSpecs(dirs, rootfs);
  for (const s of [...specs, haproxyImageSpec(rootfs)]) {
    await ensureRootfsImage(s, progress);
  }
  return specs;
}
