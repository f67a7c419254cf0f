/**
 * The localhost-nginx front for real, once kind has created the cluster (kubeadm init and every
 * join went through kind's haproxy, which stays as the harness's own way in from the host; see
 * LocalhostLbRecord.hostAccess): the nginx-proxy image loaded into each worker, its config and
 * static pod written, nginx listening, then each worker's kubelet pointed at https://localhost:6443
 * and restarted, kube-proxy and the pod network pointed at 127.0.0.1:6443 on every node, and each
 * step verified in the worker's own network namespace (`ss`), never assumed. The decisions are in
 * localhost-lb.ts; every command goes through harness/runtime (required timeouts).
 */
import type { LocalhostLbRecord } from '../../harness/cluster/cluster-handle.js';
import { nginxWorkerProblems } from '../../harness/cluster/nginx-front.js';
import { dockerNode } from '../../harness/runtime/docker-nodes.js';
import { inspectContainer } from '../../harness/runtime/docker.js';
import { loadImage } from '../../harness/runtime/kind.js';
import { kubectl, kubectlJson, type KubectlContext } from '../../harness/runtime/kubectl.js';
import type { ClusterNode } from '../../harness/nodes/node-access.js';
import type { Progress } from '../progress.js';
import {
  apiConnectionsOf, APISERVER_PORT, KUBE_PROXY_SERVER, NGINX_LISTEN_ADDRESS, NGINX_MANIFEST, nginxListens, NODE_NGINX_CONF, parseSs, planLocalhostLb, renderNginxConf, renderNginxManifest,
  WORKER_KUBELET_SERVER, withServerLine, type LocalhostLbPlan,
} from './localhost-lb.js';

const EXEC = { timeoutMs: 30_000 } as const;
const KUBELET_CONF = '/etc/kubernetes/kubelet.conf';

export interface LocalhostLbRequest {
  readonly cluster: string;
  readonly kindBinary: string;
  readonly kube: KubectlContext;
  readonly image: string;
  readonly controlPlanes: readonly string[];
  readonly workers: readonly string[];
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, lastWhy: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) {
      return v;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: not within ${Math.round(timeoutMs / 1_000)} s (${lastWhy()})`);
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/** Write `content` to `path` in the node atomically (a half-written manifest would be read by the kubelet). */
async function writeNodeFile(node: ClusterNode, path: string, content: string): Promise<void> {
  await node.run(['sh', '-c', 'mkdir -p "$(dirname "$1")" && cat > "$1.tmp" && mv "$1.tmp" "$1"', 'write', path], { ...EXEC, stdin: content });
}

/** Until this process shows connections through 127.0.0.1:6443 and none straight to an apiserver. */
async function waitForVia(node: ClusterNode, process: string, timeoutMs: number): Promise<number> {
  let why = 'not read yet';
  return waitFor(`${node.name}: ${process} talking to the API through nginx`, timeoutMs, async () => {
    const ss = await node.run(['ss', '-Htnp', 'state', 'established'], EXEC);
    const c = apiConnectionsOf(parseSs(ss.stdout), process);
    why = `${c.viaNginx} through nginx, direct to ${c.direct.join(', ') || 'none'}`;
    return c.viaNginx > 0 && c.direct.length === 0 ? c.viaNginx : undefined;
  }, () => why);
}

/** Bring nginx up on every worker and point the node clients at it; returns what the state records. */
export async function bringUpLocalhostLb(req: LocalhostLbRequest, progress: Progress): Promise<LocalhostLbRecord> {
  const addresses: string[] = [];
  for (const cp of req.controlPlanes) {
    addresses.push((await inspectContainer(cp)).ipv4);
  }
  const plan: LocalhostLbPlan = planLocalhostLb({ cluster: req.cluster, image: req.image, workers: req.workers, controlPlaneAddresses: addresses });
  const conf = renderNginxConf(plan);
  const manifest = renderNginxManifest(plan, conf);
  await progress.timed(`loading ${plan.image} into ${plan.workers.join(', ')}`, () => loadImage(req.kindBinary, req.cluster, plan.workers, plan.image));
  const workers = plan.workers.map((w) => dockerNode(w, ['worker']));
  for (const w of workers) {
    await writeNodeFile(w, NODE_NGINX_CONF, conf);
    await writeNodeFile(w, NGINX_MANIFEST, manifest);
  }
  await progress.timed(`waiting for nginx on ${NGINX_LISTEN_ADDRESS}:${APISERVER_PORT} in every worker (static pod)`, async () => {
    for (const w of workers) {
      let why = 'not read yet';
      await waitFor(`${w.name}: nginx listening`, 120_000, async () => {
        const problems = await nginxWorkerProblems(w, addresses);
        why = problems.join('; ');
        return problems.length === 0 ? true : undefined;
      }, () => why);
      // Through nginx, with the kubelet's own credentials, before the kubelet depends on it.
      await waitFor(`${w.name}: the API through nginx`, 60_000, async () => {
        const r = await w.run(['kubectl', '--kubeconfig', KUBELET_CONF, '--server', WORKER_KUBELET_SERVER, '--request-timeout=5s', 'get', '--raw', '/readyz'], EXEC);
        return r.stdout.trim() === 'ok' ? true : undefined;
      }, () => 'kubectl get --raw /readyz via localhost did not answer ok');
    }
  });
  for (const w of workers) {
    await progress.timed(`${w.name}: kubelet -> ${WORKER_KUBELET_SERVER} (restarted)`, async () => {
      const current = (await w.run(['cat', KUBELET_CONF], EXEC)).stdout;
      // kubespray keeps a backup of the file it rewrites; so do we (the kind-LB original).
      await writeNodeFile(w, `${KUBELET_CONF}.kind-lb`, current);
      await writeNodeFile(w, KUBELET_CONF, withServerLine(current, WORKER_KUBELET_SERVER));
      await w.run(['systemctl', 'restart', 'kubelet'], { timeoutMs: 60_000 });
      await waitForVia(w, 'kubelet', 90_000);
    });
  }
  await progress.timed(`kube-proxy -> ${KUBE_PROXY_SERVER} on every node (kubespray's rewrite of its ConfigMap)`, async () => {
    const cm = await kubectlJson<{ data: Record<string, string> } & Record<string, unknown>>(req.kube, ['-n', 'kube-system', 'get', 'configmap', 'kube-proxy'], 15_000);
    const key = 'kubeconfig.conf';
    const text = cm.data[key];
    if (text === undefined) {
      throw new Error(`the kube-proxy ConfigMap has no ${key}: cannot point kube-proxy at ${KUBE_PROXY_SERVER}`);
    }
    const updated = { ...cm, data: { ...cm.data, [key]: withServerLine(text, KUBE_PROXY_SERVER) } };
    await kubectl(req.kube, ['replace', '-f', '-'], { timeoutMs: 30_000, stdin: JSON.stringify(updated) });
    await kubectl(req.kube, ['-n', 'kube-system', 'rollout', 'restart', 'daemonset/kube-proxy'], { timeoutMs: 30_000 });
    await kubectl(req.kube, ['-n', 'kube-system', 'rollout', 'status', 'daemonset/kube-proxy', '--timeout=180s'], { timeoutMs: 190_000 });
    for (const w of workers) {
      await waitForVia(w, 'kube-proxy', 60_000);
    }
  });
  // kind hands its pod network agent kind's own LB as CONTROL_PLANE_ENDPOINT (see lifecycle.ts
  // pointAtVip); 127.0.0.1:6443 is nginx on a worker and the node's own apiserver on a control plane,
  // as for kube-proxy, so nothing in the cluster depends on kind's LB any more.
  const endpoint = `${NGINX_LISTEN_ADDRESS}:${APISERVER_PORT}`;
  await progress.timed(`pointing the pod network (kindnet) at ${endpoint} on every node`, async () => {
    await kubectl(req.kube, ['-n', 'kube-system', 'set', 'env', 'daemonset/kindnet', `CONTROL_PLANE_ENDPOINT=${endpoint}`], { timeoutMs: 30_000 });
    await kubectl(req.kube, ['-n', 'kube-system', 'rollout', 'status', 'daemonset/kindnet', '--timeout=180s'], { timeoutMs: 190_000 });
  });
  for (const w of workers) {
    const ss = parseSs((await w.run(['ss', '-Htnp', 'state', 'established'], EXEC)).stdout);
    progress.detail(`${w.name}: kubelet ${apiConnectionsOf(ss, 'kubelet').viaNginx}, kube-proxy ${apiConnectionsOf(ss, 'kube-proxy').viaNginx} connection(s) through nginx; nginx -> ${plan.upstreams.join(', ')}`);
    if (!nginxListens((await w.run(['ss', '-Htlnp'], EXEC)).stdout)) {
      throw new Error(`${w.name}: nginx stopped listening on ${endpoint} after the kubelet restart`);
    }
  }
  return localhostLbRecord(plan);
}

export function localhostLbRecord(plan: LocalhostLbPlan): LocalhostLbRecord {
  return {
    image: plan.image,
    listen: `${NGINX_LISTEN_ADDRESS}:${APISERVER_PORT}`,
    workers: [...plan.workers],
    upstreams: plan.upstreams.map((a) => `${a}:${APISERVER_PORT}`),
    settings: { ...plan.settings },
    kubeletServer: WORKER_KUBELET_SERVER,
    kubeProxyServer: KUBE_PROXY_SERVER,
    hostAccess: 'kind-haproxy',
  };
}

/** Problems of the recorded front as it is now (health and `cluster status`). */
export async function localhostLbProblems(record: LocalhostLbRecord, controlPlanes: readonly string[]): Promise<string[]> {
  const addresses: string[] = [];
  for (const cp of controlPlanes) {
    addresses.push((await inspectContainer(cp)).ipv4);
  }
  const problems: string[] = [];
  for (const w of record.workers) {
    problems.push(...(await nginxWorkerProblems(dockerNode(w, ['worker']), addresses)));
  }
  return problems;
}

