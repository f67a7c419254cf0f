/**
 * Stage 2: the Debian rootfs of every node (debootstrap from the Debian mirror), plus two small
 * rootfs tarballs cut out of it by package closure: iptables/conntrack userland for kube-proxy, and
 * haproxy with the few tools kind runs in its load balancer (mkdir, cp, kill).
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../../harness/runtime/command.js';
import { isDebian, isRoot } from '../../harness/runtime/host.js';
import { cachePath } from '../paths.js';
import { type Progress, UserFacingError } from '../progress.js';
import { versions } from '../versions.js';
import { contentKey } from './content-key.js';
import { packageClosure, parseDepends } from './debian-packages.js';

/** What a kind node runs besides the Kubernetes binaries (kind's base image list, Debian's packages). */
export const NODE_PACKAGES = [
  'systemd', 'dbus', 'containerd', 'runc', 'containernetworking-plugins',
  'iptables', 'nftables', 'conntrack', 'iproute2', 'ethtool', 'util-linux', 'mount', 'kmod',
  'libseccomp2', 'pigz', 'bash', 'ca-certificates', 'curl', 'jq', 'procps', 'socat', 'psmisc',
  // Used by the chaos harness inside nodes (kill by name, probe a port).
  'iputils-ping', 'netcat-openbsd',
  // Not run by the node: the load-balancer image is cut out of this rootfs.
  'haproxy',
] as const;

/** Package roots of the two small images cut out of the node rootfs. */
export const IPTABLES_ROOTS = ['iptables', 'conntrack', 'nftables'] as const;
export const HAPROXY_ROOTS = ['haproxy', 'coreutils', 'procps'] as const;

/** Bump when the recipe below changes in a way the inputs do not show. */
const RECIPE_VERSION = '4';

/** Trim what a container does not need and what would fight Docker (kind's base image does the same). */
const TRIM_SCRIPT = `
set -eu
cd "$1"
rm -rf var/cache/apt/archives/*.deb var/lib/apt/lists/* usr/share/doc/* usr/share/man/* usr/share/info/*
rm -f lib/systemd/system/multi-user.target.wants/* etc/systemd/system/*.wants/* \\
      lib/systemd/system/local-fs.target.wants/* lib/systemd/system/sockets.target.wants/*udev* \\
      lib/systemd/system/sockets.target.wants/*initctl* lib/systemd/system/basic.target.wants/* \\
      lib/systemd/system/sysinit.target.wants/systemd-tmpfiles-setup.service
# The kernel log belongs to the host.
echo ReadKMsg=no >> etc/systemd/journald.conf
ln -sf /lib/systemd/systemd sbin/init
mkdir -p etc/kubernetes/manifests kind/manifests
# No machine identity in the image: the entrypoint gives each node its own.
: > etc/machine-id
`;

export interface RootfsArtifacts {
  readonly key: string;
  readonly nodeTar: string;
  readonly iptablesTar: string;
  readonly haproxyTar: string;
}

async function ensureDebootstrap(progress: Progress): Promise<void> {
  if (existsSync('/usr/sbin/debootstrap')) {
    return;
  }
  if (!isRoot() || !isDebian()) {
    throw new UserFacingError('debootstrap is missing: install Debian\'s debootstrap package (apt-get install debootstrap), then re-run');
  }
  await progress.timed('installing debootstrap', () =>
    runCommand(['apt-get', 'install', '-y', '-qq', 'debootstrap'], { timeoutMs: 10 * 60_000, env: { DEBIAN_FRONTEND: 'noninteractive' } }),
  );
}

/** Installed packages of a rootfs -> their dependency field. */
async function installedPackages(rootfs: string): Promise<Map<string, string>> {
  const r = await runCommand(
    ['dpkg-query', `--admindir=${join(rootfs, 'var/lib/dpkg')}`, '-W', '-f', '${Package}\t${db:Status-Abbrev}\t${Pre-Depends}, ${Depends}\n'],
    { timeoutMs: 60_000 },
  );
  const out = new Map<string, string>();
  for (const line of r.stdout.split('\n')) {
    const [name, status, deps] = line.split('\t');
    if (name && status?.startsWith('ii')) {
      out.set(name, deps ?? '');
    }
  }
  return out;
}

/** Files of `roots` and their dependencies, plus the /etc/alternatives links that point at them. */
export async function closureFileList(rootfs: string, roots: readonly string[]): Promise<string[]> {
  const installed = await installedPackages(rootfs);
  const pkgs = packageClosure(roots, (p) => parseDepends(installed.get(p) ?? '', (n) => installed.has(n)));
  const r = await runCommand(['dpkg-query', `--admindir=${join(rootfs, 'var/lib/dpkg')}`, '-L', ...pkgs], { timeoutMs: 60_000 });
  // usrmerge: /bin, /sbin, /lib* are symlinks into /usr. dpkg lists files under both spellings;
  // keep only the real path, or tar stores a file behind a symlink and cannot unpack it.
  const mergedDirs = new Map<string, string>();
  for (const d of ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32']) {
    const full = join(rootfs, d);
    if (existsSync(full) && lstatSync(full).isSymbolicLink()) {
      mergedDirs.set(d, `/${readlinkSync(full).replace(/^\//, '')}`);
    }
  }
  const canonical = (p: string): string => {
    const [, first, ...rest] = p.split('/');
    const target = first === undefined ? undefined : mergedDirs.get(first);
    return target !== undefined && rest.length > 0 ? `${target}/${rest.join('/')}` : p;
  };
  const files = new Set<string>();
  for (const raw of r.stdout.split('\n')) {
    const p = canonical(raw.trim());
    if (!p.startsWith('/') || /^\/usr\/share\/(doc|man|info|lintian)\//.test(p)) {
      continue;
    }
    try {
      lstatSync(join(rootfs, p));
      files.add(p);
    } catch {
      // Listed by dpkg but trimmed from this rootfs (docs): fine to leave out.
    }
  }
  // update-alternatives links (/usr/sbin/iptables -> /etc/alternatives/iptables -> iptables-nft).
  const altDir = join(rootfs, 'etc/alternatives');
  for (const name of readdirSync(altDir)) {
    if (!lstatSync(join(altDir, name)).isSymbolicLink()) {
      continue; // the README
    }
    const target = readlinkSync(join(altDir, name));
    if (!files.has(target)) {
      continue;
    }
    files.add(`/etc/alternatives/${name}`);
    for (const bin of ['/usr/sbin', '/usr/bin']) {
      const link = join(rootfs, bin, name);
      try {
        if (lstatSync(link).isSymbolicLink() && readlinkSync(link) === `/etc/alternatives/${name}`) {
          files.add(`${bin}/${name}`);
        }
      } catch {
        // no such link in this folder
      }
    }
  }
  // The usrmerge symlinks (/bin -> usr/bin, /lib -> usr/lib, /lib64 -> usr/lib64): the dynamic loader
  // is found as /lib64/ld-linux-x86-64.so.2.
  for (const l of ['/bin', '/sbin', '/lib', '/lib64']) {
    if (existsSync(join(rootfs, l)) && lstatSync(join(rootfs, l)).isSymbolicLink()) {
      files.add(l);
    }
  }
  return [...files].sort().map((f) => `.${f}`);
}

/** A tarball of exactly the files `list` names (relative to `rootfs`, no recursion). */
export async function tarList(rootfs: string, list: readonly string[], out: string): Promise<void> {
  const listFile = `${out}.list`;
  writeFileSync(listFile, `${list.join('\n')}\n`);
  await runCommand(['tar', '-C', rootfs, '--numeric-owner', '--no-recursion', '-cf', out, '-T', listFile], { timeoutMs: 10 * 60_000 });
  rmSync(listFile);
}

export function rootfsKey(): string {
  const v = versions();
  return contentKey(['rootfs', RECIPE_VERSION, v.debianSuite, v.debianMirror, NODE_PACKAGES.join(','), IPTABLES_ROOTS.join(','), HAPROXY_ROOTS.join(','), TRIM_SCRIPT]);
}

export async function buildRootfs(progress: Progress): Promise<RootfsArtifacts> {
  const v = versions();
  const key = rootfsKey();
  const dir = cachePath('rootfs', key);
  const artifacts: RootfsArtifacts = {
    key,
    nodeTar: join(dir, 'node.tar'),
    iptablesTar: join(dir, 'iptables.tar'),
    haproxyTar: join(dir, 'haproxy.tar'),
  };
  if (existsSync(join(dir, '.complete'))) {
    progress.detail(`rootfs: cached (${key})`);
    return artifacts;
  }
  await ensureDebootstrap(progress);
  const work = cachePath('rootfs', `${key}.work`);
  const partial = `${dir}.partial`;
  rmSync(work, { recursive: true, force: true });
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  await progress.timed(`debootstrap ${v.debianSuite} (${NODE_PACKAGES.length} packages)`, () =>
    runCommand(
      ['debootstrap', '--variant=minbase', `--include=${NODE_PACKAGES.join(',')}`, v.debianSuite, work, v.debianMirror],
      { timeoutMs: 40 * 60_000 },
    ),
  );
  await runCommand(['sh', '-c', TRIM_SCRIPT, 'trim', work], { timeoutMs: 120_000 });
  await progress.timed('packing rootfs tarballs', async () => {
    await tarList(work, await closureFileList(work, IPTABLES_ROOTS), join(partial, 'iptables.tar'));
    await tarList(work, await closureFileList(work, HAPROXY_ROOTS), join(partial, 'haproxy.tar'));
    await runCommand(['tar', '-C', work, '--numeric-owner', '-cf', join(partial, 'node.tar'), '.'], { timeoutMs: 20 * 60_000 });
  });
  writeFileSync(join(partial, '.complete'), `${key}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  rmSync(work, { recursive: true, force: true });
  return artifacts;
}
