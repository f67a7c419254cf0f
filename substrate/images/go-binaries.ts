/**
 * Stage 1 of the offline build: every Go command a cluster needs, built from the Go module proxy
 * through the project's own wrapper modules (substrate/go/*), each group cached under a key of its
 * inputs. Go's own build cache makes a changed group rebuild only what changed.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../../harness/runtime/command.js';
import { cachePath, repoRoot } from '../paths.js';
import type { Progress } from '../progress.js';
import { parseSemver, versions } from '../versions.js';
import { contentKey } from './content-key.js';

export interface GoBinaryGroup {
  readonly name: string;
  /** Wrapper module folder under substrate/go/. */
  readonly module: string;
  /** output file name -> package import path (or "." for the module itself) */
  readonly binaries: Readonly<Record<string, string>>;
  readonly ldflags: readonly string[];
}

/** -X stamps for k8s.io/component-base and client-go, or every binary reports v0.0.0 (kubeadm refuses). */
function kubernetesVersionStamps(version: string): string[] {
  const { major, minor } = parseSemver(version);
  const flags: string[] = [];
  for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
    flags.push(
      `-X ${pkg}.gitVersion=${version}`,
      `-X ${pkg}.gitMajor=${major}`,
      `-X ${pkg}.gitMinor=${minor}`,
      `-X ${pkg}.gitTreeState=clean`,
      // A fixed date keeps the binaries (and so the image keys) reproducible.
      `-X ${pkg}.buildDate=1970-01-01T00:00:00Z`,
    );
  }
  return flags;
}

export function goBinaryGroups(): readonly GoBinaryGroup[] {
  const v = versions();
  return [
    {
      name: 'kubernetes',
      module: 'kubernetes',
      binaries: Object.fromEntries(
        ['kubeadm', 'kubelet', 'kubectl', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kube-proxy'].map(
          (b) => [b, `k8s.io/kubernetes/cmd/${b}`],
        ),
      ),
      ldflags: kubernetesVersionStamps(v.kubernetes),
    },
    {
      name: 'etcd',
      module: 'etcd',
      binaries: { etcd: 'go.etcd.io/etcd/server/v3', etcdctl: 'go.etcd.io/etcd/etcdctl/v3', etcdutl: 'go.etcd.io/etcd/etcdutl/v3' },
      ldflags: [],
    },
    { name: 'coredns', module: 'coredns', binaries: { coredns: 'github.com/coredns/coredns' }, ldflags: [] },
    { name: 'kind', module: 'kind', binaries: { kind: 'sigs.k8s.io/kind' }, ldflags: [] },
    { name: 'podnet', module: 'podnet', binaries: { podnet: '.' }, ldflags: [] },
    { name: 'workload', module: 'workload', binaries: { workload: '.' }, ldflags: [] },
  ];
}

async function goVersion(): Promise<string> {
  const r = await runCommand(['go', 'env', 'GOVERSION'], { timeoutMs: 30_000 });
  return r.stdout.trim();
}

export function groupKey(group: GoBinaryGroup, goVer: string): string {
  const root = repoRoot();
  return contentKey([
    `go-binaries:${group.name}`,
    goVer,
    JSON.stringify(group.binaries),
    group.ldflags.join(' '),
    { dir: join(root, 'substrate/go', group.module), root },
  ]);
}

/** Returns output folder -> binaries inside, building whatever is missing. */
export async function buildGoBinaries(progress: Progress): Promise<Record<string, string>> {
  const goVer = await goVersion();
  const out: Record<string, string> = {};
  for (const group of goBinaryGroups()) {
    const key = groupKey(group, goVer);
    const dir = cachePath('bin', `${group.name}-${key}`);
    out[group.name] = dir;
    if (existsSync(join(dir, '.complete'))) {
      progress.detail(`go binaries ${group.name}: cached (${key})`);
      continue;
    }
    await progress.timed(`building ${group.name} (${Object.keys(group.binaries).join(', ')})`, async () => {
      const tmp = `${dir}.partial`;
      rmSync(tmp, { recursive: true, force: true });
      mkdirSync(tmp, { recursive: true });
      for (const [name, pkg] of Object.entries(group.binaries)) {
        await runCommand(
          ['go', 'build', '-trimpath', '-ldflags', ['-s', '-w', ...group.ldflags].join(' '), '-o', join(tmp, name), pkg],
          {
            cwd: join(repoRoot(), 'substrate/go', group.module),
            // Static binaries: they run in FROM-scratch images and in any node rootfs.
            env: { CGO_ENABLED: '0', GOFLAGS: '-mod=readonly' },
            timeoutMs: 60 * 60_000,
          },
        );
        progress.detail(`built ${name}`);
      }
      writeFileSync(join(tmp, '.complete'), `${key}\n`);
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
    });
  }
  return out;
}
