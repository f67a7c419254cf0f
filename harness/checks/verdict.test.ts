import { describe, expect, it } from 'vitest';
import { CASE_COMPLETED_ID, caseErrorVerdict, checkSafe, countVerdicts, describeCounts, mergeVerdicts, runStages, verdict, type VerdictStatus } from './verdict.js';

const v = (status: VerdictStatus) => verdict('g.x', status, status);

describe('mergeVerdicts', () => {
  it('ranks fail over inconclusive over pass', () => {
    expect(mergeVerdicts([v('pass'), v('pass')])).toBe('pass');
    expect(mergeVerdicts([v('pass'), v('inconclusive'), v('pass')])).toBe('inconclusive');
    expect(mergeVerdicts([v('inconclusive'), v('fail'), v('pass')])).toBe('fail');
    expect(mergeVerdicts([v('fail'), v('inconclusive')])).toBe('fail');
  });

  it('treats an empty list as inconclusive: nothing was shown to hold', () => {
    expect(mergeVerdicts([])).toBe('inconclusive');
  });

  it('an errored case beats pass, finding and inconclusive, and never hides a failure', () => {
    expect(mergeVerdicts([v('pass'), v('pass'), v('pass'), v('pass'), v('error')])).toBe('error');
    expect(mergeVerdicts([v('finding'), v('error')])).toBe('error');
    expect(mergeVerdicts([v('inconclusive'), v('error'), v('inconclusive')])).toBe('error');
    expect(mergeVerdicts([v('error'), v('fail'), v('error')])).toBe('fail');
  });
});

describe('caseErrorVerdict and the counts', () => {
  it('names the case, the error and what was left unjudged', () => {
    const e = caseErrorVerdict('kill-scheduler-holder', 'SelectorError: no control-plane node holds the lease kube-scheduler right now', [
      'leader-election.abrupt-holder-death-hands-over',
      'leader-election.no-two-holders',
    ]);
    expect(e).toEqual({
      guaranteeId: CASE_COMPLETED_ID,
      status: 'error',
      measured: {},
      threshold: {},
      reason:
        'case kill-scheduler-holder errored: SelectorError: no control-plane node holds the lease kube-scheduler right now; not judged: leader-election.abrupt-holder-death-hands-over, leader-election.no-two-holders',
    });
    expect(caseErrorVerdict('x', 'Error: boom', []).reason).toBe('case x errored: Error: boom');
  });

  it('counts errored cases, and words them only when there are any', () => {
    // Issue 18's run: 4 judged verdicts passed, 2 scheduler cases errored.
    const run = [v('pass'), v('pass'), v('pass'), v('pass'), caseErrorVerdict('a', 'E: x', []), caseErrorVerdict('b', 'E: y', [])];
    expect(countVerdicts(run)).toEqual({ pass: 4, finding: 0, fail: 0, inconclusive: 0, error: 2 });
    expect(describeCounts(run)).toBe('4 pass, 0 fail, 0 inconclusive, 2 cases errored');
    expect(describeCounts(run.slice(0, 4))).toBe('4 pass, 0 fail, 0 inconclusive');
    expect(describeCounts([...run.slice(0, 4), caseErrorVerdict('a', 'E: x', [])])).toBe('4 pass, 0 fail, 0 inconclusive, 1 case errored');
  });
});

describe('checkSafe', () => {
  it('passes a verdict through unchanged', () => {
    const ok = verdict('g.x', 'pass', 'fine', { aMs: 1 }, { aMs: 2 });
    expect(checkSafe('g.x', () => ok)).toBe(ok);
  });

  it('turns an exception into inconclusive with the error text', () => {
    const r = checkSafe('g.x', () => {
      throw new RangeError('no fault window recorded');
    });
    expect(r).toEqual({ guaranteeId: 'g.x', status: 'inconclusive', measured: {}, threshold: {}, reason: 'the check threw: RangeError: no fault window recorded' });
    expect(checkSafe('g.y', () => { throw 'plain string'; }).reason).toContain('plain string');
  });

  it('refuses non-finite numbers, which would print as null in run.json', () => {
    const r = checkSafe('g.x', () => verdict('g.x', 'pass', 'looked fine', { ratio: Number.NaN, okCount: 3 }));
    expect(r.status).toBe('inconclusive');
    expect(r.reason).toContain('ratio');
    expect(r.reason).not.toContain('okCount');
  });
});

describe('runStages', () => {
  it('stops at the first stage that does not pass, keeping what earlier stages measured', () => {
    const calls: string[] = [];
    const r = runStages('g.x', [
      () => (calls.push('a'), verdict('g.x', 'pass', 'enough traffic', { opsPerSecond: 9.8 }, { minOpsPerSecond: 9 })),
      () => (calls.push('b'), verdict('g.x', 'fail', 'outage too long', { longestOutageMs: 9_000 }, { maxOutageMs: 2_000 })),
      () => (calls.push('c'), verdict('g.x', 'pass', 'never reached')),
    ]);
    expect(calls).toEqual(['a', 'b']);
    expect(r).toEqual({
      guaranteeId: 'g.x',
      status: 'fail',
      reason: 'outage too long',
      measured: { opsPerSecond: 9.8, longestOutageMs: 9_000 },
      threshold: { minOpsPerSecond: 9, maxOutageMs: 2_000 },
    });
  });

  it('passes when every stage passes, joining the reasons', () => {
    const r = runStages('g.x', [() => verdict('g.z', 'pass', 'one'), () => verdict('g.z', 'pass', ''), () => verdict('g.z', 'pass', 'two')]);
    expect(r.status).toBe('pass');
    expect(r.guaranteeId).toBe('g.x');
    expect(r.reason).toBe('one; two');
  });

  it('is inconclusive with no stages', () => {
    expect(runStages('g.x', []).status).toBe('inconclusive');
  });
});
