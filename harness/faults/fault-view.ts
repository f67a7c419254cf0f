/**
 * Which machines a fault's selector chooses among. With stacked etcd every control-plane node runs
 * a member, so every selector ("leader", "one-follower", "minority") resolves over the members, which
 * are the control-plane nodes: an apiserver "on a follower" is on a node whose member follows.
 *
 * With external etcd the members are other machines: a fault on etcd (its process, its peer port)
 * chooses among the members, and a fault on kube-apiserver, the controller-manager, the scheduler or
 * a whole control-plane node chooses among the control planes, where no member leads or follows
 * ("one-follower" is then any control plane; "leader" has none). Pure.
 */
import type { MembershipView } from '../targets/select.js';
import type { FaultSpec } from './spec.js';

/** Does the fault hit etcd itself (a member's process or its traffic) rather than another component? */
export function faultHitsEtcd(spec: FaultSpec): boolean {
  switch (spec.kind) {
    case 'kill-process':
    case 'pause-process':
      return spec.process === 'etcd';
    case 'stop-static-pod':
      return spec.component === 'etcd';
    case 'network-partition':
    case 'blackhole-etcd-clients':
    case 'drop-peer-packets':
      return true;
    case 'pause-container':
    case 'stop-container':
    case 'kill-container':
      return false;
  }
}

/** The view `spec`'s selector resolves over (see the header). */
export function viewForFault(spec: FaultSpec, view: MembershipView): MembershipView {
  if (view.controlPlanes === undefined || faultHitsEtcd(spec)) {
    return view;
  }
  return { members: view.controlPlanes, leader: undefined, ...(view.leaseHolders === undefined ? {} : { leaseHolders: view.leaseHolders }) };
}
