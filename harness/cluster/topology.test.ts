import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../testing/temp-dirs.js';
import { InvalidTopologyError, failureTolerance, loadTopology, parseTopology, quorumOf } from './topology.js';

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
    expect(loadTopology(root, file)).toEqual({ name: 'my-cluster', file, controlPlanes: 5, workers: 1 });
    // What the teardown used to do: look the bare name up in kind-configs/.
    expect(() => loadTopology(root, 'my-cluster')).toThrow(/kind-configs\/my-cluster\.yaml: no such topology/);
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
