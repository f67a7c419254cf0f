import { describe, expect, it } from 'vitest';
import { dockerPowerStatus } from './docker-nodes.js';

describe('dockerPowerStatus', () => {
  it("maps every state `docker ps --format {{.State}}` prints", () => {
    expect(['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'].map(dockerPowerStatus)).toEqual([
      'stopped', 'running', 'paused', 'transitioning', 'transitioning', 'stopped', 'failed',
    ]);
  });
  it('does not call a dead or unknown container stopped: a heal must not `docker start` it', () => {
    expect(dockerPowerStatus('dead')).not.toBe('stopped');
    expect(dockerPowerStatus('')).toBe('unknown');
    expect(dockerPowerStatus('Up 3 minutes')).toBe('unknown');
  });
});
