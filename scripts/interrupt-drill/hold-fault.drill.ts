/**
 * Not a suite: the interrupt drill's victim. It injects one fault on the real cluster exactly as a
 * suite does (journal first, proof it hit), says so on stdout, and holds it for longer than anyone
 * waits, so that the driver can interrupt it mid-fault (Ctrl-C, SIGTERM, SIGKILL) and time the heal.
 */
import { inject, it } from 'vitest';
import { injectFault } from '../../harness/faults/inject.js';
import { config } from '../../harness/config.js';
import { openSuiteSession } from '../../harness/suite-session.js';
import { DRILL_FAULTS, IN_EFFECT_MARKER, drillFault } from './drill-faults.js';

const HOLD_MS = 10 * 60_000;

it('holds one fault until the test process is interrupted', async () => {
  const name = drillFault(config.drillFault);
  await using session = await openSuiteSession('interrupt-drill', inject('run'), inject('cluster'));
  const rec = session.newCase(`hold-${name}`);
  await using fault = await injectFault(rec.faults, DRILL_FAULTS[name]);
  console.log(`${IN_EFFECT_MARKER} ${fault.record.id} worker-pid ${process.pid} targets ${fault.record.targets.join(',')}`);
  await new Promise((r) => setTimeout(r, HOLD_MS));
}, 15 * 60_000);
