/**
 * The shared setup of the control-plane failover suites (apiserver, load balancer, leader election,
 * workload continuity, whole-node loss): the session on the live cluster, the suite's catalogue built
 * from the flags the cluster ACTUALLY runs with (static pod manifests, kind's haproxy.cfg, kubelet
 * configs), API credentials and per-apiserver addresses, and a test workload on the worker(s) with a
 * NodePort the host-side HTTP probe hits.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import { versions } from '../../substrate/versions.js';
import type { ClusterInfo } from '../cluster/cluster-handle.js';
import { directApiservers, nodeIps, readControlPlaneConfig } from '../cluster/control-plane-config.js';
import { waitForHealthy } from '../cluster/health.js';
import type { ControlPlaneCatalogue, ControlPlaneCatalogueInput } from '../guarantees/control-plane-catalogue.js';
import { controlPlaneFlagsFrom } from '../guarantees/control-plane-flags.js';
import type { ApiSources } from '../probes/api-sources.js';
import type { HttpTarget } from '../probes/http-probe.js';
import { loadKubeconfig, type KubeApiCredentials } from '../runtime/kubeconfig.js';
import { kubectl } from '../runtime/kubectl.js';
import type { RunInfo } from '../run-info.js';
import { openSuiteSession, type SuiteSession } from '../suite-session.js';
import { timingsFor, type Timings } from './profile.js';

export interface ControlPlaneSuite<Id extends string> extends AsyncDisposable {
  readonly session: SuiteSession;
  readonly catalogue: ControlPlaneCatalogue<Id>;
  readonly timings: Timings;
  readonly creds: KubeApiCredentials;
  /** Each apiserver by node: https://<nodeIP>:6443. */
  readonly apiservers: ReadonlyMap<string, string>;
  /** Through the LB first, then each apiserver directly (observers keep seeing while the LB is down). */
  readonly sources: ApiSources;
  /** Namespace of the test workload, and the NodePort URLs of every worker. */
  readonly workload: { readonly namespace: string; readonly targets: readonly HttpTarget[] } | undefined;
}

const repoRoot = join(import.meta.dirname, '../..');

export async function deployWorkload(session: SuiteSession, suite: string): Promise<{ namespace: string; targets: HttpTarget[] }> {
  const namespace = `${suite}-${session.run.runId.slice(-4)}`.toLowerCase();
  const manifest = readFileSync(join(repoRoot, 'fixtures/workloads/echo.yaml'), 'utf8').replaceAll('NAMESPACE', namespace);
  const k = session.cluster.kubectl;
  // Right after an earlier suite's heal the API can answer /readyz and still refuse a write for a
  // few seconds (seen in a full CI run after every apiserver had been held down): retry briefly.
  for (let attempt = 1; ; attempt++) {
    try {
      await kubectl(k, ['apply', '-f', '-'], { timeoutMs: 30_000, stdin: manifest });
      break;
    } catch (e) {
      if (attempt >= 6) {
        throw e;
      }
      await new Promise((r) => setTimeout(r, 5_000));
    }
  }
  await kubectl(k, ['-n', namespace, 'rollout', 'status', 'deployment/echo', '--timeout=120s'], { timeoutMs: 130_000 });
  const port = (await kubectl(k, ['-n', namespace, 'get', 'svc', 'echo-nodeport', '-o', 'jsonpath={.spec.ports[0].nodePort}'], { timeoutMs: 10_000 })).stdout.trim();
  const targets: HttpTarget[] = [];
  for (const w of session.cluster.workerNodes) {
    targets.push({ node: w.name, url: `http://${await w.address()}:${port}/continuity` });
  }
  return { namespace, targets };
}

export async function openControlPlaneSuite<Id extends string>(
  suite: string,
  build: (input: ControlPlaneCatalogueInput, session: SuiteSession) => ControlPlaneCatalogue<Id> | Promise<ControlPlaneCatalogue<Id>>,
  run: RunInfo,
  info: ClusterInfo,
  opts: { readonly workload?: boolean } = {},
): Promise<ControlPlaneSuite<Id>> {
  const session = await openSuiteSession(suite, run, info);
  const cluster = session.cluster;
  // Start from the baseline: an earlier suite's last heal may still be settling.
  const health = await waitForHealthy(cluster, session.etcd, 180_000);
  if (!health.healthy) {
    throw new Error(`refusing to start ${suite}: the cluster is not at its baseline: ${health.problems.join('; ')}`);
  }
  const reading = controlPlaneFlagsFrom(await readControlPlaneConfig(cluster), versions().kubernetes);
  const ips = await nodeIps([...cluster.controlPlaneNodes, ...cluster.workerNodes]);
  const catalogue = await build({ flags: reading.flags, nodeIps: ips, apiservers: cluster.controlPlanes, etcdPlacement: cluster.layout.etcd }, session);
  session.describe({
    suite,
    guarantees: catalogue.guarantees.map((g) => ({
      id: g.id, statement: g.statement, source: g.source, sourceVersion: g.sourceVersion, derivation: g.derivation, thresholds: g.thresholds,
    })),
    flags: { controlPlane: reading.flags, details: reading.details, warnings: reading.warnings, profile: run.profile },
    versions: { kubernetes: versions().kubernetes, etcd: versions().etcd, kind: versions().kind, nodeImage: info.nodeImage },
    notes: catalogue.notes,
  });
  const creds = loadKubeconfig(info.kubeconfig);
  const apiservers = await directApiservers(cluster.controlPlaneNodes);
  const workload = opts.workload ? await deployWorkload(session, suite) : undefined;
  return {
    session,
    catalogue,
    timings: timingsFor(run.profile),
    creds,
    apiservers,
    sources: { creds, viaLoadBalancer: true, direct: apiservers },
    workload,
    [Symbol.asyncDispose]: async () => {
      if (workload) {
        await kubectl(cluster.kubectl, ['delete', 'namespace', workload.namespace, '--wait=false'], { timeoutMs: 30_000 }).catch((e: unknown) => {
          console.warn(`could not delete the test workload namespace ${workload.namespace}: ${(e as Error).message}`);
        });
      }
      await session[Symbol.asyncDispose]();
    },
  };
}

/** For a suite file: open once per file, close after; returns a getter for the tests. */
export function useControlPlaneSuite<Id extends string>(
  suite: string,
  build: (input: ControlPlaneCatalogueInput, session: SuiteSession) => ControlPlaneCatalogue<Id> | Promise<ControlPlaneCatalogue<Id>>,
  opts: { readonly workload?: boolean } = {},
): () => ControlPlaneSuite<Id> {
  let s: ControlPlaneSuite<Id> | undefined;
  beforeAll(async () => {
    s = await openControlPlaneSuite(suite, build, inject('run'), inject('cluster'), opts);
  });
  afterAll(async () => {
    await s?.[Symbol.asyncDispose]();
  });
  return () => {
    if (s === undefined) {
      throw new Error(`the ${suite} suite did not open (see the beforeAll error)`);
    }
    return s;
  };
}
