import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { activeEntries, FaultJournal, type JournalEntry } from './journal.js';
import { useTempDirs } from '../testing/temp-dirs.js';

const tempDir = useTempDirs();


const entry = (faultId: string): JournalEntry => ({
  faultId,
  runId: 'r1',
  cluster: 'kube-ha-chaos',
  spec: { kind: 'stop-static-pod', target: { kind: 'one-follower' }, component: 'etcd' },
  targets: ['kube-ha-chaos-control-plane2'],
  heal: [{ kind: 'move-file', node: 'kube-ha-chaos-control-plane2', from: '/etc/kubernetes/kube-ha-chaos-held/etcd.yaml', to: '/etc/kubernetes/manifests/etcd.yaml' }],
  at: '2026-11-22T02:00:00Z',
});

describe('FaultJournal', () => {
  it('keeps what was added and not removed, across re-opening', () => {
    const path = join(tempDir('journal-'), 'active.jsonl');
    const j = new FaultJournal(path);
    j.add(entry('f1'));
    j.add(entry('f2'));
    j.remove('f1');
    expect(new FaultJournal(path).active().map((e) => e.faultId)).toEqual(['f2']);
    j.compact();
    expect(new FaultJournal(path).active().map((e) => e.faultId)).toEqual(['f2']);
    j.remove('f2');
    expect(new FaultJournal(path).active()).toEqual([]);
  });
  it('ignores a torn last line left by a crash mid-write', () => {
    const text = `${JSON.stringify({ op: 'add', entry: entry('f1') })}\n{"op":"add","entry":{"faultId":"f2"`;
    expect(activeEntries(text).map((e) => e.faultId)).toEqual(['f1']);
  });
});
