import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { openCaseFiles } from './case-files.js';
import { CASE_COMPLETED_ID, verdict } from './checks/verdict.js';
import { History } from './probes/history.js';
import type { CaseRecord } from './reporting/case-record.js';
import { recordingErrors } from './suite-session.js';
import { useTempDirs } from './testing/temp-dirs.js';

const tempDir = useTempDirs();
const id = { name: 'kill-scheduler-holder', seq: 3, seed: 42 };
const record = (dir: string): CaseRecord => JSON.parse(readFileSync(join(dir, '000010000-x.verdicts.json'), 'utf8')) as CaseRecord;
const historyAt = (): History =>
  new History([
    { kind: 'phase', name: 'baseline', startMs: 10_000 },
    { kind: 'note', atMs: 10_500, source: 'harness', text: 'resolving the kube-scheduler holder' },
  ]);
const notJudged = ['leader-election.abrupt-holder-death-hands-over', 'leader-election.no-two-holders'];

describe('openCaseFiles', () => {
  it('leaves a running record the moment the case starts, so a case that never ends is not lost', () => {
    const dir = tempDir('case-files-');
    openCaseFiles(dir, '000010000-x', id, historyAt());
    expect(record(dir)).toEqual({ case: 'kill-scheduler-holder', seq: 3, seed: 42, state: 'running', verdicts: [] });
  });

  it('save replaces it with the judged verdicts and writes the history', () => {
    const dir = tempDir('case-files-');
    const files = openCaseFiles(dir, '000010000-x', id, historyAt());
    const vs = [verdict('leader-election.no-two-holders', 'pass', 'never two holders')];
    files.save(vs);
    expect(record(dir)).toEqual({ case: 'kill-scheduler-holder', seq: 3, seed: 42, state: 'judged', verdicts: vs });
    expect(History.fromJsonl(readFileSync(join(dir, '000010000-x.jsonl'), 'utf8')).size).toBe(2);
  });

  it('saveError before judging: one error verdict naming the error and the guarantees left unjudged, plus the history so far', () => {
    const dir = tempDir('case-files-');
    const files = openCaseFiles(dir, '000010000-x', id, historyAt());
    class SelectorError extends Error {
      override name = 'SelectorError';
    }
    const v = files.saveError(new SelectorError('no control-plane node holds the lease kube-scheduler right now'), notJudged);
    const r = record(dir);
    expect(r.state).toBe('errored');
    expect(r.error).toBe('SelectorError: no control-plane node holds the lease kube-scheduler right now');
    expect(r.verdicts).toEqual([v]);
    expect(v.guaranteeId).toBe(CASE_COMPLETED_ID);
    expect(v.status).toBe('error');
    expect(v.reason).toBe(`case kill-scheduler-holder errored: SelectorError: no control-plane node holds the lease kube-scheduler right now; not judged: ${notJudged.join(', ')}`);
    expect(History.fromJsonl(readFileSync(join(dir, '000010000-x.jsonl'), 'utf8')).size).toBe(2);
  });

  it('saveError after judging (cleanup threw) keeps the judged verdicts and adds the error', () => {
    const dir = tempDir('case-files-');
    const files = openCaseFiles(dir, '000010000-x', id, historyAt());
    const vs = [verdict('leader-election.no-two-holders', 'pass', 'never two holders')];
    files.save(vs);
    files.saveError(new Error('kubectl delete configmaps timed out after 30000 ms'), notJudged);
    const r = record(dir);
    expect(r.verdicts.map((x) => x.status)).toEqual(['pass', 'error']);
    // The guarantees were judged: none is listed as unjudged.
    expect(r.verdicts[1]?.reason).toBe('case kill-scheduler-holder errored: Error: kubectl delete configmaps timed out after 30000 ms');
  });

  it('redacts key material an error message carried', () => {
    const dir = tempDir('case-files-');
    const files = openCaseFiles(dir, '000010000-x', id, historyAt());
    files.saveError(new Error('tls: -----BEGIN RSA PRIV' + 'ATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----'), []);
    expect(readFileSync(join(dir, '000010000-x.verdicts.json'), 'utf8')).not.toContain('MIIEpAIBAAKCAQEA');
  });
});

describe('recordingErrors', () => {
  it('passes a result through and records nothing', async () => {
    const saved: unknown[] = [];
    const r = await recordingErrors({ name: 'c', saveError: (e) => (saved.push(e), verdict('x', 'error', '')) }, notJudged, async () => 7);
    expect(r).toBe(7);
    expect(saved).toEqual([]);
  });

  it('records a thrown error with what was not judged, then rethrows the same error for vitest', async () => {
    const saved: [unknown, readonly string[]][] = [];
    const boom = new Error('injection refused: the node access has no power operations');
    await expect(
      recordingErrors({ name: 'c', saveError: (e, n) => (saved.push([e, n]), verdict('x', 'error', '')) }, notJudged, async () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(saved).toEqual([[boom, notJudged]]);
  });

  it('a failure to record is printed, and never replaces the case’s own error', async () => {
    const printed = vi.spyOn(console, 'error').mockImplementation(() => {});
    const boom = new Error('probe crashed');
    await expect(
      recordingErrors(
        {
          name: 'c',
          saveError: () => {
            throw new Error('ENOSPC');
          },
        },
        [],
        async () => {
          throw boom;
        },
      ),
    ).rejects.toBe(boom);
    expect(printed).toHaveBeenCalledWith("[c] could not record the case's error in its report: ENOSPC");
    printed.mockRestore();
  });
});
