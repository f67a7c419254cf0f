/**
 * Cluster smoke suite: the substrate does what every other suite assumes, on the real cluster.
 * Nothing here is mocked: kubectl, etcdctl and HTTP go to the cluster's own containers.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openCluster, type ClusterHandle } from '../../harness/cluster/cluster-handle.js';
import { openEtcdAccess } from '../../harness/cluster/etcd-access.js';
import { readEtcdView } from '../../harness/cluster/etcd-status.js';
import { readBackendStates } from '../../harness/cluster/haproxy-stats.js';
import { loadTopology } from '../../harness/cluster/topology.js';
import { inspectContainer, kindContainers, publishedAddress } from '../../harness/runtime/docker.js';
import { httpGet } from '../../harness/runtime/http.js';
import { kubectl, kubectlJson } from '../../harness/runtime/kubectl.js';
import { clusterDown, clusterUp } from '../../substrate/cluster/lifecycle.js';
import { consoleProgress } from '../../substrate/progress.js';

const info = inject('cluster');
const root = join(import.meta.dirname, '../..');
const topology = loadTopology(root, info.topology);
let cluster: ClusterHandle;

interface NodeList {
  items: { metadata: { name: string; labels: Record<string, string> }; status: { conditions: { type: string; status: string }[] } }[];
}
interface PodList {
  items: { metadata: { name: string }; spec: { nodeName: string }; status: { podIP: string; phase: string } }[];
}

beforeAll(async () => {
  cluster = await openCluster(info);
});

describe(`cluster smoke on ${topology.name} (${topology.controlPlanes} control planes, ${topology.workers} worker)`, () => {
  it('every node is Ready, with the topology\'s number of control planes and workers', async () => {
    const nodes = await kubectlJson<NodeList>(cluster.kubectl, ['get', 'nodes'], 15_000);
    expect(nodes.items).toHaveLength(topology.controlPlanes + topology.workers);
    const notReady = nodes.items.filter((n) => !n.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True'));
    expect(notReady.map((n) => n.metadata.name)).toEqual([]);
    const controlPlanes = nodes.items.filter((n) => 'node-role.kubernetes.io/control-plane' in n.metadata.labels);
    expect(controlPlanes).toHaveLength(topology.controlPlanes);
    expect(cluster.controlPlanes).toHaveLength(topology.controlPlanes);
  });

  it(`etcd reports ${topology.controlPlanes} started voting members and exactly one leader`, async () => {
    using access = await openEtcdAccess(cluster.controlPlaneNodes);
    const view = await readEtcdView(info.etcdctlBinary, access);
    expect(view.members.map((m) => m.name).sort()).toEqual([...cluster.controlPlanes].sort());
    expect(view.members.filter((m) => m.isLearner)).toEqual([]);
    // Every member answered, and they all name the same leader, which is one of them.
    expect(view.statuses).toHaveLength(topology.controlPlanes);
    const leaders = new Set(view.statuses.map((s) => s.leaderId));
    expect(leaders.size).toBe(1);
    expect(view.members.map((m) => m.id)).toContain([...leaders][0]);
  });

  it('the API answers through the load balancer, and haproxy sees every apiserver UP', async () => {
    const readyz = await kubectl(cluster.kubectl, ['get', '--raw', '/readyz'], { timeoutMs: 15_000 });
    expect(readyz.stdout.trim()).toBe('ok');
    // The kubeconfig points at the load balancer's published port, not at one apiserver.
    const server = (await kubectl(cluster.kubectl, ['config', 'view', '--minify', '-o', 'jsonpath={.clusters[0].cluster.server}'], { timeoutMs: 10_000 })).stdout;
    expect(server).toBe(`https://${await publishedAddress(cluster.loadBalancer, '6443/tcp')}`);
    const lbIp = (await inspectContainer(cluster.loadBalancer)).ipv4;
    const backends = await readBackendStates(lbIp);
    expect(backends.map((b) => b.server).sort()).toEqual([...cluster.controlPlanes].sort());
    expect(backends.filter((b) => b.status !== 'UP')).toEqual([]);
  });

  describe('workload networking', () => {
    const ns = `smoke-${randomBytes(3).toString('hex')}`;
    let pods: PodList;

    beforeAll(async () => {
      const manifest = readFileSync(join(root, 'fixtures/workloads/echo.yaml'), 'utf8').replaceAll('NAMESPACE', ns);
      await kubectl(cluster.kubectl, ['apply', '-f', '-'], { timeoutMs: 30_000, stdin: manifest });
      await kubectl(cluster.kubectl, ['-n', ns, 'rollout', 'status', 'deployment/echo', '--timeout=120s'], { timeoutMs: 130_000 });
      await kubectl(cluster.kubectl, ['-n', ns, 'wait', '--for=condition=Ready', 'pod/client', '--timeout=120s'], { timeoutMs: 130_000 });
      pods = await kubectlJson<PodList>(cluster.kubectl, ['-n', ns, 'get', 'pods', '-l', 'app=echo'], 15_000);
    });

    afterAll(async () => {
      await kubectl(cluster.kubectl, ['delete', 'namespace', ns, '--wait=false'], { timeoutMs: 30_000 });
    });

    it('the Deployment runs on the worker and serves HTTP through a NodePort from the host', async () => {
      expect(pods.items.map((p) => p.spec.nodeName).every((n) => cluster.workers.includes(n))).toBe(true);
      const nodePort = (await kubectl(cluster.kubectl, ['-n', ns, 'get', 'svc', 'echo-nodeport', '-o', 'jsonpath={.spec.ports[0].nodePort}'], { timeoutMs: 10_000 })).stdout;
      const workerName = cluster.workers[0] ?? '';
      const workerIp = (await inspectContainer(workerName)).ipv4;
      const url = `http://${workerIp}:${nodePort}/nodeport`;
      // kube-proxy programs a new Service's NodePort asynchronously: wait for the first answer.
      await expect
        .poll(async () => httpGet(url, 2_000).then((a) => a.status, (e: Error) => e.message), { timeout: 30_000, interval: 500 })
        .toBe(200);
      // kube-proxy spreads new connections over every ready endpoint; the second endpoint may reach
      // its rules a moment after the first, so keep asking (every answer must be a 200) until both
      // replicas have answered, for up to 30 s.
      const servedBy = new Set<string>();
      const deadline = performance.now() + 30_000;
      while (servedBy.size < pods.items.length && performance.now() < deadline) {
        const answer = await httpGet(url, 3_000);
        expect(answer.status).toBe(200);
        servedBy.add((JSON.parse(answer.body) as { pod: string }).pod);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect([...servedBy].sort()).toEqual(pods.items.map((p) => p.metadata.name).sort());
    });

    it('a pod on a control-plane node reaches the Service by its DNS name (CoreDNS + ClusterIP)', async () => {
      const r = await kubectl(cluster.kubectl, ['-n', ns, 'exec', 'client', '--', '/bin/workload', 'get', `http://echo.${ns}.svc.cluster.local/clusterip`], { timeoutMs: 30_000 });
      const answer = JSON.parse(r.stdout) as { pod: string; path: string };
      expect(answer.path).toBe('/clusterip');
      expect(pods.items.map((p) => p.metadata.name)).toContain(answer.pod);
    });

    it('a pod on one node reaches a pod on another node by its pod IP', async () => {
      const client = await kubectlJson<PodList['items'][number]>(cluster.kubectl, ['-n', ns, 'get', 'pod', 'client'], 15_000);
      const target = pods.items[0];
      expect(target).toBeDefined();
      expect(client.spec.nodeName).not.toBe(target?.spec.nodeName);
      const r = await kubectl(cluster.kubectl, ['-n', ns, 'exec', 'client', '--', '/bin/workload', 'get', `http://${target?.status.podIP}:8080/pod-to-pod`], { timeoutMs: 30_000 });
      expect((JSON.parse(r.stdout) as { pod: string }).pod).toBe(target?.metadata.name);
    });
  });

  // Last, because it deletes the shared cluster (and then brings it back for the suites after it).
  it('down leaves no containers, volumes or network of the cluster behind; up brings it back', async () => {
    const progress = consoleProgress('smoke');
    const t0 = performance.now();
    const down = await clusterDown(progress);
    const downMs = performance.now() - t0;
    expect(down.deleted).toBe(true);
    expect(down.leftovers).toEqual([]);
    expect(await kindContainers(info.name)).toEqual([]);
    const t1 = performance.now();
    const up = await clusterUp(info.topology, progress);
    const upMs = performance.now() - t1;
    expect(up.reused).toBe(false);
    const nodes = await kubectlJson<NodeList>(cluster.kubectl, ['get', 'nodes'], 15_000);
    expect(nodes.items).toHaveLength(topology.controlPlanes + topology.workers);
    console.log(`[smoke] down took ${(downMs / 1000).toFixed(1)} s; up (images cached) took ${(upMs / 1000).toFixed(1)} s`);
  });
});
