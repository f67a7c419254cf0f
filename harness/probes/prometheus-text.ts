/**
 * A parser for the Prometheus text exposition format (version 0.0.4), enough for etcd's /metrics:
 * `name{label="value",...} value [timestamp]`, comments and HELP/TYPE lines skipped.
 *
 * Pure, so it is unit-tested on captured text; the scrape itself is in etcd-metrics.ts.
 */

/** One sample line. */
export interface PromSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Thrown for a line that is not a valid sample; names the line number. */
export class PromParseError extends Error {
  override readonly name = 'PromParseError';
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

function parseValue(text: string, lineNo: number): number {
  switch (text) {
    case 'NaN':
      return Number.NaN;
    case '+Inf':
    case 'Inf':
      return Number.POSITIVE_INFINITY;
    case '-Inf':
      return Number.NEGATIVE_INFINITY;
  }
  const v = Number(text);
  if (text === '' || Number.isNaN(v)) {
    throw new PromParseError(`line ${lineNo}: value ${JSON.stringify(text)} is not a number`);
  }
  return v;
}

/** Parses `{a="1",b="x\"y"}` starting at `s[0] === '{'`; returns the labels and the rest of the line. */
function parseLabels(s: string, lineNo: number): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let i = 1;
  const fail = (why: string): never => {
    throw new PromParseError(`line ${lineNo}: ${why}`);
  };
  for (;;) {
    while (s[i] === ' ' || s[i] === ',') {
      i += 1;
    }
    if (s[i] === '}') {
      return { labels, rest: s.slice(i + 1) };
    }
    const m = LABEL_NAME.exec(s.slice(i));
    if (m === null) {
      return fail('bad label name');
    }
    const label = m[0];
    i += label.length;
    while (s[i] === ' ') {
      i += 1;
    }
    if (s[i] !== '=' || s[i + 1] !== '"') {
      return fail(`label ${label}: expected ="`);
    }
    i += 2;
    let value = '';
    for (;;) {
      const c = s[i];
      if (c === undefined) {
        return fail(`label ${label}: unterminated value`);
      }
      if (c === '"') {
        i += 1;
        break;
      }
      if (c === '\\') {
        const e = s[i + 1];
        value += e === 'n' ? '\n' : (e ?? '');
        i += 2;
        continue;
      }
      value += c;
      i += 1;
    }
    labels[label] = value;
  }
}

/** Parses a whole exposition; throws PromParseError on a malformed sample line. */
export function parsePrometheusText(text: string): PromSample[] {
  const samples: PromSample[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) {
      return;
    }
    const lineNo = i + 1;
    const m = NAME.exec(line);
    if (m === null) {
      throw new PromParseError(`line ${lineNo}: no metric name`);
    }
    const name = m[0];
    let rest = line.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith('{')) {
      ({ labels, rest } = parseLabels(rest, lineNo));
    }
    const [valueText = '', timestamp] = rest.trim().split(/\s+/);
    if (timestamp !== undefined && !/^-?\d+$/.test(timestamp)) {
      throw new PromParseError(`line ${lineNo}: bad timestamp ${JSON.stringify(timestamp)}`);
    }
    samples.push({ name, labels, value: parseValue(valueText, lineNo) });
  });
  return samples;
}

/** The value of a label-less metric (or the first series of it), undefined when absent. */
export function metricValue(samples: readonly PromSample[], name: string): number | undefined {
  return samples.find((s) => s.name === name)?.value;
}
