/**
 * Whether a fault can be applied through the cluster's node access, and if not, why: the same
 * question etcd's robustness failpoints answer with `Available(config, member)`. Every fault runs
 * commands on nodes (which every access can); the whole-machine faults also need power operations,
 * which an SSH login or an agent pod on the node does not have (it cannot freeze its own host).
 * Pure, so the rule is tested on the capabilities each access declares.
 */
import { missingPowerOperations, type NodeProvider, type PowerOperation } from '../nodes/node-access.js';
import { describeFault, type FaultKind, type FaultSpec } from './spec.js';

/** The whole-machine operations applying and healing a fault of `kind` needs. */
export function powerNeededBy(kind: FaultKind): readonly PowerOperation[] {
  switch (kind) {
    case 'pause-container':
      return ['pause', 'resume'];
    case 'stop-container':
      return ['stop', 'start'];
    case 'kill-container':
      // The heal starts it when the access did not restart it by itself.
      return ['kill', 'start'];
    case 'kill-process':
    case 'stop-static-pod':
    case 'pause-process':
    case 'network-partition':
    case 'blackhole-etcd-clients':
    case 'drop-peer-packets':
      return [];
  }
}

/** Undefined when `spec` applies with `access`; otherwise the reason, as a report or an error says it. */
export function whyNotApplicable(spec: FaultSpec, access: Pick<NodeProvider, 'kind' | 'description' | 'capabilities' | 'power'>): string | undefined {
  const missing = missingPowerOperations(access, powerNeededBy(spec.kind));
  if (missing.length === 0) {
    return undefined;
  }
  const instead = spec.kind === 'pause-container' ? '; a hang of one process is pause-process (SIGSTOP), which needs no power operation' : '';
  return `${describeFault(spec)} is not applicable with ${access.kind} node access (${access.description}): it needs the whole-machine operation(s) ${missing.join(', ')}, which this access does not offer${instead}`;
}
