import { describe, expect, it } from 'vitest';
import { leaderKillHistory } from '../testing/sample-histories.js';
import { runFacts } from './run-facts.js';

describe('runFacts elections', () => {
  it('credits an election only to the fault it followed, not to an earlier fault that caused none', () => {
    const history = leaderKillHistory();
    const kill = history.faultWindows()[0]!;
    // A follower kill earlier in the same run (as etcd-quorum's first case is): no election followed it.
    history.record({ kind: 'fault-injected', issuedAtMs: 100, atMs: 120, faultId: 'f0-kill-follower', summary: 'SIGKILL etcd on a follower', targets: ['kube-ha-chaos-control-plane3'] });
    history.record({ kind: 'fault-healed', issuedAtMs: 200, atMs: 900, faultId: 'f0-kill-follower', summary: 'SIGKILL etcd on a follower', targets: ['kube-ha-chaos-control-plane3'] });
    expect(kill.issuedAtMs).toBeGreaterThan(900);
    const elections = runFacts(history).elections;
    const byId = new Map(elections.map((e) => [e.faultId, e]));
    expect(byId.get('f0-kill-follower')?.electionMs).toBeUndefined();
    expect(byId.get('f1-kill-leader')?.electionMs).toBeGreaterThan(0);
    expect(byId.get('f1-kill-leader')?.electionMs).toBeLessThan(5_000);
  });
});
