/**
 * JUnit XML for CI: one <testcase> per guarantee checked. A failed guarantee is a <failure> whose
 * message is the verdict's reason; an inconclusive one is <skipped> (CI shows it without failing the
 * build on data that could not decide), with the reason as its message. A finding (a hazard upstream
 * allows, observed) passes, and its output starts with "FINDING" so it can be grepped in CI logs.
 */
import type { Verdict } from '../checks/verdict.js';
import { formatRecord, safeXml } from './format.js';
import type { GuaranteeInfo } from './report-types.js';

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
}

const seconds = (ms: number | undefined): string => ((ms ?? 0) / 1_000).toFixed(3);

/** Renders a JUnit XML document. */
export function renderJunit(input: JunitInput): string {
  const failures = input.verdicts.filter((v) => v.status === 'fail').length;
  const skipped = input.verdicts.filter((v) => v.status === 'inconclusive').length;
  const tests = input.verdicts.length;
  const info = new Map((input.guarantees ?? []).map((g) => [g.id, g]));
  const suite = safeXml(input.suiteName);
  const ts = input.timestampIso === undefined ? '' : ` timestamp="${safeXml(input.timestampIso)}"`;
  const counts = `tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(input.durationMs)}"`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="kube-ha-chaos" ${counts}>`,
    `  <testsuite name="${suite}" ${counts}${ts}>`,
  ];
  for (const v of input.verdicts) {
    const g = info.get(v.guaranteeId);
    const area = v.guaranteeId.includes('.') ? v.guaranteeId.slice(0, v.guaranteeId.indexOf('.')) : input.suiteName;
    const details = [
      ...(g === undefined ? [] : [g.statement, `source: ${g.source}`]),
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
    } else if (v.status === 'inconclusive') {
      lines.push(`      <skipped message="${safeXml(`inconclusive: ${v.reason}`)}"/>`);
    }
    lines.push(`      <system-out>${safeXml(v.status === 'finding' ? `FINDING ${v.guaranteeId}: ${v.reason}\n${details}` : details)}</system-out>`);
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}
