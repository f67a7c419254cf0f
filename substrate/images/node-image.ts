/**
 * Stage 5: the node image kind runs. Starting from the base image: the Kubernetes node binaries in
 * /usr/bin, /kind/version, the pod network manifest, and every runtime image already imported into
 * containerd's k8s.io namespace under the references kubeadm and the manifests use (so creating a
 * cluster pulls nothing). Done the way `kind build node-image` does it, offline: run the base image,
 * start containerd inside, import, commit.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { docker, execInContainer, imageLabel } from '../../harness/runtime/docker.js';
import { config } from '../../harness/config.js';
import { cachePath, repoRoot } from '../paths.js';
import type { Progress } from '../progress.js';
import { versions } from '../versions.js';
import type { BaseImage } from './base-image.js';
import { contentKey } from './content-key.js';
import { KEY_LABEL, type RootfsImageSpec } from './rootfs-image.js';

export interface NodeImage {
  readonly ref: string;
  readonly key: string;
}

const CNI_MANIFEST = 'substrate/images/files/manifests/default-cni.yaml';

function cniManifest(): string {
  return readFileSync(join(repoRoot(), CNI_MANIFEST), 'utf8').replace('{{PODNET_IMAGE}}', versions().images.podnet);
}

export function nodeImageKey(base: BaseImage, kubernetesBinDir: string, runtimeImages: readonly RootfsImageSpec[]): string {
  return contentKey(['node-image', '2', base.key, basename(kubernetesBinDir), ...runtimeImages.map((s) => `${s.ref}=${s.key}`), cniManifest()]);
}

export function nodeImageRef(key: string): string {
  const v = versions();
  return `${v.images.nodeRepository}:${v.kubernetes}-${key}`;
}

async function waitForContainerd(container: string): Promise<void> {
  for (let i = 0; i < 60; i++) {
    try {
      await execInContainer(container, ['ctr', 'version'], { timeoutMs: 5_000 });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  throw new Error(`containerd did not start inside ${container}`);
}

export async function buildNodeImage(
  base: BaseImage,
  kubernetesBinDir: string,
  runtimeImages: readonly RootfsImageSpec[],
  progress: Progress,
): Promise<NodeImage> {
  const v = versions();
  const key = nodeImageKey(base, kubernetesBinDir, runtimeImages);
  const ref = nodeImageRef(key);
  if (!config.forceImageRebuild && (await imageLabel(ref, KEY_LABEL)) === key) {
    progress.detail(`${ref}: cached`);
    return { ref, key };
  }
  const builder = `kube-ha-chaos-node-build-${key}`;
  const imagesTar = cachePath('stage', `node-images-${key}.tar`);
  await docker(['rm', '-f', builder], { timeoutMs: 60_000 });
  await progress.timed(`assembling ${ref}`, async () => {
    try {
      // Privileged: containerd inside needs mounts. The entrypoint is not run: nothing boots here.
      await docker(['run', '-d', '--name', builder, '--privileged', '--entrypoint', 'sleep', base.ref, 'infinity'], { timeoutMs: 60_000 });
      for (const b of ['kubeadm', 'kubelet', 'kubectl']) {
        await docker(['cp', join(kubernetesBinDir, b), `${builder}:/usr/bin/${b}`], { timeoutMs: 120_000 });
      }
      await execInContainer(builder, ['sh', '-c', `echo ${v.kubernetes} > /kind/version && mkdir -p /kind/manifests`], { timeoutMs: 30_000 });
      await execInContainer(builder, ['sh', '-c', 'cat > /kind/manifests/default-cni.yaml'], { timeoutMs: 30_000, stdin: cniManifest() });
      await execInContainer(builder, ['sh', '-c', 'mkdir -p /run/containerd && exec containerd >/var/log/containerd-build.log 2>&1'], {
        timeoutMs: 30_000,
        detach: true,
      });
      await waitForContainerd(builder);
      // The default OCI spec without its rlimits, as the CRI's base spec (see config.toml).
      await execInContainer(builder, ['sh', '-c', "ctr oci spec | jq 'del(.process.rlimits)' > /etc/containerd/cri-base.json"], {
        timeoutMs: 30_000,
      });
      await docker(['save', '-o', imagesTar, ...runtimeImages.map((s) => s.ref)], { timeoutMs: 10 * 60_000 });
      await docker(['cp', imagesTar, `${builder}:/kind/images.tar`], { timeoutMs: 10 * 60_000 });
      // --no-unpack: no overlay snapshots inside this build container (its rootfs is itself overlay);
      // the CRI unpacks an image the first time a container uses it.
      await execInContainer(builder, ['ctr', '--namespace=k8s.io', 'images', 'import', '--no-unpack', '/kind/images.tar'], {
        timeoutMs: 10 * 60_000,
      });
      const listed = await execInContainer(builder, ['ctr', '--namespace=k8s.io', 'images', 'list', '-q'], { timeoutMs: 30_000 });
      for (const s of runtimeImages) {
        // Every ref names its registry (docker.io/... too), which is how ctr lists imported images.
        if (!listed.stdout.split('\n').some((l) => l.trim() === s.ref)) {
          throw new Error(`image ${s.ref} is missing from containerd after import; containerd lists: ${listed.stdout.trim()}`);
        }
      }
      await execInContainer(builder, ['sh', '-c', 'rm -f /kind/images.tar /var/log/containerd-build.log; pkill -x containerd; while pgrep -x containerd >/dev/null; do sleep 0.2; done'], {
        timeoutMs: 60_000,
      });
      await docker(
        [
          'commit',
          '--change', 'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]',
          '--change', 'CMD []',
          '--change', `LABEL ${KEY_LABEL}=${key}`,
          '--change', `LABEL io.kube-ha-chaos.kubernetes=${v.kubernetes}`,
          builder,
          ref,
        ],
        { timeoutMs: 10 * 60_000 },
      );
    } finally {
      rmSync(imagesTar, { force: true });
      await docker(['rm', '-f', builder], { timeoutMs: 60_000 });
    }
  });
  // A stable name for people (`docker images`), next to the content-keyed one the tool uses.
  await docker(['tag', ref, `${v.images.nodeRepository}:${v.kubernetes}`], { timeoutMs: 30_000 });
  writeFileSync(cachePath('node-image.ref'), `${ref}\n`);
  return { ref, key };
}
