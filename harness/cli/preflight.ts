/**
 * `npm run preflight -- [--kubeconfig <file>] [--context <name>] [--nodes none|docker|agent]
 *                       [--kubectl <binary>] [--agent-image <ref>]`
 *
 * Look at a cluster, change nothing: discover its control planes, where etcd runs, what fronts the
 * apiservers, every leader-election Lease and its holder, and the flags the guarantee bounds derive
 * from; write the bounds the suites would apply and the risks of the design to
 * reports/preflight-<stamp>/ (preflight.json, summary.md, preflight.html). Every API call is a GET,
 * so a kubeconfig whose user may only get/list/watch is enough (see the README for the RBAC).
 * Exit 0 when the baseline is healthy, 1 when it is not, 2 for bad input or an unreachable cluster.
 *
 * --nodes agent is the one exception to "changes nothing": it deploys one privileged pod per
 * control-plane node (harness/nodes/agent-node-access.ts) to read the nodes, and removes them before
 * it reports, on success, on failure and on Ctrl-C/SIGTERM/SIGHUP; the report names what it created
 * and whether the removal was verified. A run killed with SIGKILL leaves them for the next run, which
 * removes them first (their namespace names its owner process). The user needs the rights in
 * fixtures/rbac/preflight-agent.yaml; without them it says which are missing and creates nothing.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readClusterState } from '../../substrate/cluster/cluster-state.js';
import { agentImageRef, ensureAgentImage } from '../../substrate/images/agent-image.js';
import { rootfsKey } from '../../substrate/images/rootfs.js';
import { cachePath } from '../../substrate/paths.js';
import { AGENT_NAMESPACE, AgentError, deployAgents, removeAgents, type AgentDeployment, type AgentRemoval } from '../nodes/agent-node-access.js';
import type { ClusterChangesFact } from '../preflight/facts.js';
import { assessPreflight } from '../preflight/assess.js';
import { discoverCluster } from '../preflight/discover.js';
import { preflightVerdict, renderPreflightHtml, renderPreflightMarkdown } from '../preflight/render.js';
import { KubeApiError } from '../runtime/kube-api.js';
import { CommandNotFoundError } from '../runtime/command.js';
import { KubeconfigError, loadKubeconfig, type KubeApiCredentials } from '../runtime/kubeconfig.js';

const NODE_ACCESS = ['none', 'docker', 'agent'] as const;
const PLANNED = ['ssh'];
const USAGE = 'usage: npm run preflight -- [--kubeconfig <file>] [--context <name>] [--nodes none|docker|agent] [--kubectl <binary>] [--agent-image <ref>]';
const AGENT_REMOVAL_MS = 90_000;

/**
 * The removal of the agents, registered before the first one is created and run once, whichever
 * way the preflight ends: its own finally, a signal, or (announced only: 'exit' cannot wait) exit.
 */
class AgentCleanup {
  #creds: KubeApiCredentials | undefined;
  #running: Promise<AgentRemoval> | undefined;
  #done = false;

  /** From now on the agents may exist (the namespace was just created). */
  arm(creds: KubeApiCredentials): void {
    this.#creds = creds;
  }

  get pending(): boolean {
    return this.#creds !== undefined && !this.#done;
  }

  run(): Promise<AgentRemoval> {
    const creds = this.#creds;
    if (creds === undefined) {
      return Promise.resolve({ removed: true, tookMs: 0, detail: 'nothing was created' });
    }
    this.#running ??= removeAgents(creds, { timeoutMs: AGENT_REMOVAL_MS }).then((r) => {
      this.#done = r.removed;
      return r;
    });
    return this.#running;
  }
}

const cleanup = new AgentCleanup();
let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    if (interrupted || !cleanup.pending) {
      if (cleanup.pending) {
        console.error(`error: interrupted again while removing the agents: the next preflight removes them, or \`kubectl delete namespace ${AGENT_NAMESPACE}\``);
      }
      process.exit(130);
    }
    interrupted = true;
    console.error(`${sig}: removing the agent pods before exiting (namespace ${AGENT_NAMESPACE}) ...`);
    cleanup.run().then(
      (r) => {
        console.error(`agents removed (${r.detail}, ${(r.tookMs / 1000).toFixed(1)} s)`);
        process.exit(130);
      },
      (e: unknown) => {
        console.error(`error: ${(e as Error).message}`);
        process.exit(130);
      },
    );
  });
}
process.on('exit', () => {
  if (cleanup.pending) {
    console.error(`warning: the agent pods in namespace ${AGENT_NAMESPACE} may still exist: the next \`npm run preflight -- --nodes agent\` removes them, or \`kubectl delete namespace ${AGENT_NAMESPACE}\``);
  }
});

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<number> {
  const known = new Set(['--kubeconfig', '--context', '--nodes', '--kubectl', '--agent-image']);
  for (let i = 2; i < process.argv.length; i += 2) {
    const a = process.argv[i] ?? '';
    if (!known.has(a) || process.argv[i + 1] === undefined) {
      console.error(`error: unknown or incomplete argument ${JSON.stringify(a)}: ${USAGE}`);
      return 2;
    }
  }
  const ours = readClusterState('kube-ha-chaos');
  const kubeconfig = flag('kubeconfig') ?? ours?.kubeconfig;
  if (kubeconfig === undefined || !existsSync(kubeconfig)) {
    console.error(`error: no kubeconfig ${kubeconfig === undefined ? 'given' : `at ${kubeconfig}`}: pass --kubeconfig <file> (or bring up the project's own cluster with \`npm run cluster -- up\`)`);
    return 2;
  }
  const nodes = flag('nodes') ?? 'none';
  if (PLANNED.includes(nodes)) {
    console.error(`error: --nodes ${nodes} is not available yet (issue 11); use --nodes none (API only), --nodes docker (nodes are containers on this host) or --nodes agent (a privileged pod per control-plane node)`);
    return 2;
  }
  if (!(NODE_ACCESS as readonly string[]).includes(nodes)) {
    console.error(`error: --nodes must be one of ${NODE_ACCESS.join(', ')}, got ${JSON.stringify(nodes)}`);
    return 2;
  }
  let creds;
  try {
    creds = loadKubeconfig(kubeconfig, flag('context'));
  } catch (e) {
    if (e instanceof KubeconfigError) {
      console.error(`error: ${e.message}: check --kubeconfig and --context (\`kubectl config get-contexts --kubeconfig ${kubeconfig}\` lists them)`);
      return 2;
    }
    throw e;
  }
  const kubectlBinary = flag('kubectl') ?? (ours !== undefined && existsSync(ours.kubectlBinary) ? ours.kubectlBinary : 'kubectl');
  const agentImage = nodes === 'agent' ? await agentImageFor(flag('agent-image')) : undefined;
  let deployment: AgentDeployment | undefined;
  let facts;
  let removal: AgentRemoval | undefined;
  try {
    facts = await discoverCluster(creds, {
      nodeAccess: nodes as (typeof NODE_ACCESS)[number],
      ...(ours?.etcdctlBinary !== undefined && existsSync(ours.etcdctlBinary) ? { etcdctlBinary: ours.etcdctlBinary } : {}),
      ...(agentImage === undefined
        ? {}
        : {
            openNodes: async (controlPlanes) => {
              deployment = await deployAgents({
                creds,
                kubectl: { kubectlBinary, kubeconfig, context: creds.contextName },
                image: agentImage,
                nodes: controlPlanes.map((n) => ({ name: n.name, roles: ['control-plane'], internalIp: n.internalIp ?? '' })),
                purpose: 'npm run preflight',
                onCreated: () => cleanup.arm(creds),
                say: (l) => console.error(l),
              });
              return deployment.nodes;
            },
          }),
    });
  } catch (e) {
    const left = await removeAfterFailure();
    if (e instanceof AgentError) {
      console.error(`error: ${e.message}${left}`);
      return 2;
    }
    if (e instanceof CommandNotFoundError && e.program === kubectlBinary) {
      console.error(`error: ${e.message}: --nodes agent runs kubectl exec; pass --kubectl <binary>${left}`);
      return 2;
    }
    if (e instanceof KubeApiError) {
      const hint = e.status === 401 ? 'the credentials were refused: check the kubeconfig user' : e.status === 403 ? 'this user may not read what the preflight needs: grant the read-only ClusterRole in the README' : `is the cluster up and ${creds.serverUrl} reachable from here?`;
      console.error(`error: ${e.message}: ${hint}${left || '; nothing was changed'}`);
      return 2;
    }
    throw e;
  }
  let removalError: string | undefined;
  if (cleanup.pending) {
    try {
      removal = await cleanup.run();
    } catch (e) {
      removalError = (e as Error).message;
    }
  }
  if (deployment !== undefined) {
    const changes: ClusterChangesFact = {
      created: deployment.created,
      removed: removal?.removed ?? false,
      detail: removal === undefined ? (removalError ?? 'not removed') : `${removal.detail}, in ${(removal.tookMs / 1000).toFixed(1)} s`,
      ...(agentImage === undefined ? {} : { image: agentImage }),
      ...(deployment.removedLeftover === undefined ? {} : { removedLeftover: deployment.removedLeftover }),
    };
    facts = { ...facts, clusterChanges: changes };
  }
  const assessment = assessPreflight(facts);
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  const dir = join(import.meta.dirname, '..', '..', 'reports', `preflight-${stamp}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'preflight.json'), `${JSON.stringify({ facts, assessment }, null, 2)}\n`);
  const md = renderPreflightMarkdown(facts, assessment);
  writeFileSync(join(dir, 'summary.md'), md);
  writeFileSync(join(dir, 'preflight.html'), renderPreflightHtml(facts, assessment));
  console.log(md);
  console.log(`report: ${join(dir, 'preflight.html')}`);
  if (removalError !== undefined) {
    console.error(`error: ${removalError}`);
    return 2;
  }
  return preflightVerdict(assessment) === 'ready' ? 0 : 1;
}

/**
 * After a failed preflight: remove whatever agents it created, and say in a line what is left
 * (appended to the error): nothing, or what to delete by hand.
 */
async function removeAfterFailure(): Promise<string> {
  if (!cleanup.pending) {
    return '';
  }
  try {
    const r = await cleanup.run();
    return `; the agents it created were removed (${r.detail})`;
  } catch (e) {
    return `; removing its agents failed too: ${(e as Error).message}`;
  }
}

/**
 * The agent image to run: --agent-image as given, or this checkout's, built here (cached by content)
 * when Docker and the node rootfs are at hand, so the error for a node without it can name the
 * exact reference to load.
 */
async function agentImageFor(given: string | undefined): Promise<string> {
  if (given !== undefined) {
    return given;
  }
  const ref = agentImageRef();
  if (existsSync(cachePath('rootfs', rootfsKey(), '.complete'))) {
    const quiet = { step: () => undefined, detail: () => undefined, timed: <T>(_m: string, w: () => Promise<T>): Promise<T> => w() };
    try {
      await ensureAgentImage(quiet);
    } catch (e) {
      if (!(e instanceof CommandNotFoundError)) {
        throw e;
      }
      // No docker on this host: the image must already be on the nodes.
    }
  }
  return ref;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`error: ${(e as Error).message}`);
    process.exit(2);
  },
);
