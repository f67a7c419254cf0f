/**
 * Substrate benchmarks (results go in the README): cold image build from empty caches, warm rebuild,
 * `cluster up` / `down` for a topology, resident memory of the running cluster, image sizes.
 *
 *   npx tsx scripts/bench-substrate.ts [--cold] [--cluster ha-3cp]
 *
 * --cold builds into a throw-away cache (empty Go build and module caches too, every image forced to
 * rebuild): ~15 min of both cores. Results: reports/bench/substrate-<stamp>.json and a Markdown table.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runCommand } from '../harness/runtime/command.js';
import { docker, imageSizeBytes, kindContainers } from '../harness/runtime/docker.js';
import { versions } from '../substrate/versions.js';

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const results: Record<string, number | string> = {};
const tsx = join(root, 'node_modules/.bin/tsx');

async function timed(name: string, argv: string[], env: Record<string, string> = {}): Promise<number> {
  const t0 = performance.now();
  await runCommand(argv, { cwd: root, env, timeoutMs: 90 * 60_000, onOutput: (c) => process.stdout.write(c) });
  const s = (performance.now() - t0) / 1000;
  results[name] = Number(s.toFixed(1));
  return s;
}

if (args.includes('--cold')) {
  const scratch = mkdtempSync(join(tmpdir(), 'kube-ha-chaos-cold-'));
  try {
    await timed('coldBuildS', [tsx, 'substrate/cli/images.ts'], {
      KUBE_HA_CHAOS_CACHE: join(scratch, 'cache'),
      GOCACHE: join(scratch, 'gocache'),
      GOMODCACHE: join(scratch, 'gomodcache'),
      KUBE_HA_CHAOS_REBUILD: '1',
    });
  } finally {
    // The module cache is read-only files: make them writable before removing.
    await runCommand(['chmod', '-R', 'u+w', scratch], { timeoutMs: 120_000 });
    rmSync(scratch, { recursive: true, force: true });
  }
}
await timed('warmRebuildS', [tsx, 'substrate/cli/images.ts']);

const clusterIdx = args.indexOf('--cluster');
if (clusterIdx >= 0) {
  const topology = args[clusterIdx + 1] ?? 'ha-3cp';
  await timed('downS', [tsx, 'substrate/cli/cluster.ts', 'down']);
  await timed(`up_${topology}_S`, [tsx, 'substrate/cli/cluster.ts', 'up', topology]);
  // Let it settle, then sum the memory cgroups of the cluster's containers.
  await new Promise((r) => setTimeout(r, 60_000));
  const names = (await kindContainers('kube-ha-chaos')).map((c) => c.name);
  const stats = await docker(['stats', '--no-stream', '--format', '{{.Name}} {{.MemUsage}}', ...names], { timeoutMs: 60_000 });
  let totalMiB = 0;
  for (const line of stats.stdout.trim().split('\n')) {
    const m = /\s([\d.]+)(KiB|MiB|GiB)\s*\//.exec(line);
    if (m?.[1] && m[2]) {
      totalMiB += Number(m[1]) * ({ KiB: 1 / 1024, MiB: 1, GiB: 1024 } as Record<string, number>)[m[2]]!;
    }
  }
  results[`memory_${topology}_MiB`] = Math.round(totalMiB);
}

const v = versions();
const refs = [v.images.etcd, v.images.coredns, v.images.pause, v.images.podnet, v.images.workload, v.images.haproxy,
  ...['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kube-proxy'].map((c) => `registry.k8s.io/${c}:${v.kubernetes}`),
  `${v.images.nodeRepository}:${v.kubernetes}`];
for (const ref of refs) {
  results[`image ${ref} MiB`] = Number(((await imageSizeBytes(ref)) / 1024 / 1024).toFixed(1));
}
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
mkdirSync(join(root, 'reports/bench'), { recursive: true });
writeFileSync(join(root, `reports/bench/substrate-${stamp}.json`), `${JSON.stringify(results, null, 2)}\n`);
console.log('\n| measurement | value |\n|---|---|');
for (const [k, val] of Object.entries(results)) {
  console.log(`| ${k} | ${val} |`);
}
