/**
 * Build a small image from files, without any base image or registry: stage a folder, tar it,
 * `docker import` it with the config it needs. The image carries a label with its content key, so
 * it is rebuilt only when an input changed.
 */
import { chmodSync, copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runCommand } from '../../harness/runtime/command.js';
import { docker, imageLabel, importRootfs } from '../../harness/runtime/docker.js';
import { config } from '../../harness/config.js';
import { cachePath } from '../paths.js';
import type { Progress } from '../progress.js';

export const KEY_LABEL = 'io.kube-ha-chaos.key';

export interface RootfsImageSpec {
  readonly ref: string;
  readonly key: string;
  /** Host files copied in (mode 0755 unless given). */
  readonly files?: readonly { readonly src: string; readonly dest: string; readonly mode?: number }[];
  /** Files written with this content. */
  readonly contents?: readonly { readonly dest: string; readonly content: string; readonly mode?: number }[];
  /** Tarballs unpacked at the root first (package closures). */
  readonly tarballs?: readonly string[];
  /** Dockerfile instructions `docker import --change` accepts (ENTRYPOINT, CMD, ENV, LABEL, ...). */
  readonly config: readonly string[];
  /** Instructions import cannot apply (STOPSIGNAL): applied by a local `docker build` FROM the import. */
  readonly buildInstructions?: readonly string[];
}

/** Returns true when the image was (re)built, false when the cached one was current. */
export async function ensureRootfsImage(spec: RootfsImageSpec, progress: Progress): Promise<boolean> {
  if (!config.forceImageRebuild && (await imageLabel(spec.ref, KEY_LABEL)) === spec.key) {
    progress.detail(`${spec.ref}: cached (${spec.key})`);
    return false;
  }
  const stage = cachePath('stage', spec.key);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  try {
    for (const t of spec.tarballs ?? []) {
      await runCommand(['tar', '-C', stage, '--numeric-owner', '-xf', t], { timeoutMs: 5 * 60_000 });
    }
    // Programs write temp files; scratch images have no /tmp.
    mkdirSync(join(stage, 'tmp'), { recursive: true });
    chmodSync(join(stage, 'tmp'), 0o1777);
    for (const f of spec.files ?? []) {
      const dest = join(stage, f.dest);
      mkdirSync(dirname(dest), { recursive: true });
      copyFileSync(f.src, dest);
      chmodSync(dest, f.mode ?? 0o755);
    }
    for (const c of spec.contents ?? []) {
      const dest = join(stage, c.dest);
      mkdirSync(dirname(dest), { recursive: true });
      writeFileSync(dest, c.content, { mode: c.mode ?? 0o644 });
    }
    const tar = `${stage}.tar`;
    await runCommand(['tar', '-C', stage, '--numeric-owner', '--owner=0', '--group=0', '-cf', tar, '.'], { timeoutMs: 10 * 60_000 });
    const keyLabel = `LABEL ${KEY_LABEL}=${spec.key}`;
    if (spec.buildInstructions && spec.buildInstructions.length > 0) {
      const imported = `${spec.ref}-import`;
      await importRootfs(tar, imported, spec.config);
      const context = `${stage}.context`;
      mkdirSync(context, { recursive: true });
      writeFileSync(join(context, 'Dockerfile'), `FROM ${imported}\n${spec.buildInstructions.join('\n')}\n${keyLabel}\n`);
      try {
        await docker(['build', '--pull=false', '-t', spec.ref, context], { timeoutMs: 10 * 60_000, env: { DOCKER_BUILDKIT: '0' } });
      } finally {
        rmSync(context, { recursive: true, force: true });
        await docker(['rmi', imported], { timeoutMs: 60_000 });
      }
    } else {
      await importRootfs(tar, spec.ref, [...spec.config, keyLabel]);
    }
    rmSync(tar, { force: true });
    progress.detail(`${spec.ref}: built (${spec.key})`);
    return true;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
