/**
 * The node agent image (issue 11, `--nodes agent`): the smallest image that can act on a node from
 * a privileged hostPID pod: nsenter (util-linux) to enter PID 1's namespaces, iptables and procps
 * for when a command must run with the agent's own tools, a shell and coreutils, and an entrypoint
 * that only sleeps (every command arrives through `kubectl exec`).
 *
 * Not a pipeline stage: adding its package closure to the rootfs stage would change the rootfs key
 * and re-run debootstrap for everybody. It is cut out of the cached node rootfs tarball instead, on
 * demand (harness/nodes/agent-node-access.ts users call ensureAgentImage), and keyed by content like
 * every other image, so a second call is one `docker image inspect`.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { runCommand } from '../../harness/runtime/command.js';
import { imageLabel } from '../../harness/runtime/docker.js';
import { config } from '../../harness/config.js';
import { cachePath } from '../paths.js';
import type { Progress } from '../progress.js';
import { contentKey } from './content-key.js';
import { ensureRootfsImage, KEY_LABEL, type RootfsImageSpec } from './rootfs-image.js';
import { buildRootfs, closureFileList, rootfsKey, tarList, type RootfsArtifacts } from './rootfs.js';

/** Package roots of the agent image, cut out of the node rootfs by dependency closure. */
export const AGENT_ROOTS = ['util-linux', 'iptables', 'procps', 'coreutils', 'dash'] as const;

/** Bump when the recipe below changes in a way the inputs do not show. */
const AGENT_RECIPE_VERSION = '1';

/** The repository of the agent image; a domain, so containerd stores it under this exact name. */
export const AGENT_REPOSITORY = 'kube-ha-chaos.local/agent';

/**
 * PID 1 of the agent container. A PID 1 without a handler ignores SIGTERM, so `sleep infinity` alone
 * would hold every pod deletion for its whole grace period: the trap makes removal take a second.
 */
export const AGENT_ENTRYPOINT = `#!/bin/sh
# kube-ha-chaos node agent: holds the pod open; every command arrives through kubectl exec.
trap 'exit 0' TERM INT HUP
while :; do
  sleep 3600 &
  wait $!
done
`;

const PATH_ENV = 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Pure: the agent image's content key from the rootfs key it is cut from. */
export function agentImageKey(rootfsContentKey: string): string {
  return contentKey(['agent-image', AGENT_RECIPE_VERSION, rootfsContentKey, AGENT_ROOTS.join(','), AGENT_ENTRYPOINT]);
}

/** The agent image this checkout builds (no I/O: the rootfs key is computed from versions.json). */
export function agentImageRef(): string {
  return `${AGENT_REPOSITORY}:${agentImageKey(rootfsKey())}`;
}

export function agentImageSpec(rootfs: RootfsArtifacts, agentTar: string): RootfsImageSpec {
  return {
    ref: `${AGENT_REPOSITORY}:${agentImageKey(rootfs.key)}`,
    key: agentImageKey(rootfs.key),
    tarballs: [agentTar],
    contents: [{ dest: 'usr/local/bin/kube-ha-chaos-agent', content: AGENT_ENTRYPOINT, mode: 0o755 }],
    config: [PATH_ENV, 'ENTRYPOINT ["/usr/local/bin/kube-ha-chaos-agent"]'],
  };
}

/**
 * The agent image in the local Docker engine, built when missing or stale; returns its reference.
 * Needs the node rootfs (stage 2 of `npm run images`; cached after the first build).
 */
export async function ensureAgentImage(progress: Progress): Promise<string> {
  const key = agentImageKey(rootfsKey());
  const ref = `${AGENT_REPOSITORY}:${key}`;
  const rootfs = await buildRootfs(progress);
  const stage = cachePath('stage', `agent-rootfs-${key}`);
  const agentTar = `${stage}.tar`;
  const spec = agentImageSpec(rootfs, agentTar);
  // The closure is only cut when the image will be built (a cached image is one inspect).
  if (!config.forceImageRebuild && (await imageLabel(ref, KEY_LABEL)) === key) {
    progress.detail(`${ref}: cached (${key})`);
    return ref;
  }
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  try {
    await progress.timed('cutting the agent rootfs out of the node rootfs', async () => {
      await runCommand(['tar', '-C', stage, '--numeric-owner', '-xf', rootfs.nodeTar], { timeoutMs: 10 * 60_000 });
      await tarList(stage, await closureFileList(stage, AGENT_ROOTS), agentTar);
    });
    await progress.timed(`building ${ref}`, () => ensureRootfsImage(spec, progress));
  } finally {
    rmSync(stage, { recursive: true, force: true });
    rmSync(agentTar, { force: true });
  }
  return ref;
}

/** For messages: where the agent image comes from. */
export const AGENT_IMAGE_BUILD_HINT = 'npx tsx substrate/cli/agent-image.ts';
