/**
 * The localhost-nginx front as the harness reads it on a running cluster: on every worker, is nginx
 * listening on 127.0.0.1:6443 in the worker's netns, and does its upstream list equal the control
 * planes' addresses now? The parsing is pure (substrate/cluster/localhost-lb.ts); this only runs
 * `ss` and `cat` in the nodes.
 */
import { nginxListens, NODE_NGINX_CONF, parseNginxUpstreams, upstreamProblem } from '../../substrate/cluster/localhost-lb.js';
import type { ClusterNode } from '../nodes/node-access.js';

const READ_TIMEOUT_MS = 5_000;

/** Problems of one worker's nginx, empty when it listens and proxies to exactly `controlPlaneAddresses`. */
export async function nginxWorkerProblems(worker: Pick<ClusterNode, 'name' | 'run'>, controlPlaneAddresses: readonly string[]): Promise<string[]> {
  const problems: string[] = [];
  try {
    const listen = await worker.run(['ss', '-Htlnp'], { timeoutMs: READ_TIMEOUT_MS });
    if (!nginxListens(listen.stdout)) {
      problems.push(`${worker.name}: nginx does not listen on 127.0.0.1:6443`);
    }
    const conf = await worker.run(['cat', NODE_NGINX_CONF], { timeoutMs: READ_TIMEOUT_MS });
    const p = upstreamProblem(parseNginxUpstreams(conf.stdout), controlPlaneAddresses);
    if (p !== undefined) {
      problems.push(`${worker.name}: ${p}`);
    }
  } catch (e) {
    problems.push(`${worker.name}: cannot read its nginx (${(e as Error).message.split('\n')[0] ?? ''})`);
  }
  return problems;
}

/** Every worker's nginx problems, against the control planes' current addresses. */
export async function nginxFrontProblems(workers: readonly Pick<ClusterNode, 'name' | 'run'>[], controlPlanes: readonly Pick<ClusterNode, 'address'>[]): Promise<string[]> {
  const addresses = await Promise.all(controlPlanes.map((c) => c.address()));
  if (addresses.some((a) => a === '')) {
    return [`a control plane has no address now (${addresses.join(', ')}): nginx's upstream cannot match`];
  }
  return (await Promise.all(workers.map((w) => nginxWorkerProblems(w, addresses)))).flat();
}
