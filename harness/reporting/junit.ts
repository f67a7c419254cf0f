/**
 * JUnit XML for CI: one <testcase> per guarantee checked. A failed guarantee is a <failure> whose
 * message is the verdict's reason; an inconclusive one is <skipped> (CI shows it without failing the
 * build on data that could not decide), with the reason as its message. A finding (a hazard upstream
 * allows, observed) passes, and its output starts with "FINDING" so it can be grepped in CI logs.
 * A case that errored (did not run to its end) is an <error>, JUnit's word for "the test could not
 * run", not a <failure>: nothing was shown broken, the run still fails.
 */
import type { Verdict } from '../checks/verdict.js';
import { formatRecord, safeXml } from './format.js';
import type { CaseReport, GuaranteeInfo } from './report-types.js';

/** Input of renderJunit. */
export interface JunitInput {
  /** Suite name, e.g. 'etcd-quorum'. */
  readonly suiteName: string;
  readonly verdicts: readonly Verdict[];
  readonly guarantees?: readonly GuaranteeInfo[];
  readonly timestampIso?: string;
  /** Wall time of the whole suite, for the testsuite's time attribute. */
  readonly durationMs?: number;
  /** Per-guarantee time, when the suite measured it. */
  readonly durationMsById?: Readonly<Record<string, number>>;
  /** The same verdicts by case: each test case's output then names its case. */
  readonly cases?: readonly CaseReport[];
}

const seconds = (ms: number | undefined): string => ((ms ?? 0) / 1_000).toFixed(3);

/** Renders a JUnit XML document. */
export function renderJunit(input: JunitInput): string {
  const entries: readonly { readonly v: Verdict; readonly caseName?: string }[] =
    input.cases === undefined ? input.verdicts.map((v) => ({ v })) : input.cases.flatMap((c) => c.verdicts.map((v) => ({ v, caseName: c.name })));
  const failures = entries.filter((e) => e.v.status === 'fail').length;
  const errors = entries.filter((e) => e.v.status === 'error').length;
  const skipped = entries.filter((e) => e.v.status === 'inconclusive').length;
  const tests = entries.length;
  const info = new Map((input.guarantees ?? []).map((g) => [g.id, g]));
  const suite = safeXml(input.suiteName);
  const ts = input.timestampIso === undefined ? '' : ` timestamp="${safeXml(input.timestampIso)}"`;
  const counts = `tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds(input.durationMs)}"`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="kube-ha-chaos" ${counts}>`,
    `  <testsuite name="${suite}" ${counts}${ts}>`,
  ];
  for (const { v, caseName } of entries) {
    const g = info.get(v.guaranteeId);
    const area = v.guaranteeId.includes('.') ? v.guaranteeId.slice(0, v.guaranteeId.indexOf('.')) : input.suiteName;
    const details = [
      ...(g === undefined ? [] : [g.statement, `source: ${g.source}`]),
      ...(caseName === undefined ? [] : [`case: ${caseName}`]),
      `verdict: ${v.status}`,
      `reason: ${v.reason}`,
      'measured:',
      ...formatRecord(v.measured).map((l) => `  ${l}`),
      'threshold:',
      ...formatRecord(v.threshold).map((l) => `  ${l}`),
    ].join('\n');
    lines.push(
      `    <testcase classname="${safeXml(area)}" name="${safeXml(v.guaranteeId)}" time="${seconds(input.durationMsById?.[v.guaranteeId])}">`,
    );
    if (v.status === 'fail') {
      lines.push(`      <failure message="${safeXml(v.reason)}" type="guarantee-violated">${safeXml(details)}</failure>`);
    } else if (v.status === 'error') {
      lines.push(`      <error message="${safeXml(v.reason)}" type="case-error">${safeXml(details)}</error>`);
    } else if (v.status === 'inconclusive') {
      lines.push(`      <skipped message="${safeXml(`inconclusive: ${v.reason}`)}"/>`);
    }
    lines.push(`      <system-out>${safeXml(v.status === 'finding' ? `FINDING ${v.guaranteeId}: ${v.reason}\n${details}` : details)}</system-out>`);
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}
