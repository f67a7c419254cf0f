import { describe, expect, it } from 'vitest';
import { memberIdHex, quoteLargeIntegers } from './etcdctl.js';

// As etcdctl 3.6 prints `endpoint status -w json` (ids as bare 64-bit numbers).
const STATUS = '[{"Endpoint":"https://172.18.0.4:2379","Status":{"header":{"cluster_id":14841639068965178418,"member_id":5989846029734297000,"revision":1234,"raft_term":2},"version":"3.6.5","dbSize":2097152,"leader":5989846029734296967,"raftIndex":1811,"raftTerm":2,"raftAppliedIndex":1811}}]';

describe('etcdctl JSON ids', () => {
  it('keeps 64-bit ids exact and turns them into etcd hex ids', () => {
    const parsed = JSON.parse(quoteLargeIntegers(STATUS)) as [{ Status: { leader: string; revision?: number; header: { revision: number } } }];
    expect(memberIdHex(parsed[0].Status.leader)).toBe('5320353a7d98bd87');
    // Small numbers stay numbers.
    expect(parsed[0].Status.header.revision).toBe(1234);
  });
  it('leaves hex strings (member list --hex) as they are, lowercased', () => {
    expect(memberIdHex('5320353A7D98BDEE')).toBe('5320353a7d98bdee');
    expect(() => memberIdHex(5989846029734297000)).toThrow(/lost precision/);
  });
});
