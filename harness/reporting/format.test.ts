import { describe, expect, it } from 'vitest';
import { escapeMarkdownCell, escapeXml, formatSeconds, formatValue, safeXml, truncate } from './format.js';

describe('escapeXml', () => {
  it('escapes the five XML specials, for text and for either attribute quote', () => {
    expect(escapeXml(`a & b < c > d "e" 'f'`)).toBe('a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;');
  });

  it('replaces characters XML 1.0 cannot carry, and keeps valid astral characters', () => {
    expect(escapeXml('x\u0000y\u0007z\u000Bw\uFFFE')).toBe('x\uFFFDy\uFFFDz\uFFFDw\uFFFD');
    expect(escapeXml('tab\there\nline\r')).toBe('tab\there\nline\r');
    expect(escapeXml('lone \uD800 high, pair \uD83D\uDE00')).toBe('lone \uFFFD high, pair \uD83D\uDE00');
  });

  it('redacts before escaping in safeXml', () => {
    expect(safeXml('<token=abc>')).toBe('&lt;token=[redacted]&gt;');
  });
});

describe('escapeMarkdownCell', () => {
  it('keeps a cell on one line and inert', () => {
    expect(escapeMarkdownCell('a | b\nc <i>d</i> & e')).toBe('a \\| b c &lt;i&gt;d&lt;/i&gt; &amp; e');
  });
});

describe('formatValue', () => {
  it('follows the unit in the name', () => {
    expect(formatValue('maxElectionMs', 2_800)).toBe('2,800 ms');
    expect(formatValue('electionMsMedian', 1_374.4)).toBe('1,374 ms');
    expect(formatValue('writeSuccessRatio', 0.9516)).toBe('95.2%');
    expect(formatValue('writeSuccessRatio', 1)).toBe('100%');
    expect(formatValue('writeSuccessRatio', 0)).toBe('0%');
    expect(formatValue('minWriteOpsPerSecond', 9)).toBe('9.0/s');
    expect(formatValue('regressions', 3)).toBe('3');
    expect(formatValue('ratioish', 0.125)).toBe('0.13');
  });

  it('formats seconds and truncates', () => {
    expect(formatSeconds(20_000)).toBe('20 s');
    expect(formatSeconds(21_350)).toBe('21.35 s');
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
  });
});
