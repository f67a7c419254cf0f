/**
 * Whether a fault can be applied through the cluster's node access, and if not, why: the same
 * question etcd's robustness failpoints answer with `Available(config, member)`. Every fault runs
 * commands on nodes (which every access can); the whole-machine faults also need power operations,
 * which an SSH login or an agent pod on the node does not have (it cannot freeze its own host).
 * Pure, so the rule is tested on the capabilities each access declares.
 */
import type { ControlPlaneLayout } from '../cluster/layout.js';
import { missingPowerOperations, type NodeProvider, type PowerOperation } from '../nodes/node-access.js';
import { faultHitsEtcd } from './fault-view.js';
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

/**
 * Is the fault's target an etcd member that is a machine of its own (external etcd), whose process is
 * that machine's PID 1? Then "the etcd process" is reached through the power operations (docker kill
 * --signal, stop/start, pause/unpause), not through a command in the machine: its image has no
 * userland (no shell, no pkill).
 */
export function hitsExternalMemberProcess(spec: FaultSpec, layout: Pick<ControlPlaneLayout, 'etcd'> | undefined): boolean {
  return layout?.etcd.mode === 'external' && faultHitsEtcd(spec) && (spec.kind === 'kill-process' || spec.kind === 'stop-static-pod' || spec.kind === 'pause-process');
}

/** The whole-machine operations `spec` needs on this layout (an external member's process is its machine's PID 1). */
export function powerNeededFor(spec: FaultSpec, layout: Pick<ControlPlaneLayout, 'etcd'> | undefined): readonly PowerOperation[] {
  if (hitsExternalMemberProcess(spec, layout)) {
    switch (spec.kind) {
      case 'kill-process':
        // The signal goes to PID 1 (signalInit); the heal starts it when the restart policy did not.
        return ['start'];
      case 'stop-static-pod':
        return ['stop', 'start'];
      case 'pause-process':
        return ['pause', 'resume'];
      default:
        break;
    }
  }
  return powerNeededBy(spec.kind);
}

/**
 * Why `spec` cannot hit its target on this layout whatever the access, or undefined. Pure. These
 * faults were written for etcd on the control-plane nodes and are not yet ported to external members.
 */
export function whyNotApplicableOnLayout(spec: FaultSpec, layout: (Pick<ControlPlaneLayout, 'etcd'> & Partial<Pick<ControlPlaneLayout, 'front'>>) | undefined): string | undefined {
  if ((spec.kind === 'pause-container' || spec.kind === 'stop-container' || spec.kind === 'kill-container') && (spec.target.kind === 'vip-holder' || spec.target.kind === 'vip-backup')) {
    const front = layout?.front?.kind ?? 'kind-haproxy';
    return front === 'vip-pair' ? undefined : `${describeFault(spec)} is not applicable with front ${front}: only a vip-pair front has LB hosts that share a VIP`;
  }
  if (layout?.etcd.mode !== 'external') {
    return undefined;
  }
  switch (spec.kind) {
    case 'pause-process':
      return spec.process === 'etcd' && spec.resumeAfterMs !== undefined
        ? `${describeFault(spec)} is not applicable with external etcd: the pause is timed by a shell inside the member's machine (STOP, sleep, CONT), and an external member's image has no shell; an untimed pause (docker pause of the member) applies`
        : undefined;
    case 'blackhole-etcd-clients':
    case 'drop-peer-packets':
      return `${describeFault(spec)} is not applicable with external etcd yet: its rules are planned for a member on a control-plane node (its own apiserver over loopback, its peers at the other control planes), not for a member host of its own`;
    default:
      return undefined;
  }
}

/** Undefined when `spec` applies with `access` (on `layout`); otherwise the reason, as a report or an error says it. */
export function whyNotApplicable(spec: FaultSpec, access: Pick<NodeProvider, 'kind' | 'description' | 'capabilities' | 'power'>, layout?: Pick<ControlPlaneLayout, 'etcd'> & Partial<Pick<ControlPlaneLayout, 'front'>>): string | undefined {
  const onLayout = whyNotApplicableOnLayout(spec, layout);
  if (onLayout !== undefined) {
    return onLayout;
  }
  if (hitsExternalMemberProcess(spec, layout) && spec.kind === 'kill-process' && access.power?.signalInit === undefined) {
    return `${describeFault(spec)} is not applicable with ${access.kind} node access (${access.description}) on external etcd: the member's etcd is its machine's PID 1, and this access cannot signal it`;
  }
  const missing = missingPowerOperations(access, powerNeededFor(spec, layout));
  if (missing.length === 0) {
    return undefined;
  }
  const instead = spec.kind === 'pause-container' ? '; a hang of one process is pause-process (SIGSTOP), which needs no power operation' : '';
  return `${describeFault(spec)} is not applicable with ${access.kind} node access (${access.description}): it needs the whole-machine operation(s) ${missing.join(', ')}, which this access does not offer${instead}`;
}
