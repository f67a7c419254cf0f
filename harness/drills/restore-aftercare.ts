/**
 * After a restore: does what existed before the snapshot work again, and did the rest of the
 * cluster recover by itself? Steps of the restore drill (recorded like its other steps):
 * - workload-serves: the Deployment and Services exist, and the workload answers through its
 *   NodePort on every worker;
 * - cluster-recovers: the baseline health check passes (members, static pods, nodes Ready), every
 *   leader-election and node lease is renewed again, and the control loops work end to end: a
 *   deleted workload pod is replaced (ReplicaSet controller), scheduled (scheduler) and started and
 *   Ready (kubelet);
 * - restart-components, only when the above failed: the kubelets and the controller-manager and
 *   scheduler are restarted (what the Kubernetes docs recommend after a restore), and the
 *   recovery is checked again; the verdict then reports a finding with what it took.
 */
import type { ClusterHandle } from '../cluster/cluster-handle.js';
import type { EtcdAccess } from '../cluster/etcd-access.js';
import { staleLeases } from '../cluster/baseline.js';
import { waitForHealthy } from '../cluster/health.js';
import { signalProcess } from '../cluster/node-processes.js';
import type { HttpTarget } from '../probes/http-probe.js';
import { httpGet } from '../runtime/http.js';
import { leaseViewOf } from '../runtime/kube-api.js';
import { kubectl, kubectlJson } from '../runtime/kubectl.js';
import { drillStep, type DrillContext } from './drill-step.js';
import { RESTORE_DRILL, waitFor } from './restore-drill.js';

export interface AftercareTarget {
  readonly session: { readonly cluster: ClusterHandle; readonly etcd: EtcdAccess };
  readonly workload: { readonly namespace: string; readonly targets: readonly HttpTarget[] };
}

export async function checkRestoredWorkload(ctx: DrillContext, s: AftercareTarget, timeoutMs: number): Promise<void> {
  const k = s.session.cluster.kubectl;
  const ns = s.workload.namespace;
  await drillStep(ctx, RESTORE_DRILL, 'workload-serves', async () => {
    const objects = await waitFor(timeoutMs, `deployment/echo and its Services are back in ${ns}`, async () => {
      const r = await kubectlJson<{ items: { kind: string; metadata: { name: string } }[] }>(k, ['-n', ns, 'get', 'deployment,service'], 10_000);
      const names = r.items.map((i) => `${i.kind}/${i.metadata.name}`);
      return names.includes('Deployment/echo') && names.includes('Service/echo-nodeport') ? names : undefined;
    });
    let served = 0;
    for (const t of s.workload.targets) {
      await waitFor(timeoutMs, `the workload answers at ${t.url}`, async () => ((await httpGet(t.url, 2_000)).status === 200 ? true : undefined));
      served += 1;
    }
    return { value: undefined, detail: `${objects.join(', ')} present; the workload answers through its NodePort on ${served} worker(s)`, facts: { objects: objects.length, workersServing: served } };
  });
}

/** Problems that keep the cluster from counting as recovered (empty when it has). */
async function recoveryProblems(s: AftercareTarget, timeoutMs: number): Promise<string[]> {
  const cluster = s.session.cluster;
  const health = await waitForHealthy(cluster, s.session.etcd, timeoutMs);
  if (!health.healthy) {
    return [...health.problems];
  }
  const problems: string[] = [];
  const leases = await waitFor(timeoutMs, 'every lease is renewed after the restore', async () => {
    const leader = await kubectlJson<{ items: unknown[] }>(cluster.kubectl, ['get', 'leases', '-n', 'kube-system'], 10_000);
    const node = await kubectlJson<{ items: unknown[] }>(cluster.kubectl, ['get', 'leases', '-n', 'kube-node-lease'], 10_000);
    const views = [...leader.items, ...node.items].map(leaseViewOf).filter((l) => l.leaseDurationSeconds !== undefined);
    const stale = staleLeases(views, Date.now());
    return stale.length === 0 ? views.length : undefined;
  }).catch((e: unknown) => {
    problems.push((e as Error).message);
    return 0;
  });
  if (problems.length > 0) {
    return problems;
  }
  // The control loops end to end: a deleted pod comes back (controller), lands (scheduler), runs (kubelet).
  const ns = s.workload.namespace;
  const before = await kubectlJson<{ items: { metadata: { name: string } }[] }>(cluster.kubectl, ['-n', ns, 'get', 'pods', '-l', 'app=echo'], 10_000);
  const victim = before.items[0]?.metadata.name;
  if (victim === undefined) {
    return ['no echo pod to delete'];
  }
  await kubectl(cluster.kubectl, ['-n', ns, 'delete', 'pod', victim, '--wait=false'], { timeoutMs: 15_000 });
  try {
    await kubectl(cluster.kubectl, ['-n', ns, 'wait', '--for=condition=Available', 'deployment/echo', `--timeout=${Math.round(timeoutMs / 1000)}s`], { timeoutMs: timeoutMs + 10_000 });
    await waitFor(timeoutMs, `a replacement for pod ${victim} is Ready`, async () => {
      const now = await kubectlJson<{ items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[] }>(cluster.kubectl, ['-n', ns, 'get', 'pods', '-l', 'app=echo'], 10_000);
      const ready = now.items.filter((p) => p.metadata.name !== victim && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
      return ready.length >= before.items.length ? ready.length : undefined;
    });
  } catch (e) {
    problems.push(`the control loops did not replace a deleted pod: ${(e as Error).message.split('\n')[0]}`);
  }
  return leases > 0 ? problems : [...problems, 'no leases read'];
}

export async function recoverAfterRestore(ctx: DrillContext, s: AftercareTarget, apiBackAtMs: number, timeoutMs = 150_000): Promise<void> {
  // Recorded as ok either way (the step itself ran); `problems` says whether the cluster recovered.
  const problems = await drillStep(ctx, RESTORE_DRILL, 'cluster-recovers', async () => {
    const found = await recoveryProblems(s, timeoutMs);
    return {
      value: found,
      detail: found.length === 0 ? 'members, static pods, nodes and leases at their baseline; a deleted pod was replaced, scheduled and Ready' : `NOT recovered by itself: ${found.join('; ').slice(0, 600)}`,
      facts: { recoveryMs: ctx.clock.nowMs() - apiBackAtMs, problems: found.length },
    };
  });
  if (problems.length === 0) {
    return;
  }
  await drillStep(ctx, RESTORE_DRILL, 'restart-components', async () => {
    const cluster = s.session.cluster;
    for (const n of [...cluster.controlPlaneNodes, ...cluster.workerNodes]) {
      await n.run(['systemctl', 'restart', 'kubelet'], { timeoutMs: 30_000 });
    }
    for (const n of cluster.controlPlaneNodes) {
      await signalProcess(n, 'kube-controller-manager', 'KILL');
      await signalProcess(n, 'kube-scheduler', 'KILL');
    }
    const after = await recoveryProblems(s, timeoutMs);
    if (after.length > 0) {
      throw new Error(`still not recovered after restarting the kubelets, controller-managers and schedulers: ${after.join('; ')}`);
    }
    return { value: undefined, detail: 'the kubelets, kube-controller-managers and kube-schedulers' };
  });
}
