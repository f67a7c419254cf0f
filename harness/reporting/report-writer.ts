/**
 * Writes a run's report directory: reports/<runId>/{run.json, history.jsonl, faults.json, junit.xml,
 * summary.md, timeline.html}. The only module in reporting/ that touches the file system; it takes
 * the reports directory as a parameter (config.ts decides where that is).
 *
 * Each file is written to a temporary name and renamed, so a crash mid-write never leaves a
 * truncated report that looks complete.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { History } from '../probes/history.js';
import type { Verdict } from '../checks/verdict.js';
import { renderJunit } from './junit.js';
import { redactDeep } from './redact.js';
import { buildRunJson, REPORT_FILES, type RunJsonInput } from './run-json.js';
import { renderSummaryMarkdown } from './summary-md.js';
import { renderTimelineHtml } from './timeline-html.js';

/** Everything a report is made from. */
export interface RunReportInput extends RunJsonInput {
  /** Title for the summary and timeline, e.g. 'etcd-quorum on ha-3cp'. */
  readonly title?: string;
  readonly durationMs?: number;
}

/** Paths of the files written. */
export type RunReportPaths = { readonly dir: string } & { readonly [K in keyof typeof REPORT_FILES]: string };

/** Run ids become directory names: letters, digits, '.', '_' and '-' only, and no '..'. */
export function assertSafeRunId(runId: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(runId) || runId.includes('..')) {
    throw new Error(`unsafe run id ${JSON.stringify(runId)}: use letters, digits, '.', '_' and '-'`);
  }
}

/** The history as JSON lines, each entry redacted (probes should have redacted already; belt and braces). */
export function redactedJsonl(history: History): string {
  const lines = history.entries().map((e) => JSON.stringify(redactDeep(e)));
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

async function writeAtomically(path: string, content: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, content, { encoding: 'utf8', mode: 0o644 });
  await rename(tmp, path);
}

/** Writes reports/<runId>/ under `reportsDir` and returns the paths. */
export async function writeRunReport(reportsDir: string, input: RunReportInput): Promise<RunReportPaths> {
  assertSafeRunId(input.runId);
  const dir = resolve(reportsDir, input.runId);
  await mkdir(dir, { recursive: true });
  const verdicts: readonly Verdict[] = input.verdicts;
  const cases = input.cases === undefined ? {} : { cases: input.cases };
  const meta = {
    runId: input.runId,
    title: input.title ?? `${input.suite} on ${input.topology.name}`,
    seed: input.seed,
    topology: `${input.topology.name} (${input.topology.controlPlanes} control planes, ${input.topology.etcdMembers} etcd members${input.topology.etcdTopology === undefined ? '' : `, ${input.topology.etcdTopology}`})`,
    ...(input.startedAtIso === undefined ? {} : { startedAtIso: input.startedAtIso }),
    versions: input.versions,
  };
  const paths: RunReportPaths = {
    dir,
    runJson: join(dir, REPORT_FILES.runJson),
    history: join(dir, REPORT_FILES.history),
    faults: join(dir, REPORT_FILES.faults),
    junit: join(dir, REPORT_FILES.junit),
    summary: join(dir, REPORT_FILES.summary),
    timeline: join(dir, REPORT_FILES.timeline),
  };
  const files: [string, string][] = [
    [paths.runJson, `${JSON.stringify(buildRunJson(input), null, 2)}\n`],
    [paths.history, redactedJsonl(input.history)],
    [paths.faults, `${JSON.stringify(redactDeep(input.history.faultWindows()), null, 2)}\n`],
    [
      paths.junit,
      renderJunit({
        suiteName: input.suite,
        verdicts,
        guarantees: input.guarantees,
        ...(input.startedAtIso === undefined ? {} : { timestampIso: input.startedAtIso }),
        ...(input.durationMs === undefined ? {} : { durationMs: input.durationMs }),
        ...(input.cases === undefined ? {} : { cases: input.cases }),
      }),
    ],
    [paths.summary, renderSummaryMarkdown({ meta, verdicts, history: input.history, guarantees: input.guarantees, ...cases })],
    [paths.timeline, renderTimelineHtml({ meta, history: input.history, verdicts, guarantees: input.guarantees, ...cases })],
  ];
  for (const [path, content] of files) {
    await writeAtomically(path, content);
  }
  return paths;
}
