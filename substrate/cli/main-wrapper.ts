/**
 * Shared entry for the substrate CLIs: a UserFacingError becomes one line and exit 1; anything else
 * prints its message (and the stack only with KUBE_HA_CHAOS_DEBUG=1) and exits 2.
 */
import { UserFacingError } from '../progress.js';
import { CommandError } from '../../harness/runtime/command.js';
import { config } from '../../harness/config.js';

export function runMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      if (e instanceof UserFacingError) {
        console.error(`error: ${e.message}`);
        process.exit(1);
      }
      const msg = e instanceof CommandError || e instanceof Error ? e.message : String(e);
      console.error(`error: ${msg}`);
      if (config.debug && e instanceof Error) {
        console.error(e.stack);
      }
      process.exit(2);
    },
  );
}
