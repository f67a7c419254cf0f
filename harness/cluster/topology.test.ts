import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../testing/temp-dirs.js';
import { InvalidTopologyError, failureTolerance, knownTopologies, loadTopology, parseAnyTopology, parseTopology, quorumOf } from './topology.js';

const root = join(import.meta.dirname, '../..');

describe('kind-configs', () => {
  it('ha-3cp is 3 control planes and 1 worker; ha-5cp is 5 and 1', () => {
    expect(loadTopology(root, 'ha-3cp')).toMatchObject({ controlPlanes: 3, workers: 1 });
    expect(loadTopology(root, 'ha-5cp')).toMatchObject({ controlPlanes: 5, workers: 1 });
  });
  it('an unknown topology names the ones that exist', () => {
    expect(() => loadTopology(root, 'ha-7cp')).toThrow(/known: .*ha-3cp.*ha-5cp/);
  });
});

describe('a kind config given as a path outside the repo (issue 16)', () => {
  const tempDir = useTempDirs();
  it('keeps its file and takes its name from the file; the bare name is not a known topology', () => {
    const dir = tempDir('kube-ha-chaos-topology-');
    const file = join(dir, 'my-cluster.yaml');
    writeFileSync(file, readFileSync(join(root, 'kind-configs/ha-5cp.yaml'), 'utf8'));
    expect(loadTopology(root, file)).toMatchObject({ name: 'my-cluster', file, format: 'kind-config', controlPlanes: 5, workers: 1 });
    // What the teardown used to do: look the bare name up in kind-configs/.
    expect(() => loadTopology(root, 'my-cluster')).toThrow(/kind-configs\/my-cluster\.yaml: no such topology/);
  });
});

describe('topologies written as layouts (topologies/)', () => {
  const tempDir = useTempDirs();
  it('ext-etcd-5 and ext-etcd-3: 3 control planes, 1 worker, 5 or 3 external members behind kind\'s haproxy', () => {
    expect(loadTopology(root, 'ext-etcd-5')).toMatchObject({
      name: 'ext-etcd-5', format: 'layout', controlPlanes: 3, workers: 1,
      layout: { etcd: { mode: 'external', members: 5 }, front: { kind: 'kind-haproxy' } },
    });
    expect(loadTopology(root, 'ext-etcd-3').layout.etcd).toEqual({ mode: 'external', members: 3 });
    expect(knownTopologies(root)).toEqual(expect.arrayContaining(['ext-etcd-3', 'ext-etcd-5', 'ha-3cp', 'ha-5cp']));
  });
  it('a kind config carries kind\'s default layout (stacked etcd, one member per control plane)', () => {
    expect(loadTopology(root, 'ha-5cp').layout).toEqual({ name: 'ha-5cp', controlPlanes: 5, workers: 1, etcd: { mode: 'stacked' }, front: { kind: 'kind-haproxy' } });
  });
  it('a layout file anywhere is read by its content; a bad one is refused with the layout\'s own fix', () => {
    const dir = tempDir('kube-ha-chaos-layout-');
    const good = join(dir, 'mine.yaml');
    writeFileSync(good, 'name: whatever\ncontrolPlanes: 3\nworkers: 1\netcd: { external: 3 }\n');
    expect(loadTopology(root, good)).toMatchObject({ name: 'mine', format: 'layout', layout: { etcd: { mode: 'external', members: 3 } } });
    const bad = join(dir, 'even.yaml');
    writeFileSync(bad, 'name: even\ncontrolPlanes: 3\netcd: { external: 4 }\n');
    expect(() => loadTopology(root, bad)).toThrow(/^invalid topology .*even\.yaml: etcd\.external is 4: use an odd number of members/);
  });
  it('a layout in topologies/ must carry its file\'s name', () => {
    expect(() => parseAnyTopology('ext-etcd-5', 'topologies/ext-etcd-5.yaml', 'name: other\ncontrolPlanes: 3\n', true)).toThrow(/its name is "other" but the file is ext-etcd-5\.yaml/);
  });
});

describe('parseTopology rejects what kind would reject', () => {
  const good = readFileSync(join(root, 'kind-configs/ha-3cp.yaml'), 'utf8');
  const cases: [string, string, RegExp][] = [
    ['wrong apiVersion', good.replace('v1alpha4', 'v1alpha3'), /apiVersion must be/],
    ['a typo in a role', good.replace('role: worker', 'role: wroker'), /role must be control-plane or worker/],
    ['an unknown node field', good.replace('role: worker', 'role: worker\n    replicas: 2'), /unknown field "replicas"/],
    ['no control plane', 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n  - role: worker\n', /at least one control-plane/],
    ['not YAML', 'kind: Cluster\n  nodes: [\n', /not YAML/],
    ['wrong kind', good.replace('kind: Cluster', 'kind: Pod'), /kind must be Cluster/],
  ];
  for (const [what, text, message] of cases) {
    it(what, () => {
      expect(() => parseTopology('x', 'x.yaml', text)).toThrow(InvalidTopologyError);
      expect(() => parseTopology('x', 'x.yaml', text)).toThrow(message);
    });
  }
});

describe('quorum arithmetic (etcd FAQ)', () => {
  it('matches the documented table', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(quorumOf)).toEqual([1, 2, 2, 3, 3, 4, 4]);
    expect([1, 2, 3, 4, 5, 6, 7].map(failureTolerance)).toEqual([0, 0, 1, 1, 2, 2, 3]);
  });
});
