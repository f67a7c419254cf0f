/**
 * vitest global setup of the `suites` project: bring the cluster up (create, reuse when healthy,
 * recreate when broken) and hand its description to the suites.
 */
import type { TestProject } from 'vitest/node';
import { clusterUp } from '../substrate/cluster/lifecycle.js';
import { consoleProgress } from '../substrate/progress.js';
import type { ClusterInfo } from './cluster/cluster-handle.js';
import { config } from './config.js';

declare module 'vitest' {
  export interface ProvidedContext {
    cluster: ClusterInfo;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const { state } = await clusterUp(config.topology, consoleProgress('suites'));
  project.provide('cluster', state);
}
