/**
 * Shared text helpers for the renderers: escaping for XML/HTML and Markdown, and number formatting
 * that follows the unit in a value's name (`...Ms`, `...Ratio`, `...PerSecond`).
 */
import { redact } from './redact.js';

// Characters XML 1.0 forbids even when escaped (C0 controls other than tab, LF, CR; U+FFFE/FFFF;
// lone surrogates). An etcd error message can carry raw bytes; one such character makes a JUnit
// file unparsable for CI.
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escapes text for XML and HTML (element content and double- or single-quoted attributes). */
export function escapeXml(text: string): string {
  return text
    .replace(XML_INVALID, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Redacts, then escapes: the one function renderers use for text that came from outside. */
export function safeXml(text: string): string {
  return escapeXml(redact(text));
}

/** Makes text safe inside a Markdown table cell: no pipes, newlines or raw HTML. */
export function escapeMarkdownCell(text: string): string {
  return redact(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ');
}

/** Cuts text to at most `max` characters, marking the cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** Formats a number by the unit its name carries. */
export function formatValue(name: string, value: number): string {
  if (!Number.isFinite(value)) {
    return String(value);
  }
  if (/Ratio$/i.test(name)) {
    return `${(value * 100).toFixed(value >= 0.9995 || value === 0 ? 0 : 1)}%`;
  }
  if (/Ms(Min|Median|Max)?$/.test(name) || /Ms$/.test(name)) {
    return `${Math.round(value).toLocaleString('en-US')} ms`;
  }
  if (/PerSecond$/.test(name)) {
    return `${value.toFixed(1)}/s`;
  }
  return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(2);
}

/** `name = value` pairs, formatted, in insertion order. */
export function formatRecord(record: Readonly<Record<string, number>>): string[] {
  return Object.entries(record).map(([k, v]) => `${k} = ${formatValue(k, v)}`);
}

/** Seconds on the run clock, e.g. 21.35 s. */
export function formatSeconds(ms: number): string {
  return `${(ms / 1_000).toFixed(ms % 1_000 === 0 ? 0 : 2)} s`;
}
