import { describe, expect, it } from 'vitest';
import { isKindPortRace } from './kind-port-race.js';

describe('isKindPortRace', () => {
  it('matches the docker error kind relays when two nodes drew the same host port', () => {
    const seen = new Error(
      "/root/.cache/kube-ha-chaos/bin/kind create cluster --name kube-ha-chaos --config kind-configs/ha-5cp.yaml exited 1 after 31825 ms: ERROR: failed to create cluster: command \"docker run --name kube-ha-chaos-control-plane4 ... --publish=127.0.0.1:41019:6443/TCP\" failed with error: exit status 125\nCommand Output: docker: Error response from daemon: driver failed programming external connectivity on endpoint kube-ha-chaos-control-plane4: Bind for 127.0.0.1:41019 failed: port is already allocated.",
    );
    expect(isKindPortRace(seen)).toBe(true);
  });
  it('does not retry other create failures', () => {
    expect(isKindPortRace(new Error('ERROR: failed to create cluster: node(s) already exist for a cluster with the name "kube-ha-chaos"'))).toBe(false);
    expect(isKindPortRace(new Error('Bind for 0.0.0.0:80 failed: port is already allocated'))).toBe(false);
    expect(isKindPortRace('Bind for 127.0.0.1:41019 failed: port is already allocated')).toBe(false);
  });
});
