/**
 * `npm run cluster -- up|down|status [topology]`
 *   up [ha-3cp|ha-5cp|path/to/kind.yaml]  build images if needed, create or reuse the cluster, wait
 *                                         until it is Ready, print the kubeconfig path
 *   down                                  delete it and check nothing of it is left
 *   status                                containers, nodes and problems, without changing anything
 */
import { config } from '../../harness/config.js';
import { CLUSTER_NAME, clusterDown, clusterStatus, clusterUp } from '../cluster/lifecycle.js';
import { acquireRunLock } from '../cluster/run-lock.js';
import { UserFacingError, consoleProgress } from '../progress.js';
import { runMain } from './main-wrapper.js';

const USAGE = 'usage: npm run cluster -- up|down|status [topology]';

runMain(async () => {
  const [command, topologyArg, ...extra] = process.argv.slice(2);
  if (extra.length > 0) {
    throw new UserFacingError(`unexpected arguments ${extra.join(' ')}: ${USAGE}`);
  }
  const progress = consoleProgress('cluster');
  if (command === 'up' || command === 'down') {
    // Refuse (changing nothing) while a suite run or another up/down uses the cluster.
    acquireRunLock(CLUSTER_NAME, `npm run cluster -- ${command}`);
  }
  switch (command) {
    case 'up': {
      const { state, reused } = await clusterUp(topologyArg ?? config.topology, progress);
      progress.step(`${reused ? 'reused' : 'created'} ${state.topology} cluster ${state.name} (image ${state.nodeImage})`);
      console.log(`KUBECONFIG=${state.kubeconfig}`);
      return;
    }
    case 'down': {
      if (topologyArg !== undefined) {
        throw new UserFacingError(`down takes no topology (there is one cluster, ${CLUSTER_NAME}): ${USAGE}`);
      }
      const { deleted, leftovers } = await clusterDown(progress);
      if (leftovers.length > 0) {
        throw new UserFacingError(`cluster deleted but left behind: ${leftovers.join(', ')}: remove them with docker rm/volume rm/network rm`);
      }
      if (deleted) {
        progress.step('deleted; no containers, volumes or network of it are left');
      }
      return;
    }
    case 'status': {
      const { state, health } = await clusterStatus();
      if (!health.exists) {
        console.log(`cluster ${CLUSTER_NAME}: not running`);
        return;
      }
      console.log(`cluster ${CLUSTER_NAME}: ${state?.topology ?? 'unknown topology'}, image ${state?.nodeImage ?? 'unknown'}`);
      for (const c of health.containers) {
        console.log(`  ${c.name.padEnd(40)} ${c.role.padEnd(24)} ${c.state}`);
      }
      console.log(health.problems.length === 0 ? '  healthy' : `  problems: ${health.problems.join('; ')}`);
      if (state) {
        console.log(`KUBECONFIG=${state.kubeconfig}`);
      }
      return;
    }
    default:
      throw new UserFacingError(`unknown command ${command ?? '(none)'}: ${USAGE}`);
  }
});
