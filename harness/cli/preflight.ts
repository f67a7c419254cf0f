/**
 * `npm run preflight -- [--kubeconfig <file>] [--context <name>] [--nodes none|docker]`
 *
 * Look at a cluster, change nothing: discover its control planes, where etcd runs, what fronts the
 * apiservers, every leader-election Lease and its holder, and the flags the guarantee bounds derive
 * from; write the bounds the suites would apply and the risks of the design to
 * reports/preflight-<stamp>/ (preflight.json, summary.md, preflight.html). Every API call is a GET,
 * so a kubeconfig whose user may only get/list/watch is enough (see the README for the RBAC).
 * Exit 0 when the baseline is healthy, 1 when it is not, 2 for bad input or an unreachable cluster.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readClusterState } from '../../substrate/cluster/cluster-state.js';
import { assessPreflight } from '../preflight/assess.js';
import { discoverCluster } from '../preflight/discover.js';
import { preflightVerdict, renderPreflightHtml, renderPreflightMarkdown } from '../preflight/render.js';
import { KubeApiError } from '../runtime/kube-api.js';
import { KubeconfigError, loadKubeconfig } from '../runtime/kubeconfig.js';

const NODE_ACCESS = ['none', 'docker'] as const;
const PLANNED = ['ssh', 'agent'];

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<number> {
  const known = new Set(['--kubeconfig', '--context', '--nodes']);
  for (let i = 2; i < process.argv.length; i += 2) {
    const a = process.argv[i] ?? '';
    if (!known.has(a) || process.argv[i + 1] === undefined) {
      console.error(`error: unknown or incomplete argument ${JSON.stringify(a)}: usage: npm run preflight -- [--kubeconfig <file>] [--context <name>] [--nodes none|docker]`);
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
    console.error(`error: --nodes ${nodes} is not available yet (issue 11); use --nodes none (API only) or --nodes docker (nodes are containers on this host)`);
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
  let facts;
  try {
    facts = await discoverCluster(creds, {
      nodeAccess: nodes as (typeof NODE_ACCESS)[number],
      ...(ours?.etcdctlBinary !== undefined && existsSync(ours.etcdctlBinary) ? { etcdctlBinary: ours.etcdctlBinary } : {}),
    });
  } catch (e) {
    if (e instanceof KubeApiError) {
      const hint = e.status === 401 ? 'the credentials were refused: check the kubeconfig user' : e.status === 403 ? 'this user may not read what the preflight needs: grant the read-only ClusterRole in the README' : `is the cluster up and ${creds.serverUrl} reachable from here?`;
      console.error(`error: ${e.message}: ${hint}; nothing was changed`);
      return 2;
    }
    throw e;
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
  return preflightVerdict(assessment) === 'ready' ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`error: ${(e as Error).message}`);
    process.exit(2);
  },
);
