/**
 * The graceful-stop verdict says why its new leader can come seconds after the SIGTERM (etcd's
 * graceful stop drains client listeners before it hands over), citing where in etcd, so a reader
 * does not take the wait for a slow election (issue 16, item 4).
 */
import { describe, expect, it } from 'vitest';
import { gracefulStopHistory, leaderKillHistory } from '../testing/sample-histories.js';
import { SUITE_RUN_CATALOGUE } from '../testing/suite-run.js';
import { gracefulStopExplanation } from './etcd-quorum-checks.js';

const judge = (id: 'etcd-quorum.graceful-leader-stop-transfers-leadership' | 'etcd-quorum.leader-loss-elects-new-leader', h = gracefulStopHistory()) => {
  const g = SUITE_RUN_CATALOGUE.get(id);
  return g.check(h, g);
};

describe('the graceful leader stop verdict explains the wait', () => {
  it('a pass names the drain, its bound from the election timeout, and the etcd functions and files', () => {
    const v = judge('etcd-quorum.graceful-leader-stop-transfers-leadership');
    expect(v.status).toBe('pass');
    expect(v.reason).toMatch(/^new leader after \d+ ms, writes paused at most \d+ ms; a handover, not an election: /);
    expect(v.reason).toContain('embed.Etcd.Close (server/embed/etcd.go) first drains each client listener in turn');
    // Default timers: election timeout 1000 ms, so 5 s + 2 x 1 s.
    expect(v.reason).toContain('request timeout of 7000 ms (5 s + 2 x election timeout)');
    expect(v.reason).toContain('EtcdServer.Stop (server/etcdserver/server.go) hand leadership over (TryTransferLeadershipOnShutdown, MoveLeader)');
  });

  it('says when the new leader came relative to the old process exit', () => {
    expect(gracefulStopExplanation(1_000, -620)).toMatch(/the new leader appeared 620 ms before the old process exited$/);
    expect(gracefulStopExplanation(1_000, 99)).toMatch(/the new leader appeared 99 ms after its exit was seen \(detection lag\)$/);
    expect(gracefulStopExplanation(5_000, 0)).toContain('request timeout of 15000 ms');
  });

  it('an abrupt kill says nothing of a graceful stop', () => {
    expect(judge('etcd-quorum.leader-loss-elects-new-leader', leaderKillHistory()).reason).not.toContain('graceful');
    expect(judge('etcd-quorum.leader-loss-elects-new-leader', leaderKillHistory()).reason).not.toContain('handover');
  });
});
