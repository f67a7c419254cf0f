/**
 * An image made of Debian packages, built offline and keyed by its inputs: a minbase debootstrap of
 * its own (cached under a key of the debootstrap inputs only) from which the dependency closure of
 * some package roots is cut, plus a few files written in. The recipe of the LB image (lb-image.ts),
 * made reusable for the other fronts' images (nginx-image.ts), so adding a package to one image never
 * changes the node rootfs or another image's key.
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

export interface DebianClosureImage {
  /** Names the cache folders (`<name>-rootfs/<key>`) and the key inputs. */
  readonly name: string;
  /** Image repository, a domain (no registry is ever implied): `<repository>:<key>`. */
  readonly repository: string;
  /** Bump when the recipe changes in a way the inputs do not show. */
  readonly recipeVersion: string;
  /** Installed by debootstrap --variant=minbase --include=... */
  readonly packages: readonly string[];
  /** Package roots whose dependency closure becomes the image. */
  readonly roots: readonly string[];
  /** Files written into the image (entrypoints, /etc/passwd). */
  readonly contents: NonNullable<RootfsImageSpec['contents']>;
  /** `docker import --change` instructions (ENV, ENTRYPOINT, ...). */
  readonly config: readonly string[];
}

/** Pure: the key of the image's debootstrapped rootfs (suite, mirror and packages only). */
export function closureRootfsKey(img: DebianClosureImage, suite: string, mirror: string): string {
  return contentKey([`${img.name}-rootfs`, img.recipeVersion, suite, mirror, img.packages.join(',')]);
}

/** Pure: the image's key from its rootfs key, its roots and everything written into it. */
export function closureImageKey(img: DebianClosureImage, rootfsKey: string): string {
  return contentKey([
    `${img.name}-image`, img.recipeVersion, rootfsKey, img.roots.join(','),
    ...img.contents.map((c) => `${c.dest}:${(c.mode ?? 0o644).toString(8)}:${c.content}`),
    ...img.config,
  ]);
}

/** The reference this checkout builds (no I/O). */
export function closureImageRef(img: DebianClosureImage): string {
  const v = versions();
  return `${img.repository}:${closureImageKey(img, closureRootfsKey(img, v.debianSuite, v.debianMirror))}`;
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

async function buildClosureRootfs(img: DebianClosureImage, progress: Progress): Promise<{ key: string; tar: string }> {
  const v = versions();
  const key = closureRootfsKey(img, v.debianSuite, v.debianMirror);
  const dir = cachePath(`${img.name}-rootfs`, key);
  const tar = join(dir, 'rootfs.tar');
  if (existsSync(join(dir, '.complete'))) {
    progress.detail(`${img.name} rootfs: cached (${key})`);
    return { key, tar };
  }
  await ensureDebootstrap();
  const work = `${dir}.work`;
  const partial = `${dir}.partial`;
  rmSync(work, { recursive: true, force: true });
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  try {
    await progress.timed(`debootstrap ${v.debianSuite} for the ${img.name} image (${img.packages.join(', ')})`, () =>
      runCommand(['debootstrap', '--variant=minbase', `--include=${img.packages.join(',')}`, v.debianSuite, work, v.debianMirror], { timeoutMs: 40 * 60_000 }),
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

/** The image in the local Docker engine, built when missing or stale; returns its reference. */
export async function ensureDebianClosureImage(img: DebianClosureImage, progress: Progress): Promise<string> {
  const ref = closureImageRef(img);
  const v = versions();
  const key = closureImageKey(img, closureRootfsKey(img, v.debianSuite, v.debianMirror));
  if (!config.forceImageRebuild && (await imageLabel(ref, KEY_LABEL)) === key) {
    progress.detail(`${ref}: cached (${key})`);
    return ref;
  }
  const rootfs = await buildClosureRootfs(img, progress);
  const stage = cachePath('stage', `${img.name}-rootfs-${key}`);
  const closureTar = `${stage}.tar`;
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  try {
    await progress.timed(`cutting the ${img.name} closure (${img.roots.join(', ')}) out of its rootfs`, async () => {
      await runCommand(['tar', '-C', stage, '--numeric-owner', '-xf', rootfs.tar], { timeoutMs: 10 * 60_000 });
      await tarList(stage, await closureFileList(stage, img.roots), closureTar);
    });
    await progress.timed(`building ${ref}`, () =>
      ensureRootfsImage({ ref, key, tarballs: [closureTar], contents: img.contents, config: img.config }, progress),
    );
  } finally {
    rmSync(stage, { recursive: true, force: true });
    rmSync(closureTar, { force: true });
  }
  return ref;
}
