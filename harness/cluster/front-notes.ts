/**
 * What a report must say about the path its API probes take when that path is not the one the
 * cluster's own clients use. On localhost-lb the kubelets and kube-proxy reach the apiservers through
 * nginx inside each worker, but the harness on the host cannot enter a worker's 127.0.0.1, so its
 * "through the LB" probes go through kind's haproxy, kept for the host alone. A verdict about "the LB"
 * there is a verdict about haproxy, and the report says so instead of letting a reader take it for
 * nginx's.
 */
import type { ClusterInfo } from './cluster-handle.js';

/** Pure: the notes every suite's report carries for this cluster's front (suite-session.ts adds them; none for kind's haproxy or a VIP pair). */
export function frontNotes(info: Pick<ClusterInfo, 'localhostLb'>): string[] {
  const lb = info.localhostLb;
  if (lb === undefined) {
    return [];
  }
  return [
    `front localhost-nginx: the workers' kubelets and kube-proxy use nginx on ${lb.listen} in each worker (${lb.workers.join(', ')}; max_fails=${lb.settings.maxFails} fail_timeout=${lb.settings.failTimeoutS}s proxy_connect_timeout=${lb.settings.connectTimeoutMs} ms). ` +
      'The harness reaches the API from the host through kind\'s haproxy, kept for it alone: every "through the LB" measurement and verdict in this report is about that haproxy, not about nginx. ' +
      'What the workers\' nginx does under the same fault is not measured by this suite yet (issue 10).',
  ];
}
