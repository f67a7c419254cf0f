import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { History, type HistoryEntry } from '../probes/history.js';
import { verdict } from '../checks/verdict.js';
import { commonNodePrefix, faultLabel, operationRuns, renderTimelineHtml, renderTimelineSvg, TIMELINE_LAYOUT } from './timeline-html.js';
import { deepText, findAll, parseXml, type XmlElement } from '../testing/xml-check.js';
import { LEADER_KILL_DEFAULTS, leaderKillHistory, quorumLossHistory } from '../testing/sample-histories.js';

function svgOf(html: string): XmlElement {
  const start = html.indexOf('<svg');
  const end = html.indexOf('</svg>') + '</svg>'.length;
  return parseXml(html.slice(start, end));
}

const byClass = (root: XmlElement, cls: string): XmlElement[] =>
  findAll(root, (e) => (e.attrs['class'] ?? '').split(/\s+/).includes(cls));

/** Recovers the time scale from two axis ticks, independently of the renderer's internals. */
function scaleFromTicks(svg: XmlElement): (ms: number) => number {
  const ticks = byClass(svg, 'tick').map((t) => ({
    ms: Number(t.attrs['data-t-ms']),
    x: Number(t.children.find((c) => c.name === 'line')?.attrs['x1']),
  }));
  const a = ticks[0];
  const b = ticks[ticks.length - 1];
  if (a === undefined || b === undefined || a === b) {
    throw new Error('need two ticks');
  }
  return (ms) => a.x + ((ms - a.ms) * (b.x - a.x)) / (b.ms - a.ms);
}

describe('renderTimelineHtml', () => {
  const h = leaderKillHistory();
  const verdicts = [
    verdict('etcd-quorum.leader-loss-elects-new-leader', 'pass', 'new leader after 1374 ms', { electionMsMax: 1_374 }, { maxElectionMs: 2_800 }),
    verdict('etcd-quorum.graceful-leader-stop-transfers-leadership', 'fail', 'took 1374 ms', { electionMsMax: 1_374 }, { maxLeaderTransferMs: 1_100 }),
  ];
  const html = renderTimelineHtml({
    meta: { runId: 'r-1', title: 'etcd-quorum', seed: 42, topology: 'ha-3cp' },
    history: h,
    verdicts,
    guarantees: [{ id: 'etcd-quorum.leader-loss-elects-new-leader', statement: 'A new leader is elected.', source: 'https://etcd.io/docs/v3.6/op-guide/failures/' }],
  });

  it('is a well-formed, self-contained page: no script, no external resource, a CSP that forbids fetching', () => {
    const root = parseXml(html.replace(/^<!DOCTYPE html>\n/, ''));
    expect(root.name).toBe('html');
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\((?!#)|src=/i);
    const csp = findAll(root, (e) => e.name === 'meta' && e.attrs['http-equiv'] === 'Content-Security-Policy')[0];
    expect(csp?.attrs['content']).toContain("default-src 'none'");
    // Links to documentation are plain anchors (followed only if a reader clicks).
    expect(findAll(root, (e) => e.name === 'a').every((a) => (a.attrs['href'] ?? '').startsWith('https://etcd.io/'))).toBe(true);
  });

  it('draws one lane per probe and target, and one per polled member', () => {
    const svg = svgOf(html);
    const lanes = byClass(svg, 'op-lane').map((l) => `${l.attrs['data-probe']}|${l.attrs['data-target']}`);
    expect(lanes.sort()).toEqual(h.operationLanes().map((l) => `${l.probe}|${l.target}`).sort());
    expect(byClass(svg, 'leader-lane').map((l) => l.attrs['data-member'])).toEqual([...h.polledMembers()].sort());
    expect(byClass(svg, 'watch-lane')).toHaveLength(1);
  });

  it('places the fault window where the fault happened on the time axis', () => {
    const svg = svgOf(html);
    const x = scaleFromTicks(svg);
    const fault = byClass(svg, 'fault')[0];
    const rect = fault?.children.find((c) => c.attrs['class'] === 'fault-window');
    expect(fault?.attrs['data-fault-id']).toBe('f1-kill-leader');
    expect(Number(rect?.attrs['x'])).toBeCloseTo(x(LEADER_KILL_DEFAULTS.killIssuedAtMs), 1);
    expect(Number(rect?.attrs['x']) + Number(rect?.attrs['width'])).toBeCloseTo(x(LEADER_KILL_DEFAULTS.healedAtMs), 1);
    expect(deepText(svg)).toContain('F1 kill-process etcd (SIGKILL) on leader → control-plane');
  });

  it('marks the leader change with a vertical line at the first observation of the new leader', () => {
    const svg = svgOf(html);
    const x = scaleFromTicks(svg);
    const changes = byClass(svg, 'leader-change');
    expect(changes).toHaveLength(1);
    const at = Number(changes[0]?.attrs['data-at-ms']);
    expect(at).toBeGreaterThanOrEqual(LEADER_KILL_DEFAULTS.newLeaderAtMs);
    expect(Number(changes[0]?.children.find((c) => c.name === 'line')?.attrs['x1'])).toBeCloseTo(x(at), 1);
    expect(deepText(changes[0] ?? svg)).toContain('leader → control-plane2 (term 3)');
  });

  it('shows failures of the killed member’s writes as fail marks inside the fault window', () => {
    const svg = svgOf(html);
    const lane = byClass(svg, 'op-lane').find((l) => l.attrs['data-probe'] === 'etcd-write' && l.attrs['data-target'] === 'ha-3cp-control-plane');
    const fails = findAll(lane ?? svg, (e) => e.attrs['data-outcome'] === 'fail');
    expect(fails.length).toBeGreaterThan(0);
    for (const f of fails) {
      expect(Number(f.attrs['data-start-ms'])).toBeGreaterThanOrEqual(LEADER_KILL_DEFAULTS.killIssuedAtMs);
      expect(Number(f.attrs['data-end-ms'])).toBeLessThan(LEADER_KILL_DEFAULTS.oldLeaderBackAtMs + 1_000);
    }
    const total = findAll(lane ?? svg, (e) => e.attrs['data-count'] !== undefined).reduce((n, e) => n + Number(e.attrs['data-count']), 0);
    expect(total).toBe(h.operations({ probe: 'etcd-write', target: 'ha-3cp-control-plane' }).length);
  });

  it('has phase bands and a verdict table with measured vs threshold', () => {
    const root = parseXml(html.replace(/^<!DOCTYPE html>\n/, ''));
    expect(byClass(root, 'phase').map((p) => p.attrs['data-phase'])).toEqual(['baseline', 'fault', 'heal', 'recovery']);
    const rows = findAll(root, (e) => e.name === 'tr' && (e.attrs['class'] === 'pass' || e.attrs['class'] === 'fail'));
    expect(rows.map((r) => r.attrs['class'])).toEqual(['pass', 'fail']);
    const text = deepText(rows[1] ?? root);
    expect(text).toContain('maxLeaderTransferMs');
    expect(text).toContain('1,100 ms');
    expect(text).toContain('1,374 ms');
  });

  it('fits the 1400 px page', () => {
    const svg = svgOf(html);
    expect(Number(svg.attrs['width'])).toBeLessThanOrEqual(1_360);
    expect(TIMELINE_LAYOUT.plotRight).toBeLessThanOrEqual(Number(svg.attrs['width']));
  });
});

describe('escaping and redaction in the timeline', () => {
  it('escapes every outside string and never shows key material', () => {
    const extra: HistoryEntry[] = [
      { kind: 'note', atMs: 5_000, source: '<img src=x onerror=alert(1)>', text: 'a & b "quoted" \'single\'' },
      {
        kind: 'op',
        probe: 'etcd-write',
        op: 'put',
        target: 'ha-3cp-control-plane',
        invokedAtMs: 59_990,
        completedAtMs: 59_995,
        outcome: 'fail',
        error: 'x509: -----BEGIN PRIV' + 'ATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC\n-----END PRIVATE KEY-----',
      },
    ];
    const h = new History([...leaderKillHistory().entries(), ...extra]);
    const html = renderTimelineHtml({ meta: { runId: 'r<&>' }, history: h, verdicts: [verdict('x.y', 'fail', '<b>bold</b> token=abc123')] });
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>bold</b>');
    expect(html).not.toContain('MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC');
    expect(html).not.toContain('abc123');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('[redacted PRIVATE KEY]');
    const root = parseXml(html.replace(/^<!DOCTYPE html>\n/, ''));
    expect(deepText(root)).toContain('a & b "quoted"');
  });
});

describe('renderTimelineSvg', () => {
  it('renders a history with no faults, no phases and no leader data', () => {
    const h = new History();
    h.recordOperation({ probe: 'p', op: 'o', target: 't', invokedAtMs: 0, completedAtMs: 5, outcome: 'ok' });
    const svg = parseXml(renderTimelineSvg(h));
    expect(byClass(svg, 'op-lane')).toHaveLength(1);
    expect(byClass(svg, 'fault')).toHaveLength(0);
  });

  it('shows the watch reset and relist of the quorum-loss history', () => {
    const svg = parseXml(renderTimelineSvg(quorumLossHistory()));
    const resets = byClass(svg, 'watch-reset');
    expect(resets).toHaveLength(2);
    expect(deepText(resets[1] ?? svg)).toMatch(/410 compacted, relisted at rev \d+/);
  });
});

describe('the VIP holder lane (lb-pair, recorded 2026-12-07)', () => {
  it('shows lb1 holding the VIP until the SIGKILL, then lb2', () => {
    const h = History.fromJsonl(readFileSync(new URL('../../fixtures/histories/vip-holder-killed-lb-pair.jsonl', import.meta.url), 'utf8'));
    const svg = parseXml(renderTimelineSvg(h));
    const lanes = byClass(svg, 'vip-lane');
    expect(lanes).toHaveLength(1);
    const states = findAll(lanes[0] ?? svg, (e) => e.attrs['class'] === 'state-seg').map((e) => e.attrs['data-state']);
    expect(states[0]).toBe('kube-ha-chaos-lb1');
    expect(states).toContain('kube-ha-chaos-lb2');
    expect(states.indexOf('kube-ha-chaos-lb2')).toBeGreaterThan(0);
  });
});

describe('operationRuns', () => {
  const op = (t: number, outcome: 'ok' | 'fail' | 'unknown', d = 5) => ({ probe: 'p', op: 'o', target: 't', invokedAtMs: t, completedAtMs: t + d, outcome });
  it('merges consecutive same-outcome ops and splits on outcome change or silence', () => {
    const runs = operationRuns([op(0, 'ok'), op(100, 'ok'), op(200, 'fail'), op(300, 'fail'), op(400, 'ok'), op(5_000, 'ok')], 1_000);
    expect(runs.map((r) => [r.outcome, r.count, r.startMs, r.endMs])).toEqual([
      ['ok', 2, 0, 105],
      ['fail', 2, 200, 305],
      ['ok', 1, 400, 405],
      ['ok', 1, 5_000, 5_005],
    ]);
  });
});

describe('commonNodePrefix', () => {
  it('strips the kind cluster name only', () => {
    expect(commonNodePrefix(['ha-3cp-control-plane', 'ha-3cp-control-plane2', 'ha-3cp-external-load-balancer'])).toBe('ha-3cp-');
    expect(commonNodePrefix(['ha-3cp-control-plane', 'ha-3cp-control-plane2'])).toBe('ha-3cp-');
    expect(commonNodePrefix(['kind-control-plane', 'other-control-plane'])).toBe('');
    expect(commonNodePrefix(['10.0.0.1:2379', '10.0.0.2:2379'])).toBe('');
  });
});

describe('fault labels on a long run with many faults (an ha-5cp etcd-quorum run: 11 faults on 5 members)', () => {
  // Issue and heal times (s) shaped like the ha-5cp run of 2026-11-30: kills close together at the
  // start, long holds in the middle, two faults in the last minute (where end-anchored labels overlapped).
  const members = [1, 2, 3, 4, 5].map((i) => `kube-ha-chaos-control-plane${i === 1 ? '' : i}`);
  const schedule: readonly [string, number, number, string][] = [
    ['SIGKILL etcd on one-follower -> kube-ha-chaos-control-plane2', 40, 62, members[1]!],
    ['stop-member (manifest moved away) on one follower', 95, 180, members[2]!],
    ['kill-process etcd (SIGKILL) on leader', 230, 262, members[0]!],
    ['kill-process etcd (SIGKILL) on leader', 300, 340, members[3]!],
    ['kill-process etcd (SIGKILL) on leader', 372, 420, members[4]!],
    ['kill-process etcd (SIGTERM) on leader', 470, 505, members[1]!],
    ['stop-member (manifest moved away) on minority', 560, 690, `${members[2]!}, ${members[3]!}`],
    ['stop-member (manifest moved away) on majority', 745, 890, `${members[0]!}, ${members[1]!}, ${members[4]!}`],
    ['partition on leader', 940, 985, members[2]!],
    ['kill-process etcd (SIGKILL) on leader', 1_131, 1_150, members[3]!],
    ['kill-process etcd (SIGKILL) on leader', 1_158, 1_175, members[0]!],
  ];
  const entries: HistoryEntry[] = schedule.flatMap(([summary, issued, healed, targets], i): HistoryEntry[] => [
    { kind: 'fault-injected', issuedAtMs: issued * 1_000, atMs: issued * 1_000 + 60, faultId: `f${i + 1}-${summary.split(' ')[0]}`, summary, targets: targets.split(', ') },
    { kind: 'fault-healed', issuedAtMs: healed * 1_000 - 2_000, atMs: healed * 1_000, faultId: `f${i + 1}-${summary.split(' ')[0]}`, summary: 'healed', targets: targets.split(', ') },
  ]);
  entries.push({ kind: 'note', atMs: 1_200_000, source: 'end', text: 'end of run' });
  const svg = svgOf(renderTimelineSvg(new History(entries)));
  const labels = byClass(svg, 'fault-label').map((e) => {
    const width = e.text.length * TIMELINE_LAYOUT.charWidthPx;
    const x = Number(e.attrs['x']);
    const start = e.attrs['text-anchor'] === 'end' ? x - width : x;
    return { text: e.text, y: e.attrs['y'], start, end: start + width };
  });

  it('every fault gets a label, numbered like the fault table, none outside the plot', () => {
    expect(labels.map((l) => l.text.split(' ')[0]).sort()).toEqual(schedule.map((_, i) => faultLabel(i)).sort());
    for (const l of labels) {
      expect(l.start).toBeGreaterThanOrEqual(TIMELINE_LAYOUT.plotLeft);
      expect(l.end).toBeLessThanOrEqual(TIMELINE_LAYOUT.plotRight + 0.01);
    }
  });

  it('labels with room keep their full text', () => {
    const full = labels.filter((l) => l.text.includes('→'));
    expect(full.length).toBeGreaterThanOrEqual(5);
    // The summary's own target tail (full node names) is not repeated before the short names.
    expect(full.map((l) => l.text)).toContain('F1 SIGKILL etcd on one-follower → control-plane2');
  });

  it('no two labels on one row overlap', () => {
    const rows = new Map<string | undefined, typeof labels>();
    for (const l of labels) {
      rows.set(l.y, [...(rows.get(l.y) ?? []), l]);
    }
    for (const row of rows.values()) {
      const sorted = [...row].sort((a, b) => a.start - b.start);
      for (let i = 1; i < sorted.length; i += 1) {
        expect(sorted[i]!.start, `${sorted[i - 1]!.text} | ${sorted[i]!.text}`).toBeGreaterThanOrEqual(sorted[i - 1]!.end);
      }
    }
  });
});
