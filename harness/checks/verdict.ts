/**
 * What a check concludes about one guarantee, and how conclusions combine.
 *
 * `inconclusive` is a first-class result (Jepsen's :unknown validity): a check whose assumptions do
 * not hold (too little traffic, no fault recorded) must not claim pass or fail.
 */

/**
 * pass: the guarantee held; fail: it was violated; inconclusive: the data cannot tell; finding: a
 * hazard the upstream documentation explicitly allows was observed (e.g. client-go leader election
 * has no fencing, so a resumed stale leader may act once). A finding is not a broken promise, so it
 * never fails a run, but it is reported loudly because users must know it happens on their cluster.
 *
 * error: the case did not run to its end (a target could not be resolved, an injection was refused,
 * a probe crashed, the case timed out), so nothing it was meant to judge was judged. Only the harness
 * produces it (caseErrorVerdict), never a check: a check that throws is `inconclusive` (checkSafe),
 * because its data was gathered; an errored case may have gathered none.
 */
export type VerdictStatus = 'pass' | 'finding' | 'fail' | 'inconclusive' | 'error';


/** One guarantee's verdict, with the numbers behind it. */
export interface Verdict {
  readonly guaranteeId: string;
  readonly status: VerdictStatus;
  /** What was measured, units in the names, e.g. `{ maxUnavailableMs: 7400 }`. */
  readonly measured: Readonly<Record<string, number>>;
  /** The bounds it was judged against, same names where they correspond. */
  readonly threshold: Readonly<Record<string, number>>;
  /** One sentence a human can act on. */
  readonly reason: string;
}

// A finding ranks with pass: the run is judged on promises, the finding count travels beside it.
// An error ranks above inconclusive (a case that could not run needs someone to act; inconclusive
// data at least was gathered) and below fail (a promise seen broken is the strongest thing a run
// can say, and an error elsewhere in the run must not hide it; the error count travels beside it).
const RANK: Readonly<Record<VerdictStatus, number>> = { pass: 0, finding: 0, inconclusive: 1, error: 2, fail: 3 };

/**
 * fail beats error, which beats inconclusive, which beats pass (Jepsen's merge order, with the
 * harness's own `error` between); findings merge as pass. So a run in which any case errored is
 * never `pass`. An empty list is inconclusive: nothing was checked, so nothing was shown to hold.
 */
export function mergeVerdicts(verdicts: readonly Verdict[]): VerdictStatus {
  if (verdicts.length === 0) {
    return 'inconclusive';
  }
  let worst: VerdictStatus = 'pass';
  for (const v of verdicts) {
    if (RANK[v.status] > RANK[worst]) {
      worst = v.status;
    }
  }
  return worst;
}

/** Builds a verdict; measured and threshold default to empty. */
export function verdict(
  guaranteeId: string,
  status: VerdictStatus,
  reason: string,
  measured: Readonly<Record<string, number>> = {},
  threshold: Readonly<Record<string, number>> = {},
): Verdict {
  return { guaranteeId, status, measured, threshold, reason };
}

/**
 * Runs a check so that it always yields a verdict: an exception becomes `inconclusive` with the
 * error text (Jepsen's check-safe). A verdict carrying a non-finite number is also turned into
 * `inconclusive`, because NaN would print as null in run.json and hide the defect.
 */
export function checkSafe(guaranteeId: string, check: () => Verdict): Verdict {
  let v: Verdict;
  try {
    v = check();
  } catch (err) {
    return verdict(guaranteeId, 'inconclusive', `the check threw: ${errorText(err)}`);
  }
  const bad = [...Object.entries(v.measured), ...Object.entries(v.threshold)].filter(([, n]) => !Number.isFinite(n));
  if (bad.length > 0) {
    return {
      ...v,
      status: 'inconclusive',
      reason: `the check produced non-finite numbers (${bad.map(([k]) => k).join(', ')}); was: ${v.reason}`,
    };
  }
  return v;
}

/**
 * Runs stages in order (assumptions, then the main property, then secondary properties, as etcd's
 * validation does) and stops at the first stage that does not pass. The result carries the measured
 * values and thresholds of every stage that ran, so a report shows what was known when it stopped.
 * When every stage passes, the non-empty reasons are joined (an assumption stage that passes may
 * give an empty reason, so the verdict speaks about the property rather than its preconditions).
 */
export function runStages(guaranteeId: string, stages: readonly (() => Verdict)[]): Verdict {
  let measured: Record<string, number> = {};
  let threshold: Record<string, number> = {};
  const reasons: string[] = [];
  for (const stage of stages) {
    const v = stage();
    measured = { ...measured, ...v.measured };
    threshold = { ...threshold, ...v.threshold };
    if (v.status !== 'pass') {
      // A finding, a failure or an inconclusive stage ends the run of stages: later stages assume
      // the property held cleanly.
      return verdict(guaranteeId, v.status, v.reason, measured, threshold);
    }
    if (v.reason !== '') {
      reasons.push(v.reason);
    }
  }
  if (stages.length === 0) {
    return verdict(guaranteeId, 'inconclusive', 'no check stages were defined');
  }
  return verdict(guaranteeId, 'pass', reasons.join('; '), measured, threshold);
}

/** "RangeError: no fault window recorded": an error's class and message in one line. */
export function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/**
 * The id an errored case's verdict carries: the harness's own promise that the case ran to its end.
 * It is not a guarantee of the cluster; it exists so an errored case is counted and shown (one per
 * case) wherever verdicts are.
 */
export const CASE_COMPLETED_ID = 'harness.case-completed';

/**
 * The verdict of a case that threw: `error`, naming the case, the error and what it left unjudged
 * (empty `notJudged` when its verdicts were already judged, e.g. it failed while cleaning up).
 */
export function caseErrorVerdict(caseName: string, error: string, notJudged: readonly string[]): Verdict {
  const unjudged = notJudged.length === 0 ? '' : `; not judged: ${notJudged.join(', ')}`;
  return verdict(CASE_COMPLETED_ID, 'error', `case ${caseName} errored: ${error}${unjudged}`);
}

/** How many verdicts have each status. */
export function countVerdicts(verdicts: readonly Verdict[]): Readonly<Record<VerdictStatus, number>> {
  const counts: Record<VerdictStatus, number> = { pass: 0, finding: 0, fail: 0, inconclusive: 0, error: 0 };
  for (const v of verdicts) {
    counts[v.status] += 1;
  }
  return counts;
}

/** "1 finding", "2 findings": every report words the count the same way. */
export function findingCount(n: number): string {
  return `${n} finding${n === 1 ? '' : 's'}`;
}

/** "1 case errored", "2 cases errored": every report words the count the same way. */
export function errorCount(n: number): string {
  return `${n} case${n === 1 ? '' : 's'} errored`;
}

/**
 * The verdict counts in one line, e.g. "41 pass, 1 finding, 0 fail, 0 inconclusive" (finding only
 * when there is one; errored cases, likewise, only when there are any).
 */
export function describeCounts(verdicts: readonly Verdict[]): string {
  const c = countVerdicts(verdicts);
  return `${c.pass} pass${c.finding > 0 ? `, ${findingCount(c.finding)}` : ''}, ${c.fail} fail, ${c.inconclusive} inconclusive${c.error > 0 ? `, ${errorCount(c.error)}` : ''}`;
}
