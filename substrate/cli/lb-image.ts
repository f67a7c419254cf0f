/**
 * `npx tsx substrate/cli/lb-image.ts`: build (or confirm cached) the LB-host image of the vip-pair
 * front (keepalived + haproxy from Debian packages) and print its reference. `cluster up` of a
 * vip-pair topology builds it by itself; this is for the LB trials and benchmarks.
 */
import { ensureLbImage } from '../images/lb-image.js';
import { consoleProgress } from '../progress.js';
import { runMain } from './main-wrapper.js';

runMain(async () => {
  const progress = consoleProgress('lb-image');
  const ref = await progress.timed('LB image', () => ensureLbImage(progress));
  progress.step(`LB image: ${ref}`);
});
