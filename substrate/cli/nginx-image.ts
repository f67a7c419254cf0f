/**
 * `npx tsx substrate/cli/nginx-image.ts`: build (or confirm cached) the nginx-proxy image of the
 * localhost-nginx front (Debian's nginx + stream module) and print its reference. `cluster up` of a
 * localhost-nginx topology builds it by itself.
 */
import { ensureNginxImage } from '../images/nginx-image.js';
import { consoleProgress } from '../progress.js';
import { runMain } from './main-wrapper.js';

runMain(async () => {
  const progress = consoleProgress('nginx-image');
  const ref = await progress.timed('nginx-proxy image', () => ensureNginxImage(progress));
  progress.step(`nginx-proxy image: ${ref}`);
});
