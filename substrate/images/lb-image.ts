/**
 * The LB-host image of the vip-pair front (issue 10): keepalived (VRRP, holds the VIP) and haproxy
 * (spreads TCP 6443 over the apiservers), both from Debian packages, built offline and keyed by
 * its inputs like every other image.
 *
 * Not cut out of the node rootfs: keepalived is not in it, and adding it to NODE_PACKAGES would change
 * the rootfs key and rebuild the node image for every topology. It has a small debootstrap of its own
 * (minbase + the packages below, cached under its own key), from which the package closure of the
 * roots is cut, as the agent and haproxy images are cut from the node rootfs. Built on demand by
 * `cluster up` of a vip-pair layout (and the LB scripts), so nobody else pays for it.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../../harness/runtime/command.js';
import { imageLabel } from '../../harness/runtime/docker.js';
import { isDebian, isRoot } from '../../harness/runtime/host.js';
import { config } from '../../harness/config.js';
import { cachePath } from '../paths.js';
import { type Progress, UserFacingError } from '../progress.js';
import { versions } from '../versions.js';
import { contentKey } from './content-key.js';
import { ensureRootfsImage, KEY_LABEL, type RootfsImageSpec } from './rootfs-image.js';
import { closureFileList, tarList } from './rootfs.js';

/** Installed by debootstrap into the LB rootfs (minbase adds apt, dpkg, coreutils, ...). */
export const LB_PACKAGES = ['keepalived', 'haproxy', 'iproute2', 'procps'] as const;
/**
 * Package roots of the image, cut out of that rootfs by dependency closure. bash for its /dev/tcp:
 * the benchmark's independent TCP-connect loop runs in a container of this image beside the pair.
 */
export const LB_ROOTS = ['keepalived', 'haproxy', 'iproute2', 'procps', 'coreutils', 'dash', 'bash'] as const;

/** Bump when the recipe below changes in a way the inputs do not show. */
const LB_RECIPE_VERSION = '1';

/** The repository of the LB image; a domain, like the agent's, so no registry is ever implied. */
export const LB_REPOSITORY = 'kube-ha-chaos.local/lb';

/**
 * Where an LB container finds its two config files (host files, mounted read-only): haproxy's at the
 * path kind's LB image has it, so the harness reads either LB's config the same way.
 */
export const KEEPALIVED_CONF = '/etc/keepalived/keepalived.conf';
export const HAPROXY_CFG = '/usr/local/etc/haproxy/haproxy.cfg';
export const HAPROXY_PID_FILE = '/run/haproxy.pid';

/**
 * PID 1 of an LB container. haproxy starts first, as a daemon (master-worker, so a SIGUSR2 to its
 * master reloads it); then keepalived replaces the shell and IS PID 1: `docker stop` delivers SIGTERM
 * to keepalived itself, which then sends its priority-0 advertisement (the clean-stop case), and
 * `docker kill` takes the whole host down at once (the SIGKILL case). `--vrrp` runs only the VRRP
 * child (no IPVS checker: there is no IPVS in this kernel); `--dont-fork --log-console` keep it in
 * the foreground with its log in `docker logs`.
 */
export const LB_ENTRYPOINT = `#!/bin/sh
# kube-ha-chaos LB host: haproxy (daemon) + keepalived (PID 1).
set -eu
haproxy -W -D -p ${HAPROXY_PID_FILE} -f ${HAPROXY_CFG}
exec keepalived --dont-fork --log-console --log-detail --vrrp --use-file=${KEEPALIVED_CONF}
`;

/** The accounts the image needs (see lbImageSpec). */
const LB_PASSWD = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n';
const LB_GROUP = 'root:x:0:\nnogroup:x:65534:\n';

const PATH_ENV = 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Pure: the key of the LB rootfs (the debootstrap inputs only). */
export function lbRootfsKey(suite: string, mirror: string): string {
  return contentKey(['lb-rootfs', LB_RECIPE_VERSION, suite, mirror, LB_PACKAGES.join(',')]);
}

/** Pure: the LB image's content key from its rootfs key, the roots cut out of it and the entrypoint. */
export function lbImageKey(rootfsKey: string): string {
  return contentKey(['lb-image', LB_RECIPE_VERSION, rootfsKey, LB_ROOTS.join(','), LB_ENTRYPOINT, LB_PASSWD, LB_GROUP]);
}

/** The LB image this checkout builds (no I/O). */
export function lbImageRef(): string {
  const v = versions();
  return `${LB_REPOSITORY}:${lbImageKey(lbRootfsKey(v.debianSuite, v.debianMirror))}`;
}

export function lbImageSpec(rootfsKey: string, lbTar: string): RootfsImageSpec {
  const key = lbImageKey(rootfsKey);
  return {
    ref: `${LB_REPOSITORY}:${key}`,
    key,
    tarballs: [lbTar],
    contents: [
      { dest: 'usr/local/bin/kube-ha-chaos-lb', content: LB_ENTRYPOINT, mode: 0o755 },
      // The closure carries no /etc/passwd (base-passwd writes it in a maintainer script), and
      // keepalived resolves script_user root through it, or drops the track script.
      { dest: 'etc/passwd', content: LB_PASSWD },
      { dest: 'etc/group', content: LB_GROUP },
    ],
    config: [PATH_ENV, 'ENTRYPOINT ["/usr/local/bin/kube-ha-chaos-lb"]'],
  };
}

async function ensureDebootstrap(): Promise<void> {
  if (existsSync('/usr/sbin/debootstrap')) {
    return;
  }
  if (!isRoot() || !isDebian()) {
    throw new UserFacingError("debootstrap is missing: install Debian's debootstrap package (apt-get install debootstrap), then re-run");
  }
  await runCommand(['apt-get', 'install', '-y', '-qq', 'debootstrap'], { timeoutMs: 10 * 60_000, env: { DEBIAN_FRONTEND: 'noninteractive' } });
}

/** The debootstrapped LB rootfs as one tarball (cached under its key); returns its key and path. */
async function buildLbRootfs(progress: Progress): Promise<{ key: string; tar: string }> {
  const v = versions();
  const key = lbRootfsKey(v.debianSuite, v.debianMirror);
  const dir = cachePath('lb-rootfs', key);
  const tar = join(dir, 'rootfs.tar');
  if (existsSync(join(dir, '.complete'))) {
    progress.detail(`lb rootfs: cached (${key})`);
    return { key, tar };
  }
  await ensureDebootstrap();
  const work = `${dir}.work`;
  const partial = `${dir}.partial`;
  rmSync(work, { recursive: true, force: true });
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  try {
    await progress.timed(`debootstrap ${v.debianSuite} for the LB image (${LB_PACKAGES.join(', ')})`, () =>
      runCommand(['debootstrap', '--variant=minbase', `--include=${LB_PACKAGES.join(',')}`, v.debianSuite, work, v.debianMirror], { timeoutMs: 40 * 60_000 }),
    );
    await runCommand(['rm', '-rf', join(work, 'var/cache/apt/archives'), join(work, 'var/lib/apt/lists')], { timeoutMs: 60_000 });
    await runCommand(['tar', '-C', work, '--numeric-owner', '-cf', join(partial, 'rootfs.tar'), '.'], { timeoutMs: 10 * 60_000 });
    writeFileSync(join(partial, '.complete'), `${key}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(partial, dir);
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(partial, { recursive: true, force: true });
  }
  return { key, tar };
}

/** The LB image in the local Docker engine, built when missing or stale; returns its reference. */
export async function ensureLbImage(progress: Progress): Promise<string> {
  const ref = lbImageRef();
  const v = versions();
  const key = lbImageKey(lbRootfsKey(v.debianSuite, v.debianMirror));
  if (!config.forceImageRebuild && (await imageLabel(ref, KEY_LABEL)) === key) {
    progress.detail(`${ref}: cached (${key})`);
    return ref;
  }
  const rootfs = await buildLbRootfs(progress);
  const stage = cachePath('stage', `lb-rootfs-${key}`);
  const lbTar = `${stage}.tar`;
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  try {
    await progress.timed('cutting the LB closure out of the LB rootfs', async () => {
      await runCommand(['tar', '-C', stage, '--numeric-owner', '-xf', rootfs.tar], { timeoutMs: 10 * 60_000 });
      await tarList(stage, await closureFileList(stage, LB_ROOTS), lbTar);
    });
    await progress.timed(`building ${ref}`, () => ensureRootfsImage(lbImageSpec(rootfs.key, lbTar), progress));
  } finally {
    rmSync(stage, { recursive: true, force: true });
    rmSync(lbTar, { force: true });
  }
  return ref;
}
