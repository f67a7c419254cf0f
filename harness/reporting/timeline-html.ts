/**
 * timeline.html: a self-contained page (inline SVG and CSS, no script, no network, no web fonts; a
 * Content-Security-Policy forbids fetching anything) that draws the run on one time axis:
 *
 * - one lane per probe and target, with ok / fail / unknown marks over time;
 * - one lane per etcd member showing whom it believed to be leader (or that it did not answer);
 * - watch streams (delivery, resets) and notes;
 * - phase bands, fault windows shaded and labelled, leader changes as vertical lines;
 *
 * followed by the verdict table (measured vs threshold) and the fault, leader-change and
 * availability tables. Every string from outside is redacted and escaped. The markup is XHTML-style
 * (void elements self-closed) so tests can check it with an XML parser.
 */
import type { History, LeaderObservation, Operation, Outcome, PollerKind, StatusErrorObservation } from '../probes/history.js';
import { holderNode } from '../checks/lease-holders.js';
import { countVerdicts, errorCount, findingCount, mergeVerdicts, type Verdict } from '../checks/verdict.js';
import { NO_LEADER } from '../checks/election.js';
import { formatSeconds, formatValue, safeXml, truncate } from './format.js';
import type { CaseReport, GuaranteeInfo, RunMeta } from './report-types.js';
import { ELECTION_MEASURE_TEXT, runFacts, type RunFacts } from './run-facts.js';
import { caseGroups, describeCaseFaults, faultLabel } from './case-groups.js';

/** Input of renderTimelineHtml. */
export interface TimelineInput {
  readonly meta: RunMeta;
  readonly history: History;
  readonly verdicts: readonly Verdict[];
  readonly guarantees?: readonly GuaranteeInfo[];
  /** The same verdicts by case: the verdict table then has a heading row per case, with its faults. */
  readonly cases?: readonly CaseReport[];
}

/** Geometry of the SVG (exported so tests can reason about positions). */
export const TIMELINE_LAYOUT = {
  width: 1360,
  plotLeft: 292,
  plotRight: 1336,
  labelRowHeight: 16,
  phaseBandHeight: 20,
  groupHeaderHeight: 22,
  lanePitch: 24,
  laneHeight: 16,
  axisHeight: 30,
  /** Average glyph width at 11 px, for label collision estimates (system sans fonts). */
  charWidthPx: 6.4,
} as const;

const L = TIMELINE_LAYOUT;

/** Palette: outcome colours are reserved for outcomes; leaders get colours that cannot be mistaken for them. */
export const COLORS = {
  ok: '#2f9e5a',
  fail: '#d9413c',
  unknown: '#e8a013',
  /** A finding: a hazard upstream allows, observed. Orange, apart from pass green and fail red. */
  finding: '#e8590c',
  fault: '#d9413c',
  noLeader: '#ced4da',
  watch: '#748ffc',
  leaderLine: '#343a40',
  grid: '#e9ecef',
  text: '#212529',
  muted: '#6c757d',
  leaders: ['#4263eb', '#9c36b5', '#0c8599', '#c2255c', '#5f3dc4', '#e67700', '#495057'],
  /** A poller got no answer at all: the state is unknown (not the same as a failed probe). */
  unobserved: '#868e96',
  /** haproxy "DOWN 1/2": ejected, passing checks again, not yet back. */
  comingUp: '#f08c8c',
  /** An address not listed in the endpoints. */
  notListed: '#e9ecef',
  phases: { 'warm-up': '#f1f3f5', baseline: '#e7f0fb', fault: '#fce9e8', heal: '#fff3d4', recovery: '#e6f5ea' } as Readonly<Record<string, string>>,
} as const;

/** Maps run-clock ms to x. */
interface Scale {
  readonly t0: number;
  readonly t1: number;
  x(ms: number): number;
}

function makeScale(t0: number, t1: number): Scale {
  const span = Math.max(1, t1 - t0);
  return { t0, t1, x: (ms) => L.plotLeft + ((ms - t0) / span) * (L.plotRight - L.plotLeft) };
}

const n2 = (v: number): string => (Math.round(v * 100) / 100).toString();

/**
 * The kind cluster-name prefix all node names share (e.g. 'ha-3cp-'), to shorten lane labels.
 * Only kind's own naming is recognised (`<cluster>-control-plane[N]`, `-worker[N]`,
 * `-external-load-balancer`): a generic common prefix would cut 'control-plane' down to 'plane'.
 */
export function commonNodePrefix(names: readonly string[]): string {
  const unique = [...new Set(names)];
  const clusters = new Set<string>();
  for (const n of unique) {
    const m = /^(.+?)-(?:control-plane\d*|worker\d*|external-load-balancer)$/.exec(n);
    if (m === null) {
      return '';
    }
    clusters.add(m[1] ?? '');
  }
  const [only] = [...clusters];
  return clusters.size === 1 && only !== undefined ? `${only}-` : '';
}

/** Where a placed label is drawn: its row, the text that fit, and its anchor. */
interface PlacedLabel {
  readonly row: number;
  /** The text drawn ('' when nothing fit: the mark stays, its tooltip carries the text). */
  readonly text: string;
  /** x of the text's anchor. */
  readonly textX: number;
  /** The label would run past the plot's right edge, so it is drawn ending there. */
  readonly anchorEnd: boolean;
}

/**
 * Row assignment so labels do not overlap; at most `maxRows` rows. Every label first gets its short
 * text (e.g. "F7") in the first row with room, so each mark keeps a name; then, left to right, a label
 * takes its full text in any row where that span collides with nothing. Spans are the ones actually
 * DRAWN: a label that would run past the right edge is drawn ending there (when `endAnchor` allows),
 * so it reserves that span, not the one right of its mark (reserving the wrong span drew ha-5cp's
 * last fault labels on top of each other). A label with no room at all keeps its mark and tooltip.
 */
function placeLabels<T extends { x: number; text: string; shortText?: string }>(
  items: readonly T[],
  maxRows: number,
  opts: { readonly offset?: number; readonly endAnchor?: boolean } = {},
): (T & PlacedLabel)[] {
  const offset = opts.offset ?? 2;
  const gap = 6;
  const spanOf = (x: number, text: string): { start: number; end: number; anchorEnd: boolean } | undefined => {
    const width = text.length * L.charWidthPx;
    const overflows = x + offset + width > L.plotRight;
    if (overflows && opts.endAnchor !== true) {
      return undefined;
    }
    const start = overflows ? L.plotRight - width : x + offset;
    return { start, end: start + width, anchorEnd: overflows };
  };
  type Slot = { row: number; text: string; start: number; end: number; anchorEnd: boolean } | undefined;
  const sorted = [...items].sort((a, b) => a.x - b.x);
  const slots: Slot[] = sorted.map(() => undefined);
  const fits = (row: number, start: number, end: number, self: number): boolean =>
    slots.every((o, j) => j === self || o === undefined || o.row !== row || end + gap <= o.start || o.end + gap <= start);
  const rowFor = (i: number, text: string): Slot => {
    const span = spanOf(sorted[i]!.x, text);
    if (span === undefined) {
      return undefined;
    }
    for (let row = 0; row < maxRows; row += 1) {
      if (fits(row, span.start, span.end, i)) {
        return { row, text, ...span };
      }
    }
    return undefined;
  };
  sorted.forEach((it, i) => {
    slots[i] = rowFor(i, it.shortText ?? it.text) ?? (it.shortText === undefined ? undefined : rowFor(i, it.text));
  });
  sorted.forEach((it, i) => {
    if (it.shortText !== undefined && it.shortText !== it.text) {
      slots[i] = rowFor(i, it.text) ?? slots[i];
    }
  });
  return sorted.map((it, i) => {
    const s = slots[i];
    return { ...it, ...(s === undefined ? { row: 0, text: '', textX: it.x, anchorEnd: false } : { row: s.row, text: s.text, textX: s.anchorEnd ? L.plotRight : s.start, anchorEnd: s.anchorEnd }) };
  });
}

// The fault labels (F1, F2, ...) are shared with the case headings of the verdict table.
export { faultLabel };

function niceTickStepMs(spanMs: number): number {
  const steps = [100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000];
  return steps.find((s) => spanMs / s <= 16) ?? 3_600_000;
}

/** A run of consecutive operations with one outcome, drawn as one rectangle. */
interface Run {
  readonly outcome: Outcome;
  readonly startMs: number;
  readonly endMs: number;
  readonly count: number;
  readonly firstError: string | undefined;
}

/**
 * Merges consecutive same-outcome operations of one lane into runs (a 10 Hz probe over ten minutes
 * is 6 000 marks; a few dozen rectangles draw the same picture). A silence longer than
 * `breakMs` between operations splits a run, so idle gaps stay visible.
 */
export function operationRuns(ops: readonly Operation[], breakMs: number): Run[] {
  const sorted = [...ops].sort((a, b) => a.invokedAtMs - b.invokedAtMs);
  const runs: Run[] = [];
  let cur: { outcome: Outcome; startMs: number; endMs: number; count: number; firstError: string | undefined } | undefined;
  for (const o of sorted) {
    if (cur !== undefined && cur.outcome === o.outcome && o.invokedAtMs - cur.endMs <= breakMs) {
      cur.endMs = Math.max(cur.endMs, o.completedAtMs);
      cur.count += 1;
      continue;
    }
    if (cur !== undefined) {
      runs.push(cur);
    }
    cur = { outcome: o.outcome, startMs: o.invokedAtMs, endMs: o.completedAtMs, count: 1, firstError: o.error };
  }
  if (cur !== undefined) {
    runs.push(cur);
  }
  return runs;
}

function medianInterval(ops: readonly Operation[]): number {
  const t = ops.map((o) => o.invokedAtMs).sort((a, b) => a - b);
  const d = t.slice(1).map((v, i) => v - (t[i] ?? v)).sort((a, b) => a - b);
  return d[Math.floor(d.length / 2)] ?? 100;
}

/** Leader-view segments of one member: runs of equal (leader, term) or of failed polls. */
function leaderSegments(
  polls: readonly (LeaderObservation | StatusErrorObservation)[],
  endMs: number,
): { startMs: number; endMs: number; state: string; leaderId: string | undefined; term: number | undefined; count: number; error: string | undefined }[] {
  const sorted = [...polls].sort((a, b) => a.atMs - b.atMs);
  const segs: { startMs: number; endMs: number; state: string; leaderId: string | undefined; term: number | undefined; count: number; error: string | undefined }[] = [];
  for (const p of sorted) {
    const state = p.kind === 'leader' ? `${/^0+$/.test(p.leaderId) ? NO_LEADER : p.leaderId}/${p.term}` : 'unreachable';
    const last = segs[segs.length - 1];
    if (last !== undefined && last.state === state) {
      last.count += 1;
      continue;
    }
    if (last !== undefined) {
      last.endMs = p.atMs;
    }
    segs.push({
      startMs: p.atMs,
      endMs: p.atMs,
      state,
      leaderId: p.kind === 'leader' ? p.leaderId : undefined,
      term: p.kind === 'leader' ? p.term : undefined,
      count: 1,
      error: p.kind === 'leader-error' ? p.error : undefined,
    });
  }
  // The last state lasts one poll interval past its last poll (not to the end of the history: a
  // poller that stopped early must look stopped).
  const last = segs[segs.length - 1];
  const lastPoll = sorted[sorted.length - 1];
  if (last !== undefined && lastPoll !== undefined) {
    const times = sorted.map((p) => p.atMs);
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? t)).sort((a, b) => a - b);
    last.endMs = Math.min(endMs, lastPoll.atMs + (gaps[Math.floor(gaps.length / 2)] ?? 0));
  }
  return segs;
}

/** One polled state, ready to draw. */
interface StateSample {
  readonly atMs: number;
  /** Equal states merge into one segment. */
  readonly state: string;
  readonly text: string;
  readonly fill: string;
  /** Dark text on light fills. */
  readonly darkText?: boolean;
  readonly detail?: string;
}

/** A drawn run of one state. */
interface StateSegment {
  startMs: number;
  endMs: number;
  readonly sample: StateSample;
  count: number;
}

/**
 * Merges consecutive equal states into segments; each lasts until the next different state, and the
 * last one lasts one (median) poll interval past its last sample, so a poller that stopped early
 * looks stopped.
 */
export function stateSegments(samples: readonly StateSample[], endMs: number): StateSegment[] {
  const sorted = [...samples].sort((a, b) => a.atMs - b.atMs);
  const segs: StateSegment[] = [];
  for (const smp of sorted) {
    const last = segs[segs.length - 1];
    if (last !== undefined && last.sample.state === smp.state) {
      last.count += 1;
      last.endMs = smp.atMs;
      continue;
    }
    if (last !== undefined) {
      last.endMs = smp.atMs;
    }
    segs.push({ startMs: smp.atMs, endMs: smp.atMs, sample: smp, count: 1 });
  }
  const last = segs[segs.length - 1];
  const times = [...new Set(sorted.map((x) => x.atMs))];
  const gaps = times.slice(1).map((t, i) => t - (times[i] ?? t)).sort((a, b) => a - b);
  if (last !== undefined) {
    last.endMs = Math.min(endMs, (sorted[sorted.length - 1]?.atMs ?? last.endMs) + (gaps[Math.floor(gaps.length / 2)] ?? 0));
  }
  return segs;
}

/** Samples of a poller's failures, for every lane of that poller. */
function noAnswerSamples(history: History, poller: PollerKind): StateSample[] {
  return history.pollErrors(poller).map((e) => ({ atMs: e.atMs, state: 'no-answer', text: 'no answer', fill: COLORS.unobserved, detail: e.error }));
}

/** Colour of a haproxy backend status. */
function backendFill(status: string): { fill: string; dark: boolean } {
  if (/^UP \d/.test(status)) {
    return { fill: COLORS.unknown, dark: true };
  }
  if (status.startsWith('UP') || status.startsWith('no check')) {
    return { fill: COLORS.ok, dark: false };
  }
  if (/^DOWN \d/.test(status)) {
    return { fill: COLORS.comingUp, dark: true };
  }
  if (status.startsWith('DOWN')) {
    return { fill: COLORS.fail, dark: false };
  }
  return { fill: COLORS.noLeader, dark: true };
}

/** Renders the timeline SVG alone. */
export function renderTimelineSvg(history: History, factsIn?: RunFacts): string {
  const facts = factsIn ?? runFacts(history);
  const scale = makeScale(facts.startMs, facts.endMs > facts.startMs ? facts.endMs : facts.startMs + 1_000);
  const x = (ms: number): string => n2(scale.x(ms));
  const allNames = [
    ...history.operations().map((o) => o.target),
    ...history.polledMembers(),
    ...facts.faults.flatMap((f) => f.targets),
    ...history.observedNodes(),
    ...history.backendServers(),
    ...history.leaseObservations().flatMap((o) => holderNode(o.holder) ?? []),
  ];
  // 'lb' (the through-LB probes' target) is not a node name and must not disable the shortening.
  const prefix = commonNodePrefix(allNames.filter((n) => n !== 'lb'));
  const short = (name: string): string => (prefix !== '' && name.startsWith(prefix) ? name.slice(prefix.length) : name);
  const leaderName = (id: string): string => {
    const m = facts.memberById.get(id);
    return m === undefined ? id.slice(0, 8) : short(m);
  };
  const leaderIds = [...new Set(history.leaderObservations().map((o) => o.leaderId).filter((id) => !/^0+$/.test(id)))];
  const leaderColor = (id: string): string => COLORS.leaders[leaderIds.indexOf(id) % COLORS.leaders.length] ?? COLORS.muted;
  // Lease holders are coloured by the node they run on, so one node's holders share a colour.
  const holderNodes = [...new Set(history.leaseObservations().flatMap((o) => holderNode(o.holder) ?? []))].sort();
  const holderColor = (holder: string): string => {
    const n = holderNode(holder);
    return n === undefined ? COLORS.noLeader : (COLORS.leaders[holderNodes.indexOf(n) % COLORS.leaders.length] ?? COLORS.muted);
  };

  // ---- label rows above the plot: faults, then leader changes ----
  // A fault's label is its number (the fault table's "#" column), what it did and the short names of
  // its targets (the summary's own " -> full names" tail is dropped); the fault id lives in the
  // tooltip and the table, so up to a dozen faults still fit above the plot.
  const faultLabels = placeLabels(
    facts.faults.map((f, i) => ({ x: scale.x(f.issuedAtMs), text: truncate(`${faultLabel(i)} ${f.summary.replace(/ -> [^>]*$/, '')} → ${f.targets.map(short).join(', ')}`, 120), shortText: faultLabel(i), f })),
    3,
    { endAnchor: true },
  );
  const changeLabels = placeLabels(
    facts.leaderChanges.map((c) => ({
      x: scale.x(c.atMs),
      text: `leader → ${c.toMember === undefined ? c.toLeaderId.slice(0, 8) : short(c.toMember)} (term ${c.term})`,
      c,
    })),
    3,
    { offset: 3, endAnchor: true },
  );
  const faultRows = Math.max(1, ...faultLabels.map((l) => l.row + 1));
  const changeRows = Math.max(1, ...changeLabels.map((l) => l.row + 1));
  const faultLabelTop = 4;
  const changeLabelTop = faultLabelTop + faultRows * L.labelRowHeight + 2;
  const phaseTop = changeLabelTop + changeRows * L.labelRowHeight + 4;
  const lanesTop = phaseTop + L.phaseBandHeight + 6;

  // ---- lanes ----
  interface Lane {
    readonly kind: 'op' | 'leader' | 'watch' | 'note' | 'lease' | 'node' | 'backend' | 'endpoint' | 'vip';
    readonly key: string;
    readonly label: string;
    readonly title: string;
  }
  const groups: { title: string; lanes: Lane[] }[] = [];
  const opLanes = [...history.operationLanes()].sort((a, b) => a.probe.localeCompare(b.probe) || a.target.localeCompare(b.target));
  if (opLanes.length > 0) {
    groups.push({
      title: 'Probe operations',
      lanes: opLanes.map((l) => ({ kind: 'op', key: `${l.probe}\u0000${l.target}`, label: `${l.probe} · ${short(l.target)}`, title: `${l.probe} via ${l.target}` })),
    });
  }
  const members = [...history.polledMembers()].sort();
  if (members.length > 0) {
    groups.push({
      title: 'Leader as seen by each member',
      lanes: members.map((m) => ({ kind: 'leader', key: m, label: short(m), title: `status polls of ${m}` })),
    });
  }
  const leases = [...history.leaseNames()].sort();
  if (leases.length > 0) {
    groups.push({ title: 'Lease holders', lanes: leases.map((l) => ({ kind: 'lease', key: l, label: l, title: `holder of Lease kube-system/${l}` })) });
  }
  const nodes = [...history.observedNodes()].sort();
  if (nodes.length > 0) {
    groups.push({ title: 'Node Ready', lanes: nodes.map((n) => ({ kind: 'node', key: n, label: short(n), title: `Ready condition of ${n}` })) });
  }
  const vips = [...new Set(history.ofKind('vip-owner').map((o) => o.vip))].sort();
  if (vips.length > 0) {
    groups.push({ title: 'VIP holder (keepalived)', lanes: vips.map((v) => ({ kind: 'vip', key: v, label: v, title: `which LB host has ${v} on its interface` })) });
  }
  const servers = [...history.backendServers()].sort();
  if (servers.length > 0) {
    groups.push({ title: 'Load balancer backends (haproxy)', lanes: servers.map((sv) => ({ kind: 'backend', key: sv, label: short(sv), title: `haproxy's state of backend ${sv}` })) });
  }
  // One lane per address ever listed (named after its node when the node poller saw that IP).
  const ipNode = new Map(history.nodeObservations().flatMap((o) => (o.internalIp === undefined ? [] : [[o.internalIp, o.node] as const])));
  const endpointKeys = [...new Set(history.endpointsObservations().flatMap((e) => e.addresses.map((a) => `${e.service}\u0000${a}`)))].sort();
  if (endpointKeys.length > 0) {
    groups.push({
      title: 'Service endpoints',
      lanes: endpointKeys.map((k) => {
        const [service, ip] = k.split('\u0000') as [string, string];
        const node = ipNode.get(ip);
        return { kind: 'endpoint', key: k, label: `${service} · ${node === undefined ? ip : short(node)}`, title: `${ip}${node === undefined ? '' : ` (${node})`} in ${service}` };
      }),
    });
  }
  const watchers = history.watchers();
  if (watchers.length > 0) {
    groups.push({ title: 'Watch streams', lanes: watchers.map((w) => ({ kind: 'watch', key: w, label: w, title: `watch ${w}` })) });
  }
  const notes = history.ofKind('note');
  if (notes.length > 0) {
    groups.push({ title: 'Notes', lanes: [{ kind: 'note', key: 'notes', label: 'notes', title: 'notes' }] });
  }

  const body: string[] = [];
  let y = lanesTop;
  const laneTops = new Map<string, number>();
  for (const g of groups) {
    body.push(`<text class="group" x="8" y="${n2(y + 15)}">${safeXml(g.title)}</text>`);
    y += L.groupHeaderHeight;
    for (const lane of g.lanes) {
      laneTops.set(`${lane.kind}\u0000${lane.key}`, y);
      y += L.lanePitch;
    }
  }
  const lanesBottom = y;
  const axisTop = lanesBottom + 4;
  const height = axisTop + L.axisHeight;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="${L.width}" height="${n2(height)}" viewBox="0 0 ${L.width} ${n2(height)}" role="img" aria-label="Run timeline">`,
    '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff4f3"/><line x1="0" y1="0" x2="0" y2="6" stroke="#e8a19e" stroke-width="2"/></pattern></defs>',
  );

  // Grid and axis ticks.
  const step = niceTickStepMs(scale.t1 - scale.t0);
  const firstTick = Math.ceil(scale.t0 / step) * step;
  const ticks: string[] = [];
  for (let t = firstTick; t <= scale.t1 + 1e-6; t += step) {
    const tx = x(t);
    out.push(`<line class="grid" x1="${tx}" y1="${n2(phaseTop)}" x2="${tx}" y2="${n2(lanesBottom)}" stroke="${COLORS.grid}"/>`);
    ticks.push(
      `<g class="tick" data-t-ms="${t}"><line x1="${tx}" y1="${n2(axisTop)}" x2="${tx}" y2="${n2(axisTop + 5)}" stroke="${COLORS.muted}"/><text x="${tx}" y="${n2(axisTop + 18)}" text-anchor="middle">${safeXml(formatSeconds(t))}</text></g>`,
    );
  }

  // Phase bands.
  for (const p of facts.phases) {
    const x1 = scale.x(p.startMs);
    const w = Math.max(0, scale.x(p.endMs) - x1);
    const fill = COLORS.phases[p.name] ?? '#f1f3f5';
    out.push(
      `<g class="phase" data-phase="${safeXml(p.name)}"><title>${safeXml(`${p.name}: ${formatSeconds(p.startMs)} to ${formatSeconds(p.endMs)}`)}</title><rect x="${n2(x1)}" y="${n2(phaseTop)}" width="${n2(w)}" height="${L.phaseBandHeight}" fill="${fill}" stroke="#ffffff"/>${w >= p.name.length * L.charWidthPx + 8 ? `<text x="${n2(x1 + w / 2)}" y="${n2(phaseTop + 14)}" text-anchor="middle" class="phase-label">${safeXml(p.name)}</text>` : ''}</g>`,
    );
  }
  out.push(`<text class="axis-label" x="8" y="${n2(phaseTop + 14)}">phases</text>`);

  // Fault windows start below the phase band, so phase names stay readable.
  const faultTop = lanesTop - 3;
  // Fault windows: shaded from issue to confirmed heal; the healing part (heal issued .. confirmed)
  // hatched; a window without a heal runs to the end and says so.
  for (const f of facts.faults) {
    const end = f.healedAtMs ?? scale.t1;
    const x1 = scale.x(f.issuedAtMs);
    const w = Math.max(1, scale.x(end) - x1);
    const healX = f.healIssuedAtMs === undefined ? undefined : scale.x(f.healIssuedAtMs);
    const title = `${f.faultId}: ${f.summary} on ${f.targets.join(', ')}; issued ${formatSeconds(f.issuedAtMs)}, in effect ${formatSeconds(f.injectedAtMs)}${f.healedAtMs === undefined ? ', never healed' : `, healed ${formatSeconds(f.healedAtMs)}`}${f.healError === undefined ? '' : ` (heal error: ${f.healError})`}`;
    out.push(
      `<g class="fault" data-fault-id="${safeXml(f.faultId)}" data-start-ms="${f.issuedAtMs}" data-end-ms="${end}"><title>${safeXml(title)}</title>` +
        `<rect class="fault-window" x="${n2(x1)}" y="${n2(faultTop)}" width="${n2(w)}" height="${n2(lanesBottom - faultTop)}" fill="${COLORS.fault}" fill-opacity="0.09" stroke="${COLORS.fault}" stroke-opacity="0.55" stroke-dasharray="${f.healedAtMs === undefined ? '6 3' : 'none'}"/>` +
        (healX !== undefined && f.healedAtMs !== undefined && scale.x(f.healedAtMs) - healX > 1
          ? `<rect class="healing" x="${n2(healX)}" y="${n2(faultTop)}" width="${n2(scale.x(f.healedAtMs) - healX)}" height="${n2(lanesBottom - faultTop)}" fill="url(#hatch)" fill-opacity="0.6"/>`
          : '') +
        '</g>',
    );
  }
  for (const l of faultLabels) {
    if (l.text === '') {
      continue;
    }
    const ly = faultLabelTop + l.row * L.labelRowHeight + 12;
    out.push(
      `<text class="fault-label" x="${n2(l.textX)}" y="${n2(ly)}" text-anchor="${l.anchorEnd ? 'end' : 'start'}" fill="${COLORS.fault}"><title>${safeXml(`${l.f.faultId}: ${l.f.summary} on ${l.f.targets.join(', ')}`)}</title>${safeXml(l.text)}</text>`,
    );
  }
  out.push(`<text class="axis-label" x="8" y="${n2(faultLabelTop + 12)}">faults</text>`);
  out.push(`<text class="axis-label" x="8" y="${n2(changeLabelTop + 12)}">leader changes</text>`);

  // Lanes.
  out.push(...body);
  for (const g of groups) {
    for (const lane of g.lanes) {
      const top = laneTops.get(`${lane.kind}\u0000${lane.key}`) ?? 0;
      const mid = top + L.laneHeight / 2;
      const parts: string[] = [
        `<rect class="lane-bg" x="${L.plotLeft}" y="${n2(top)}" width="${L.plotRight - L.plotLeft}" height="${L.laneHeight}" fill="#f8f9fa"/>`,
        `<text class="lane-label" x="${L.plotLeft - 8}" y="${n2(mid + 4)}" text-anchor="end"><title>${safeXml(lane.title)}</title>${safeXml(truncate(lane.label, 42))}</text>`,
      ];
      if (lane.kind === 'op') {
        const [probe, target] = lane.key.split('\u0000') as [string, string];
        const ops = history.operations({ probe, target });
        const breakMs = Math.max(1_000, 3 * medianInterval(ops));
        const runs = operationRuns(ops, breakMs);
        // ok first, then unknown, then fail: failures must never be hidden under successes.
        for (const outcome of ['ok', 'unknown', 'fail'] as const) {
          for (const r of runs.filter((q) => q.outcome === outcome)) {
            const x1 = scale.x(r.startMs);
            const w = Math.max(1.5, scale.x(r.endMs) - x1);
            const inset = outcome === 'ok' ? 4 : 0;
            const title = `${outcome} × ${r.count}, ${formatSeconds(r.startMs)} to ${formatSeconds(r.endMs)}${r.firstError === undefined ? '' : `: ${truncate(r.firstError, 200)}`}`;
            parts.push(
              `<rect class="op ${outcome}" data-outcome="${outcome}" data-count="${r.count}" data-start-ms="${r.startMs}" data-end-ms="${r.endMs}" x="${n2(x1)}" y="${n2(top + inset)}" width="${n2(w)}" height="${L.laneHeight - 2 * inset}" fill="${COLORS[outcome]}"><title>${safeXml(title)}</title></rect>`,
            );
          }
        }
        out.push(`<g class="lane op-lane" data-probe="${safeXml(probe)}" data-target="${safeXml(target)}">${parts.join('')}</g>`);
      } else if (lane.kind === 'leader') {
        const polls = [...history.leaderObservations(lane.key), ...history.statusErrors(lane.key)];
        for (const s of leaderSegments(polls, facts.endMs)) {
          const x1 = scale.x(s.startMs);
          const w = Math.max(1.5, scale.x(s.endMs) - x1);
          const isNone = s.leaderId !== undefined && /^0+$/.test(s.leaderId);
          const fill = s.leaderId === undefined ? COLORS.fail : isNone ? COLORS.noLeader : leaderColor(s.leaderId);
          const text = s.leaderId === undefined ? 'unreachable' : isNone ? 'no leader' : `${leaderName(s.leaderId)} · t${s.term ?? '?'}`;
          const title = `${text}: ${formatSeconds(s.startMs)} to ${formatSeconds(s.endMs)} (${s.count} polls)${s.error === undefined ? '' : `: ${truncate(s.error, 200)}`}`;
          parts.push(
            `<g class="leader-seg" data-state="${safeXml(s.state)}"><title>${safeXml(title)}</title><rect x="${n2(x1)}" y="${n2(top)}" width="${n2(w)}" height="${L.laneHeight}" fill="${fill}"/>${
              w >= text.length * L.charWidthPx + 8
                ? `<text x="${n2(x1 + 5)}" y="${n2(mid + 4)}" class="seg-label" fill="${isNone ? COLORS.text : '#ffffff'}">${safeXml(text)}</text>`
                : ''
            }</g>`,
          );
        }
        out.push(`<g class="lane leader-lane" data-member="${safeXml(lane.key)}">${parts.join('')}</g>`);
      } else if (lane.kind === 'lease' || lane.kind === 'node' || lane.kind === 'backend' || lane.kind === 'endpoint' || lane.kind === 'vip') {
        let samples: StateSample[];
        if (lane.kind === 'lease') {
          samples = [
            ...history.leaseObservations(lane.key).map((o): StateSample => ({
              atMs: o.atMs,
              state: `${o.holder}/${o.transitions ?? '?'}`,
              text: o.holder === '' ? 'released' : `${short(holderNode(o.holder) ?? o.holder)}${o.transitions === undefined ? '' : ` · #${o.transitions}`}`,
              fill: holderColor(o.holder),
              darkText: o.holder === '',
              detail: `holder ${o.holder === '' ? '(none)' : o.holder}, transitions ${o.transitions ?? '?'}, renewed ${o.renewTimeIso ?? '?'}, via ${o.via}`,
            })),
            ...noAnswerSamples(history, 'lease'),
          ];
        } else if (lane.kind === 'node') {
          samples = [
            ...history.nodeObservations(lane.key).map((o): StateSample => ({
              atMs: o.atMs,
              state: `${o.ready}/${o.internalIp ?? ''}`,
              text: o.ready === 'True' ? 'Ready' : o.ready === 'False' ? 'NotReady' : 'Unknown',
              fill: o.ready === 'True' ? COLORS.ok : o.ready === 'False' ? COLORS.fail : COLORS.unknown,
              darkText: o.ready === 'Unknown',
              detail: `Ready=${o.ready}${o.reason === undefined ? '' : ` (${o.reason})`}${o.internalIp === undefined ? '' : `, IP ${o.internalIp}`}`,
            })),
            ...noAnswerSamples(history, 'node'),
          ];
        } else if (lane.kind === 'vip') {
          samples = history
            .ofKind('vip-owner')
            .filter((o) => o.vip === lane.key)
            .map((o): StateSample => ({
              atMs: o.atMs,
              state: o.owner ?? `none:${o.why ?? ''}`,
              text: o.owner === undefined ? (o.why?.includes('split brain') ? 'two holders' : 'no holder') : short(o.owner),
              fill: o.owner === undefined ? (o.why?.includes('split brain') ? COLORS.fail : COLORS.unknown) : holderColor(o.owner),
              darkText: o.owner === undefined,
              detail: o.claims.join(', '),
            }));
        } else if (lane.kind === 'backend') {
          samples = [
            ...history.backendStates(lane.key).map((o): StateSample => {
              const c = backendFill(o.status);
              return { atMs: o.atMs, state: o.status, text: o.status, fill: c.fill, darkText: c.dark, detail: `${o.status}${o.checkStatus === undefined ? '' : `, last check ${o.checkStatus}`}` };
            }),
            ...noAnswerSamples(history, 'lb-backend'),
          ];
        } else {
          const [service, ip] = lane.key.split('\u0000') as [string, string];
          samples = [
            ...history.endpointsObservations(service).map((o): StateSample => {
              const listed = o.addresses.includes(ip);
              return { atMs: o.atMs, state: listed ? 'listed' : 'absent', text: listed ? 'listed' : 'not listed', fill: listed ? COLORS.ok : COLORS.notListed, darkText: !listed, detail: `${o.addresses.length} addresses, via ${o.via}` };
            }),
            ...noAnswerSamples(history, 'endpoints'),
          ];
        }
        for (const sg of stateSegments(samples, facts.endMs)) {
          const x1 = scale.x(sg.startMs);
          const w = Math.max(1.5, scale.x(sg.endMs) - x1);
          const smp = sg.sample;
          const title = `${smp.text}: ${formatSeconds(sg.startMs)} to ${formatSeconds(sg.endMs)} (${sg.count} polls)${smp.detail === undefined ? '' : `: ${truncate(smp.detail, 200)}`}`;
          parts.push(
            `<g class="state-seg" data-state="${safeXml(smp.state)}" data-start-ms="${sg.startMs}" data-end-ms="${sg.endMs}"><title>${safeXml(title)}</title><rect x="${n2(x1)}" y="${n2(top)}" width="${n2(w)}" height="${L.laneHeight}" fill="${smp.fill}"/>${
              w >= smp.text.length * L.charWidthPx + 8
                ? `<text x="${n2(x1 + 5)}" y="${n2(mid + 4)}" class="seg-label" fill="${smp.darkText === true ? COLORS.text : '#ffffff'}">${safeXml(smp.text)}</text>`
                : ''
            }</g>`,
          );
        }
        out.push(`<g class="lane ${lane.kind}-lane" data-key="${safeXml(lane.key.replace('\u0000', ' '))}">${parts.join('')}</g>`);
      } else if (lane.kind === 'watch') {
        const log = history.watchLog(lane.key);
        const events = log.filter((e) => e.kind === 'watch');
        const asOps: Operation[] = events.map((e) => ({ probe: 'watch', op: 'event', target: lane.key, invokedAtMs: e.atMs, completedAtMs: e.atMs, outcome: 'ok' }));
        for (const r of operationRuns(asOps, 1_000)) {
          const x1 = scale.x(r.startMs);
          parts.push(
            `<rect class="watch-run" x="${n2(x1)}" y="${n2(top + 4)}" width="${n2(Math.max(1.5, scale.x(r.endMs) - x1))}" height="${L.laneHeight - 8}" fill="${COLORS.watch}"><title>${safeXml(`${r.count} events, ${formatSeconds(r.startMs)} to ${formatSeconds(r.endMs)}`)}</title></rect>`,
          );
        }
        for (const e of log) {
          if (e.kind === 'watch-start') {
            const sx = scale.x(e.atMs);
            parts.push(
              `<line class="watch-start" x1="${n2(sx)}" y1="${n2(top)}" x2="${n2(sx)}" y2="${n2(top + L.laneHeight)}" stroke="${COLORS.text}" stroke-width="2"><title>${safeXml(`watch started on ${e.target} from revision ${e.fromRevision} at ${formatSeconds(e.atMs)}`)}</title></line>`,
            );
          } else if (e.kind === 'watch-reset') {
            const rx = scale.x(e.atMs);
            const label = e.reason === 'compacted' ? `410 compacted${e.relist === undefined ? '' : `, relisted at rev ${e.relist.revision}`}` : 'stream broke';
            parts.push(
              `<path class="watch-reset" d="M ${n2(rx - 5)} ${n2(top)} L ${n2(rx + 5)} ${n2(top)} L ${n2(rx)} ${n2(top + 9)} Z" fill="${COLORS.fail}"><title>${safeXml(`${label} at ${formatSeconds(e.atMs)}${e.error === undefined ? '' : `: ${e.error}`}`)}</title></path>`,
            );
          }
        }
        out.push(`<g class="lane watch-lane" data-watcher="${safeXml(lane.key)}">${parts.join('')}</g>`);
      } else {
        // Notes are never drawn left of their mark: a note's position in time is its meaning.
        const placed = placeLabels(notes.map((n) => ({ x: scale.x(n.atMs), text: truncate(`${n.source}: ${n.text}`, 48), shortText: truncate(`${n.source}: ${n.text}`, 16), n })), 1, { offset: 8 });
        for (const p of placed) {
          const nx = scale.x(p.n.atMs);
          parts.push(
            `<g class="note"><title>${safeXml(`${formatSeconds(p.n.atMs)} ${p.n.source}: ${p.n.text}`)}</title><path d="M ${n2(nx)} ${n2(top + 2)} L ${n2(nx + 6)} ${n2(mid)} L ${n2(nx)} ${n2(top + L.laneHeight - 2)} L ${n2(nx - 6)} ${n2(mid)} Z" fill="${COLORS.text}"/>${
              p.text === '' ? '' : `<text x="${n2(p.textX)}" y="${n2(mid + 4)}" class="note-label">${safeXml(p.text)}</text>`
            }</g>`,
          );
        }
        out.push(`<g class="lane note-lane">${parts.join('')}</g>`);
      }
    }
  }

  // Leader changes: a line across everything, labelled above the phases.
  for (const l of changeLabels) {
    const lx = n2(l.x);
    out.push(
      `<g class="leader-change" data-at-ms="${l.c.atMs}"><title>${safeXml(`${formatSeconds(l.c.atMs)}: leader ${l.c.fromMember ?? l.c.fromLeaderId} → ${l.c.toMember ?? l.c.toLeaderId}, term ${l.c.term}, first seen by ${l.c.seenBy}`)}</title>` +
        `<line x1="${lx}" y1="${n2(changeLabelTop + l.row * L.labelRowHeight + 14)}" x2="${lx}" y2="${n2(lanesBottom)}" stroke="${COLORS.leaderLine}" stroke-width="1.3" stroke-dasharray="5 3"/>` +
        (l.text === ''
          ? ''
          : `<text class="change-label" x="${n2(l.textX)}" y="${n2(changeLabelTop + l.row * L.labelRowHeight + 12)}" text-anchor="${l.anchorEnd ? 'end' : 'start'}">${safeXml(l.text)}</text>`) +
        '</g>',
    );
  }

  out.push(`<line x1="${L.plotLeft}" y1="${n2(axisTop)}" x2="${L.plotRight}" y2="${n2(axisTop)}" stroke="${COLORS.muted}"/>`);
  out.push(...ticks);
  out.push(`<text class="axis-label" x="8" y="${n2(axisTop + 18)}">run clock</text>`);
  out.push('</svg>');
  return out.join('\n');
}

const CSS = `
:root { color-scheme: light; }
body { margin: 20px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", "Liberation Sans", sans-serif; color: ${COLORS.text}; background: #ffffff; }
main { max-width: 1360px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; }
.meta { color: ${COLORS.muted}; margin: 0 0 12px; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-weight: 600; font-size: 12px; color: #ffffff; }
.badge.pass { background: ${COLORS.ok}; } .badge.fail { background: ${COLORS.fail}; } .badge.inconclusive { background: #868e96; } .badge.finding { background: ${COLORS.finding}; } .badge.error { background: #862e9c; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 18px; margin: 8px 0 6px; font-size: 13px; color: #343a40; }
.legend span { display: inline-flex; align-items: center; gap: 6px; }
.sw { display: inline-block; width: 18px; height: 12px; border-radius: 2px; }
svg.timeline { display: block; font-size: 11px; }
svg text { fill: ${COLORS.text}; }
svg .group { font-size: 12px; font-weight: 600; fill: #495057; }
svg .lane-label { font-size: 11.5px; }
svg .axis-label { font-size: 11px; fill: ${COLORS.muted}; font-style: italic; }
svg .fault-label { font-size: 11px; font-weight: 600; fill: ${COLORS.fault}; }
svg .change-label { font-size: 11px; fill: ${COLORS.leaderLine}; }
svg .phase-label { font-size: 11px; fill: #495057; }
svg .seg-label { font-size: 10.5px; }
svg .note-label { font-size: 10.5px; fill: #495057; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid #dee2e6; }
th { background: #f1f3f5; font-weight: 600; }
tr.fail td { background: #fff5f5; }
tr.inconclusive td { background: #f8f9fa; }
tr.finding td { background: #fff4e6; }
tr.error td { background: #f8f0fc; }
tr.case-header th { background: #e9ecef; font-weight: 400; }
tr.case-header .case-name { font-weight: 600; }
tr.case-header .case-error { color: #862e9c; margin-top: 2px; }
td ul { margin: 0; padding-left: 16px; }
td.id { width: 290px; }
td.id code { font-size: 12px; }
td .statement { color: ${COLORS.muted}; font-size: 12px; }
td.num { white-space: nowrap; }
a { color: #1c7ed6; }
`;

function list(record: Readonly<Record<string, number>>): string {
  const entries = Object.entries(record);
  return entries.length === 0 ? '–' : `<ul>${entries.map(([k, v]) => `<li><code>${safeXml(k)}</code> ${safeXml(formatValue(k, v))}</li>`).join('')}</ul>`;
}

function legend(history: History, facts: RunFacts, short: (name: string) => string): string {
  const sw = (color: string, extra = ''): string => `<i class="sw" style="background: ${color};${extra}"></i>`;
  const items = [
    `<span>${sw(COLORS.ok)}ok</span>`,
    `<span>${sw(COLORS.fail)}fail / member unreachable</span>`,
    `<span>${sw(COLORS.unknown)}unknown (timed out)</span>`,
    `<span>${sw(COLORS.fault, ' opacity: 0.25; outline: 1px solid #d9413c;')}fault window</span>`,
    `<span>${sw('#f3b8b5', ' background-image: repeating-linear-gradient(45deg, #fff4f3 0 3px, #e8a19e 3px 5px);')}healing</span>`,
    `<span><i class="sw" style="height: 0; border-top: 2px dashed ${COLORS.leaderLine};"></i>leader change</span>`,
    `<span>${sw(COLORS.noLeader)}no leader</span>`,
  ];
  const leaderIds = [...new Set(history.leaderObservations().map((o) => o.leaderId).filter((id) => !/^0+$/.test(id)))];
  leaderIds.forEach((id, i) => {
    items.push(`<span>${sw(COLORS.leaders[i % COLORS.leaders.length] ?? COLORS.muted)}leader ${safeXml(short(facts.memberById.get(id) ?? id))}</span>`);
  });
  if (history.leaseObservations().length > 0) {
    items.push(`<span>${sw(COLORS.noLeader)}lease released</span>`);
  }
  if (history.observedNodes().length > 0) {
    items.push(`<span>${sw(COLORS.ok)}node Ready</span>`, `<span>${sw(COLORS.unknown)}node Unknown (heartbeat lost)</span>`);
  }
  if (history.backendServers().length > 0) {
    items.push(`<span>${sw(COLORS.unknown)}backend failing checks</span>`, `<span>${sw(COLORS.fail)}backend DOWN (ejected)</span>`, `<span>${sw(COLORS.comingUp)}backend coming back</span>`);
  }
  if (history.endpointsObservations().length > 0) {
    items.push(`<span>${sw(COLORS.notListed, ' outline: 1px solid #ced4da;')}address not in the endpoints</span>`);
  }
  if (history.pollErrors().length > 0) {
    items.push(`<span>${sw(COLORS.unobserved)}poller got no answer</span>`);
  }
  if (history.watchers().length > 0) {
    items.push(`<span>${sw(COLORS.watch)}watch events</span>`, `<span><b style="color: ${COLORS.fail};">▼</b>watch reset</span>`);
  }
  for (const [name, color] of Object.entries(COLORS.phases)) {
    items.push(`<span>${sw(color, ' outline: 1px solid #ced4da;')}${safeXml(name)}</span>`);
  }
  return `<div class="legend">${items.join('')}</div>`;
}

/** Renders the complete, self-contained timeline page. */
export function renderTimelineHtml(input: TimelineInput): string {
  const { meta, history, verdicts } = input;
  const facts = runFacts(history);
  const overall = mergeVerdicts(verdicts);
  const findings = countVerdicts(verdicts).finding;
  // The overall badge judges promises; findings (hazards upstream allows) get their own badge beside it.
  const findingBadge = findings === 0 ? '' : ` <span class="badge finding">${findingCount(findings)}</span>`;
  // Errored cases are counted beside the verdict too: under a FAIL headline they would go unseen.
  const errors = countVerdicts(verdicts).error;
  const errorBadge = errors === 0 ? '' : ` <span class="badge error">${errorCount(errors)}</span>`;
  const info = new Map((input.guarantees ?? []).map((g) => [g.id, g]));
  const title = meta.title ?? 'kube-ha-chaos run';
  const metaBits = [
    `run <code>${safeXml(meta.runId)}</code>`,
    ...(meta.topology === undefined ? [] : [safeXml(meta.topology)]),
    ...(meta.seed === undefined ? [] : [`seed ${safeXml(String(meta.seed))}`]),
    ...(meta.startedAtIso === undefined ? [] : [`started ${safeXml(meta.startedAtIso)}`]),
    `${safeXml(formatSeconds(facts.startMs))} to ${safeXml(formatSeconds(facts.endMs))} on the run clock`,
    ...(meta.versions === undefined ? [] : Object.entries(meta.versions).map(([k, v]) => `${safeXml(k)} ${safeXml(v)}`)),
  ];
  const prefix = commonNodePrefix([...history.operations().map((o) => o.target), ...history.polledMembers(), ...history.observedNodes(), ...history.backendServers()].filter((n) => n !== 'lb'));
  const verdictRow = (v: Verdict): string => {
    const g = info.get(v.guaranteeId);
    const id = g === undefined ? `<code>${safeXml(v.guaranteeId)}</code>` : `<a href="${safeXml(g.source)}"><code>${safeXml(v.guaranteeId)}</code></a>`;
    return `<tr class="${v.status}"><td class="id">${id}${g === undefined ? '' : `<div class="statement">${safeXml(g.statement)}</div>`}</td><td><span class="badge ${v.status}">${v.status}</span></td><td class="num">${list(v.measured)}</td><td class="num">${list(v.threshold)}</td><td>${safeXml(v.reason)}</td></tr>`;
  };
  // With cases: a heading row per case (its verdict, its faults as the Faults table labels them,
  // its error), so a guarantee judged in every case says which case each row is.
  const verdictRows =
    input.cases === undefined || input.cases.length === 0
      ? verdicts.map(verdictRow)
      : caseGroups(input.cases, facts.faults).flatMap((c) => [
          `<tr class="case-header" data-case="${safeXml(c.name)}"><th colspan="5"><span class="case-name">case ${safeXml(c.name)}</span> <span class="badge ${c.status}">${c.status}</span> · ${safeXml(describeCaseFaults(c))}${
            c.error === undefined ? '' : `<div class="case-error">errored, did not run to its end: ${safeXml(c.error)}</div>`
          }</th></tr>`,
          ...c.verdicts.map(verdictRow),
        ]);
  const faultRows = facts.faults.map((f, i) => {
    const e = facts.elections.find((x) => x.faultId === f.faultId);
    return `<tr><td>${faultLabel(i)}</td><td><code>${safeXml(f.faultId)}</code></td><td>${safeXml(f.summary)}</td><td>${safeXml(f.targets.join(', '))}</td><td class="num">${safeXml(formatSeconds(f.issuedAtMs))}</td><td class="num">${f.healedAtMs === undefined ? '<strong>never healed</strong>' : safeXml(formatSeconds(f.healedAtMs))}${f.healError === undefined ? '' : ` (${safeXml(f.healError)})`}</td><td class="num">${e?.electionMs === undefined ? '–' : `${safeXml(formatValue('electionMs', e.electionMs))} → ${safeXml(e.newLeaderMember ?? '?')}${e.measures === 'election' ? '' : ` (${safeXml(ELECTION_MEASURE_TEXT[e.measures])})`}`}</td></tr>`;
  });
  const changeRows = facts.leaderChanges.map(
    (c) =>
      `<tr><td class="num">${safeXml(formatSeconds(c.atMs))}</td><td>${safeXml(c.fromMember ?? c.fromLeaderId)}</td><td>${safeXml(c.toMember ?? c.toLeaderId)}</td><td>${c.term}</td><td>${safeXml(c.seenBy)}</td></tr>`,
  );
  const availRows = facts.availability.map(
    (a) =>
      `<tr><td>${safeXml(a.probe)}</td><td>${safeXml(a.phase)}</td><td class="num">${a.stats.successRatio === undefined ? '–' : safeXml(formatValue('successRatio', a.stats.successRatio))}</td><td class="num">${a.stats.okCount} / ${a.stats.failCount} / ${a.stats.unknownCount}</td><td class="num">${a.longestOutageMs === 0 ? '–' : safeXml(formatValue('outageMs', a.longestOutageMs))}</td></tr>`,
  );
  const section = (heading: string, header: readonly string[], rows: readonly string[], empty: string): string =>
    `<section><h2>${safeXml(heading)}</h2>${rows.length === 0 ? `<p>${safeXml(empty)}</p>` : `<table><thead><tr>${header.map((h) => `<th>${safeXml(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`}</section>`;

  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8"/>',
    // Nothing may be fetched: the report must open offline and cannot phone home.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"/>`,
    '<meta name="viewport" content="width=1400"/>',
    `<title>${safeXml(`${title}: ${overall}${findings === 0 ? '' : `, ${findingCount(findings)}`}${errors === 0 ? '' : `, ${errorCount(errors)}`}`)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${safeXml(title)} <span class="badge ${overall}">${overall}</span>${findingBadge}${errorBadge}</h1>`,
    `<p class="meta">${metaBits.join(' · ')}${prefix === '' ? '' : ` · node names without <code>${safeXml(prefix)}</code>`}</p>`,
    legend(history, facts, (n) => (prefix !== '' && n.startsWith(prefix) ? n.slice(prefix.length) : n)),
    renderTimelineSvg(history, facts),
    section('Verdicts', ['Guarantee', 'Verdict', 'Measured', 'Threshold', 'Reason'], verdictRows, 'No guarantee was checked.'),
    section('Faults', ['#', 'Fault', 'What', 'Targets', 'Issued', 'Healed', 'Election after it'], faultRows, 'No fault was injected.'),
    section('Leader changes', ['First seen', 'From', 'To', 'Term', 'Seen first by'], changeRows, 'The leader did not change.'),
    section('Availability by phase', ['Probe', 'Phase', 'Success', 'ok / fail / unknown', 'Longest outage'], availRows, 'No phases recorded.'),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
