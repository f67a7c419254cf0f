/** `npm run engine`: make a Docker engine answer, as kind needs it on this host. Idempotent. */
import { ensureDockerEngine } from '../engine/docker-engine.js';
import { consoleProgress } from '../progress.js';
import { runMain } from './main-wrapper.js';

runMain(async () => {
  const progress = consoleProgress('engine');
  const { changes } = await ensureDockerEngine(progress);
  if (changes.length === 0) {
    progress.step('Docker engine already answers and is set up: nothing changed');
  } else {
    for (const c of changes) {
      progress.step(c);
    }
  }
});
