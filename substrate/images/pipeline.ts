/**
 * The offline image pipeline, stage by stage, each skipped when its content key is unchanged:
 * Go binaries + pause -> Debian rootfs -> runtime images + load balancer -> base image -> node image.
 */
import { mkdirSync } from 'node:fs';
import { ensureDockerEngine } from '../engine/docker-engine.js';
import { cacheDir } from '../paths.js';
import type { Progress } from '../progress.js';
import { buildBaseImage } from './base-image.js';
import { buildGoBinaries } from './go-binaries.js';
import { buildNodeImage, type NodeImage } from './node-image.js';
import { buildPauseBinary } from './pause-binary.js';
import { buildRootfs } from './rootfs.js';
import { buildRuntimeImages } from './runtime-images.js';

export interface BuiltImages {
  readonly node: NodeImage;
  /** Folder with the kind CLI (and kubectl) built for this host. */
  readonly kindBinary: string;
  readonly kubectlBinary: string;
  readonly etcdctlBinary: string;
}

export async function buildAllImages(progress: Progress): Promise<BuiltImages> {
  mkdirSync(cacheDir(), { recursive: true });
  await ensureDockerEngine(progress);
  const go = await progress.timed('stage 1/5: Go binaries', () => buildGoBinaries(progress));
  const pause = await buildPauseBinary(progress);
  const rootfs = await progress.timed('stage 2/5: Debian rootfs', () => buildRootfs(progress));
  const runtime = await progress.timed('stage 3/5: runtime and load-balancer images', () =>
    buildRuntimeImages({ go, pause }, rootfs, progress),
  );
  const base = await progress.timed('stage 4/5: base image', () => buildBaseImage(rootfs, progress));
  const kubernetesDir = go['kubernetes'];
  const kindDir = go['kind'];
  const etcdDir = go['etcd'];
  if (kubernetesDir === undefined || kindDir === undefined || etcdDir === undefined) {
    throw new Error('the Go stage did not produce the kubernetes and kind groups');
  }
  const node = await progress.timed('stage 5/5: node image', () => buildNodeImage(base, kubernetesDir, runtime, progress));
  return { node, kindBinary: `${kindDir}/kind`, kubectlBinary: `${kubernetesDir}/kubectl`, etcdctlBinary: `${etcdDir}/etcdctl` };
}
