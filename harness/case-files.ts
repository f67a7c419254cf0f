/**
 * The files one case leaves for the suite report: <file>.jsonl (its history, redacted) and
 * <file>.verdicts.json (its CaseRecord). The record is written `running` as soon as the case starts
 * and replaced when it is judged or errors, so every case that started is in the report, whatever
 * became of it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { caseErrorVerdict, errorText, type Verdict } from './checks/verdict.js';
import type { History } from './probes/history.js';
import type { CaseRecord } from './reporting/case-record.js';
import { redact } from './reporting/redact.js';
import { redactedJsonl } from './reporting/report-writer.js';

export interface CaseFiles {
  /** Persist the history and the verdicts: the case was judged. */
  save(verdicts: readonly Verdict[]): void;
  /**
   * Persist the case as errored: its history so far, the verdicts it had saved (if it errored
   * after being judged, e.g. while cleaning up) and one `error` verdict that names the error and
   * what was left unjudged. Returns that verdict.
   */
  saveError(error: unknown, notJudged: readonly string[]): Verdict;
}

export function openCaseFiles(casesDir: string, file: string, id: { readonly name: string; readonly seq: number; readonly seed: number }, history: History): CaseFiles {
  const write = (record: Omit<CaseRecord, 'case' | 'seq' | 'seed'>): void => {
    const full: CaseRecord = { case: id.name, seq: id.seq, seed: id.seed, ...record };
    writeFileSync(join(casesDir, `${file}.verdicts.json`), `${JSON.stringify(full, null, 2)}\n`);
  };
  let saved: readonly Verdict[] | undefined;
  write({ state: 'running', verdicts: [] });
  return {
    save(verdicts) {
      writeFileSync(join(casesDir, `${file}.jsonl`), redactedJsonl(history));
      saved = verdicts;
      write({ state: 'judged', verdicts });
    },
    saveError(error, notJudged) {
      // An error message can carry what a command printed: redacted before it is stored.
      const text = redact(errorText(error));
      const v = caseErrorVerdict(id.name, text, saved === undefined ? notJudged : []);
      writeFileSync(join(casesDir, `${file}.jsonl`), redactedJsonl(history));
      write({ state: 'errored', verdicts: [...(saved ?? []), v], error: text });
      return v;
    },
  };
}
