/**
 * Stage 4: the kind base image: the debootstrap rootfs imported as an image, plus the project's own
 * entrypoint, systemd units and containerd config (substrate/images/files/base), with systemd as
 * init. No registry: the Dockerfile's FROM is the locally imported rootfs.
 */
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { docker, imageExists, imageLabel, importRootfs } from '../../harness/runtime/docker.js';
import { config } from '../../harness/config.js';
import { cachePath, repoRoot } from '../paths.js';
import type { Progress } from '../progress.js';
import { versions } from '../versions.js';
import { contentKey } from './content-key.js';
import { KEY_LABEL } from './rootfs-image.js';
import type { RootfsArtifacts } from './rootfs.js';

export interface BaseImage {
  readonly ref: string;
  readonly key: string;
}

const FILES_DIR = 'substrate/images/files/base';

function dockerfile(rootfsRef: string, key: string): string {
  return `FROM ${rootfsRef}
COPY files/ /
# Units kind nodes run; everything a VM would start (gettys, udev, binfmt) stays off.
RUN systemctl enable kubelet.service containerd.service \\
 && systemctl mask systemd-binfmt.service systemd-udevd.service getty.target console-getty.service \\
      systemd-modules-load.service sys-kernel-config.mount sys-kernel-debug.mount apt-daily.timer apt-daily-upgrade.timer \\
 && chmod 755 /usr/local/bin/entrypoint /kind/bin/*
ENV container=docker
# systemd shuts down cleanly on SIGRTMIN+3.
STOPSIGNAL SIGRTMIN+3
ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]
LABEL ${KEY_LABEL}=${key}
`;
}

export function baseImageKey(rootfs: RootfsArtifacts): string {
  const root = repoRoot();
  return contentKey(['base-image', rootfs.key, { dir: join(root, FILES_DIR), root }, dockerfile('x', 'y')]);
}

export async function buildBaseImage(rootfs: RootfsArtifacts, progress: Progress): Promise<BaseImage> {
  const v = versions();
  const key = baseImageKey(rootfs);
  const ref = `${v.images.baseRepository}:${key}`;
  if (!config.forceImageRebuild && (await imageLabel(ref, KEY_LABEL)) === key) {
    progress.detail(`${ref}: cached`);
    return { ref, key };
  }
  const rootfsRef = `${v.images.baseRepository}-rootfs:${rootfs.key}`;
  if (config.forceImageRebuild || !(await imageExists(rootfsRef))) {
    await progress.timed('importing the node rootfs', () => importRootfs(rootfs.nodeTar, rootfsRef, []));
  }
  const context = cachePath('stage', `base-${key}`);
  rmSync(context, { recursive: true, force: true });
  mkdirSync(context, { recursive: true });
  try {
    cpSync(join(repoRoot(), FILES_DIR), join(context, 'files'), { recursive: true });
    writeFileSync(join(context, 'Dockerfile'), dockerfile(rootfsRef, key));
    await progress.timed(`building ${ref}`, () =>
      // The classic builder builds FROM a local image without asking a registry.
      docker(['build', '--pull=false', '-t', ref, context], { timeoutMs: 20 * 60_000, env: { DOCKER_BUILDKIT: '0' } }),
    );
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  return { ref, key };
}
