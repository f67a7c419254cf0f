/**
 * The faults the interrupt drill holds, one per way a fault is applied and undone: a one-shot kill
 * (heal = wait for the restart), a held-away manifest, a stopped process, our iptables chain, a
 * paused container. Each is the spec a suite uses, so the drill heals what suites really leave.
 */
import type { FaultSpec } from '../../harness/faults/spec.js';

export const DRILL_FAULTS = {
  'kill-process': { kind: 'kill-process', target: { kind: 'one-follower' }, process: 'etcd', signal: 'SIGKILL' },
  'manifest-hold': { kind: 'stop-static-pod', target: { kind: 'one-follower' }, component: 'etcd' },
  'pause-process': { kind: 'pause-process', target: { kind: 'one-follower' }, process: 'kube-apiserver' },
  partition: { kind: 'network-partition', isolate: { kind: 'leader' }, ports: [2380] },
  'pause-container': { kind: 'pause-container', target: { kind: 'load-balancer' } },
} as const satisfies Record<string, FaultSpec>;

export type DrillFault = keyof typeof DRILL_FAULTS;

export function drillFault(name: string | undefined): DrillFault {
  if (name === undefined || !(name in DRILL_FAULTS)) {
    throw new Error(`HA_DRILL_FAULT must be one of ${Object.keys(DRILL_FAULTS).join(', ')}; got ${JSON.stringify(name)}`);
  }
  return name as DrillFault;
}

/** The line the drill test prints once its fault is in effect: the driver signals after it. */
export const IN_EFFECT_MARKER = 'DRILL-FAULT-IN-EFFECT';
