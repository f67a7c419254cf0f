/**
 * `npx tsx substrate/cli/agent-image.ts [--load-into-kind <cluster>]`: build (or confirm cached) the
 * node agent image that `npm run preflight -- --nodes agent` runs, and print how to get it onto the
 * nodes. With --load-into-kind it also runs `kind load docker-image` for that kind cluster: that
 * puts an image into every node's containerd, so it is never done without being asked.
 */
import { readClusterState } from '../cluster/cluster-state.js';
import { runCommand } from '../../harness/runtime/command.js';
import { ensureAgentImage } from '../images/agent-image.js';
import { consoleProgress, UserFacingError } from '../progress.js';
import { runMain } from './main-wrapper.js';

runMain(async () => {
  const progress = consoleProgress('agent-image');
  const i = process.argv.indexOf('--load-into-kind');
  const cluster = i >= 0 ? process.argv[i + 1] : undefined;
  if (i >= 0 && (cluster === undefined || cluster.startsWith('--'))) {
    throw new UserFacingError('--load-into-kind needs the kind cluster name (e.g. kube-ha-chaos)');
  }
  const ref = await progress.timed('agent image', () => ensureAgentImage(progress));
  progress.step(`agent image: ${ref}`);
  if (cluster === undefined) {
    progress.step(`load it onto the nodes: kind load docker-image ${ref} --name <cluster> (kind), or push it to a registry the nodes use / import it with \`ctr -n k8s.io images import\` (any other cluster)`);
    return;
  }
  const kind = readClusterState(cluster)?.kindBinary ?? 'kind';
  await progress.timed(`kind load docker-image ${ref} --name ${cluster}`, () =>
    runCommand([kind, 'load', 'docker-image', ref, '--name', cluster], { timeoutMs: 10 * 60_000 }),
  );
});
