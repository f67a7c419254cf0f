/** `npm run images`: build (or confirm cached) every image a cluster needs, offline. */
import { buildAllImages } from '../images/pipeline.js';
import { consoleProgress } from '../progress.js';
import { runMain } from './main-wrapper.js';

runMain(async () => {
  const progress = consoleProgress('images');
  const built = await progress.timed('offline image build', () => buildAllImages(progress));
  progress.step(`node image: ${built.node.ref}`);
});
