import { describe, expect, it } from 'vitest';
import { endpointsAddressesOf, nodeViewsOf, podViewOf, sliceAddressesOf } from './kube-objects.js';

// Trimmed from the live ha-3cp cluster (kubectl get -o json), v1.34.10.
const NODE_LIST = {
  items: [
    {
      metadata: { name: 'kube-ha-chaos-worker' },
      status: {
        conditions: [
          { lastHeartbeatTime: '2026-11-22T03:25:21Z', lastTransitionTime: '2026-11-22T03:20:05Z', reason: 'KubeletHasSufficientMemory', status: 'False', type: 'MemoryPressure' },
          { lastHeartbeatTime: '2026-11-22T03:25:21Z', lastTransitionTime: '2026-11-22T03:20:05Z', reason: 'KubeletReady', status: 'True', type: 'Ready' },
        ],
        addresses: [
          { address: '172.23.0.3', type: 'InternalIP' },
          { address: 'kube-ha-chaos-worker', type: 'Hostname' },
        ],
      },
    },
    {
      metadata: { name: 'kube-ha-chaos-control-plane3' },
      status: {
        conditions: [{ lastHeartbeatTime: '2026-11-22T03:25:01Z', lastTransitionTime: '2026-11-22T03:25:52Z', reason: 'NodeStatusUnknown', status: 'Unknown', type: 'Ready' }],
        addresses: [{ address: '172.23.0.6', type: 'InternalIP' }],
      },
    },
    { metadata: { name: 'booting' }, status: {} },
  ],
};

const SLICES = { items: [{ endpoints: [{ addresses: ['172.23.0.4'], conditions: { ready: true } }, { addresses: ['172.23.0.6'], conditions: { ready: true } }, { addresses: ['172.23.0.5'], conditions: { ready: false } }, { addresses: ['172.23.0.7'], conditions: {} }] }] };

const POD = {
  metadata: { name: 'kube-scheduler-kube-ha-chaos-control-plane', uid: 'deddefc4-17fa-40d7-9c43-78701987a310', ownerReferences: [{ apiVersion: 'v1', controller: true, kind: 'Node', name: 'kube-ha-chaos-control-plane' }] },
  spec: { nodeName: 'kube-ha-chaos-control-plane' },
  status: {
    phase: 'Running',
    conditions: [
      { status: 'True', type: 'Initialized' },
      { status: 'True', type: 'Ready' },
    ],
    containerStatuses: [{ restartCount: 1 }],
    initContainerStatuses: [{ restartCount: 2 }],
  },
};

describe('reducers of API objects (live shapes)', () => {
  it('nodes: the Ready condition (Unknown when missing) and the InternalIP', () => {
    expect(nodeViewsOf(NODE_LIST)).toEqual([
      { name: 'kube-ha-chaos-worker', ready: 'True', readyReason: 'KubeletReady', lastTransitionTime: '2026-11-22T03:20:05Z', lastHeartbeatTime: '2026-11-22T03:25:21Z', internalIp: '172.23.0.3' },
      { name: 'kube-ha-chaos-control-plane3', ready: 'Unknown', readyReason: 'NodeStatusUnknown', lastTransitionTime: '2026-11-22T03:25:52Z', lastHeartbeatTime: '2026-11-22T03:25:01Z', internalIp: '172.23.0.6' },
      { name: 'booting', ready: 'Unknown' },
    ]);
  });
  it('EndpointSlices: ready (or unset) addresses, sorted; not-ready ones apart', () => {
    expect(sliceAddressesOf(SLICES)).toEqual({ ready: ['172.23.0.4', '172.23.0.6', '172.23.0.7'], notReady: ['172.23.0.5'] });
    expect(sliceAddressesOf({})).toEqual({ ready: [], notReady: [] });
  });
  it('v1 Endpoints: addresses and notReadyAddresses of every subset', () => {
    const ep = { subsets: [{ addresses: [{ ip: '172.23.0.6' }, { ip: '172.23.0.4' }], notReadyAddresses: [{ ip: '172.23.0.5' }] }] };
    expect(endpointsAddressesOf(ep)).toEqual({ ready: ['172.23.0.4', '172.23.0.6'], notReady: ['172.23.0.5'] });
  });
  it('pods: node, restarts summed over all containers, Ready, owner, deletion', () => {
    expect(podViewOf(POD)).toEqual({ name: 'kube-scheduler-kube-ha-chaos-control-plane', uid: 'deddefc4-17fa-40d7-9c43-78701987a310', node: 'kube-ha-chaos-control-plane', phase: 'Running', restarts: 3, ready: true, deleting: false, owner: 'Node/kube-ha-chaos-control-plane' });
    expect(podViewOf({ metadata: { name: 'p', uid: 'u', deletionTimestamp: '2026-11-22T03:30:00Z' }, spec: {}, status: { phase: 'Pending' } })).toEqual({ name: 'p', uid: 'u', phase: 'Pending', restarts: 0, ready: false, deleting: true });
  });
});
