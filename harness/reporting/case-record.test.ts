import { describe, expect, it } from 'vitest';
import { CASE_COMPLETED_ID, verdict } from '../checks/verdict.js';
import { caseReportOf, NEVER_FINISHED } from './case-record.js';

const judged = [verdict('etcd-quorum.leader-loss-elects-new-leader', 'pass', 'new leader after 1374 ms', { electionMsMax: 1_374 }, { maxElectionMs: 2_800 })];

describe('caseReportOf', () => {
  it('a judged record keeps its verdicts and the faults of its history', () => {
    const r = caseReportOf('000020000-kill-leader.verdicts.json', { case: 'kill-leader', seq: 2, seed: 7, state: 'judged', verdicts: judged }, ['kill-process-3fa1c2']);
    expect(r).toEqual({ name: 'kill-leader', faultIds: ['kill-process-3fa1c2'], verdicts: judged });
  });

  it('a record from before the state field is judged', () => {
    expect(caseReportOf('f', { case: 'baseline', seq: 1, seed: 7, verdicts: judged }, []).error).toBeUndefined();
  });

  it('an errored record carries its error', () => {
    const err = verdict(CASE_COMPLETED_ID, 'error', 'case kill-scheduler-holder errored: SelectorError: no holder');
    const r = caseReportOf('f', { case: 'kill-scheduler-holder', seq: 3, seed: 7, state: 'errored', verdicts: [err], error: 'SelectorError: no holder' }, []);
    expect(r.error).toBe('SelectorError: no holder');
    expect(r.verdicts).toEqual([err]);
  });

  it('a record still `running` is a case that never finished: an error, not a silent gap', () => {
    const r = caseReportOf('f', { case: 'hold-majority', seq: 4, seed: 7, state: 'running', verdicts: [] }, ['stop-static-pod-9d0e11']);
    expect(r.error).toBe(NEVER_FINISHED);
    expect(r.verdicts.map((v) => [v.guaranteeId, v.status])).toEqual([[CASE_COMPLETED_ID, 'error']]);
    expect(r.verdicts[0]?.reason).toMatch(/^case hold-majority errored: it never finished/);
    expect(r.faultIds).toEqual(['stop-static-pod-9d0e11']);
  });

  it('a file that is not a record is an error of that case, named by its file', () => {
    const r = caseReportOf('000001000-x.verdicts.json', { hello: 1 }, []);
    expect(r.name).toBe('000001000-x.verdicts.json');
    expect(r.verdicts[0]?.status).toBe('error');
    expect(caseReportOf('f', null, []).verdicts[0]?.status).toBe('error');
  });
});
