import { describe, expect, it } from 'vitest';
import { decideReuse, type ExistingCluster, type RecordedCluster, type WantedCluster } from './reuse-decision.js';

const image = 'kube-ha-chaos/node:v1.34.10-ec4edbfd95907dff';
const healthy3: ExistingCluster = { exists: true, problems: [], controlPlanes: 3, workers: 1 };
const recorded: RecordedCluster = { topology: 'ha-3cp', topologyDigest: 'a1b2c3d4e5f60718', nodeImage: image };
const wanted: WantedCluster = { topology: 'ha-3cp', topologyDigest: 'a1b2c3d4e5f60718', nodeImage: image, controlPlanes: 3, workers: 1 };

describe('decideReuse', () => {
  it('reuses a healthy cluster made from the same file and image', () => {
    expect(decideReuse(healthy3, recorded, wanted)).toEqual({ action: 'reuse' });
  });
  it('recreates a healthy cluster of the same shape made from another topology', () => {
    const d = decideReuse(healthy3, recorded, { ...wanted, topology: 'ha-3cp-tuned-leases', topologyDigest: '99aa88bb77cc66dd' });
    expect(d).toEqual({ action: 'recreate', why: 'it runs topology ha-3cp, not ha-3cp-tuned-leases' });
  });
  it('recreates when the topology file was edited (or the record predates digests)', () => {
    expect(decideReuse(healthy3, recorded, { ...wanted, topologyDigest: 'ffffffffffffffff' }).action).toBe('recreate');
    const { topologyDigest: _drop, ...old } = recorded;
    expect(decideReuse(healthy3, old, wanted).action).toBe('recreate');
  });
  it('recreates our own cluster of another shape (ha-3cp to ha-5cp) instead of refusing', () => {
    const d = decideReuse(healthy3, recorded, { ...wanted, topology: 'ha-5cp', topologyDigest: '0011223344556677', controlPlanes: 5 });
    expect(d.action).toBe('recreate');
  });
  it('refuses to replace a cluster of another shape that it has no record of', () => {
    const d = decideReuse({ ...healthy3, controlPlanes: 1, workers: 0 }, undefined, wanted);
    expect(d.action).toBe('refuse');
    expect(d.action === 'refuse' && d.why).toMatch(/1 control planes \+ 0 workers .*npm run cluster -- down/);
  });
  it('recreates a broken or stale one and creates when nothing is there', () => {
    expect(decideReuse({ ...healthy3, problems: ['kube-ha-chaos-control-plane2 is exited'] }, recorded, wanted)).toEqual({ action: 'recreate', why: 'kube-ha-chaos-control-plane2 is exited' });
    expect(decideReuse(healthy3, { ...recorded, nodeImage: 'kube-ha-chaos/node:v1.34.10-0000' }, wanted).action).toBe('recreate');
    expect(decideReuse({ exists: false, problems: ['no containers'], controlPlanes: 0, workers: 0 }, undefined, wanted)).toEqual({ action: 'create' });
  });
});
