/**
 * The renderers on histories of the control-plane suites: new entry kinds (leases, node conditions,
 * haproxy backends, endpoints, pod snapshots, poll errors) are drawn as lanes, tabulated, and never
 * break a renderer.
 */
import { describe, expect, it } from 'vitest';
import { History } from '../probes/history.js';
import { verdict } from '../checks/verdict.js';
import { buildLeaderElectionCatalogue } from '../guarantees/leader-election-catalogue.js';
import { apiserverKillHistory, CP, lbOutageHistory, leaseHolders, LIVE_CONTROL_PLANE_FLAGS, nodeLossHistory, workloadOutageHistory } from '../testing/control-plane-histories.js';
import { deepText, findAll, parseXml, type XmlElement } from '../testing/xml-check.js';
import { renderJunit } from './junit.js';
import { runFacts } from './run-facts.js';
import { renderSummaryMarkdown } from './summary-md.js';
import { renderTerminalSummary } from './terminal-summary.js';
import { renderTimelineHtml, renderTimelineSvg, stateSegments } from './timeline-html.js';

const byClass = (root: XmlElement, cls: string): XmlElement[] => findAll(root, (e) => (e.attrs['class'] ?? '').split(/\s+/).includes(cls));
const svgOf = (h: History): XmlElement => parseXml(renderTimelineSvg(h));
/** One history with every new kind: a node loss, plus the apiserver kill's endpoints, plus pods. */
const combined = (): History =>
  new History([
    ...nodeLossHistory().entries(),
    ...apiserverKillHistory({ endMs: 60_000 }).entries().filter((e) => e.kind === 'endpoints'),
    ...workloadOutageHistory().entries().filter((e) => e.kind === 'pods'),
  ]);

describe('timeline lanes for the control-plane observations', () => {
  const h = combined();
  const svg = svgOf(h);
  it('draws one lane per lease, node, haproxy backend and endpoint address', () => {
    expect(byClass(svg, 'lease-lane').map((l) => l.attrs['data-key'])).toEqual(['kube-controller-manager', 'kube-scheduler']);
    expect(byClass(svg, 'node-lane').map((l) => l.attrs['data-key'])).toEqual([...CP, 'ha-3cp-worker']);
    expect(byClass(svg, 'backend-lane').map((l) => l.attrs['data-key'])).toEqual([...CP]);
    expect(byClass(svg, 'endpoint-lane').map((l) => l.attrs['data-key'])).toEqual(['default/kubernetes 172.22.0.3', 'default/kubernetes 172.22.0.4', 'default/kubernetes 172.22.0.6']);
    // Lanes are labelled with the node, not the IP, when the node poller saw the address.
    expect(deepText(svg)).toContain('default/kubernetes · control-plane2');
  });
  it('shows the controller-manager handover on the lost node: old holder, then the new one with its transition count', () => {
    const lane = byClass(svg, 'lease-lane').find((l) => l.attrs['data-key'] === 'kube-controller-manager');
    const segs = byClass(lane ?? svg, 'state-seg');
    expect(segs.map((s) => s.attrs['data-state'])).toEqual([`${leaseHolders('kube-controller-manager').old}/6`, `${leaseHolders('kube-controller-manager').next}/7`]);
    expect(deepText(segs[1] ?? svg)).toContain('control-plane · #7');
    // The handover is drawn where the new holder was first seen.
    const firstNew = h.leaseObservations('kube-controller-manager').find((o) => o.transitions === 7);
    expect(Number(segs[1]?.attrs['data-start-ms'])).toBe(firstNew?.atMs);
  });
  it('shows the lost node Ready, then Unknown, then Ready; its backend UP, failing, DOWN, coming back, UP', () => {
    const node = byClass(svg, 'node-lane').find((l) => l.attrs['data-key'] === CP[2]);
    expect(byClass(node ?? svg, 'state-seg').map((s) => (s.attrs['data-state'] ?? '').split('/')[0])).toEqual(['True', 'Unknown', 'True']);
    const backend = byClass(svg, 'backend-lane').find((l) => l.attrs['data-key'] === CP[2]);
    expect(byClass(backend ?? svg, 'state-seg').map((s) => s.attrs['data-state'])).toEqual(['UP', 'UP 1/3', 'DOWN', 'DOWN 1/2', 'UP']);
  });
  it('draws polls that got no answer as such, not as a state', () => {
    const lbSvg = svgOf(lbOutageHistory());
    const backend = byClass(lbSvg, 'backend-lane')[0];
    expect(byClass(backend ?? lbSvg, 'state-seg').map((s) => s.attrs['data-state'])).toEqual(['UP', 'no-answer', 'UP']);
  });
  it('the page stays well-formed, self-contained and shortens node names', () => {
    const html = renderTimelineHtml({ meta: { runId: 'r1', title: 'control-plane-node-loss' }, history: h, verdicts: [] });
    const root = parseXml(html.replace(/^<!DOCTYPE html>\n/, ''));
    expect(root.name).toBe('html');
    expect(html).not.toMatch(/<script|<link|<img|src=/i);
    expect(html).toContain('node names without <code>ha-3cp-</code>');
    expect(html).toContain('backend DOWN (ejected)');
  });
});

describe('stateSegments', () => {
  it('merges equal states; the last lasts one median interval past its last sample', () => {
    const s = (atMs: number, state: string) => ({ atMs, state, text: state, fill: '#000' });
    const segs = stateSegments([s(0, 'a'), s(500, 'a'), s(1_000, 'b'), s(1_500, 'b'), s(2_000, 'a')], 10_000);
    expect(segs.map((g) => [g.sample.state, g.startMs, g.endMs, g.count])).toEqual([
      ['a', 0, 1_000, 2],
      ['b', 1_000, 2_000, 2],
      ['a', 2_000, 2_500, 1],
    ]);
  });
});

describe('run facts, summary, terminal line, junit', () => {
  const h = combined();
  const facts = runFacts(h);
  it('lists lease handovers, node Ready changes, backend ejections and endpoint changes', () => {
    expect(facts.leaseChanges).toEqual([
      expect.objectContaining({ lease: 'kube-controller-manager', fromNode: CP[2], toNode: CP[0], transitions: 7 }),
    ]);
    expect(facts.nodeChanges.map((c) => [c.node, c.from, c.to])).toEqual([
      [CP[2], 'True', 'Unknown'],
      [CP[2], 'Unknown', 'True'],
    ]);
    expect(facts.backendChanges.map((c) => [c.server, c.from, c.to, c.status])).toEqual([
      [CP[2], 'UP', 'DOWN', 'DOWN'],
      [CP[2], 'DOWN', 'UP', 'UP'],
    ]);
    expect(facts.endpointsChanges.map((c) => [c.removed, c.added])).toEqual([
      [['172.22.0.3'], []],
      [[], ['172.22.0.3']],
    ]);
  });
  it('summary.md has a table per kind of change', () => {
    const md = renderSummaryMarkdown({ meta: { runId: 'r1' }, verdicts: [], history: h });
    for (const heading of ['## Lease holders', '## Node Ready changes', '## Load balancer backends', '## Service endpoints']) {
      expect(md).toContain(heading);
    }
    expect(md).toMatch(/\| `kube-controller-manager` \| ha-3cp-control-plane3 \| ha-3cp-control-plane \| 7 \|/);
  });
  it('says when no lease changed holder', () => {
    const md = renderSummaryMarkdown({ meta: { runId: 'r1' }, verdicts: [], history: lbOutageHistory() });
    expect(md).not.toContain('## Lease holders');
    const quiet = new History(nodeLossHistory().entries().filter((e) => e.kind !== 'lease' || e.lease === 'kube-scheduler'));
    expect(renderSummaryMarkdown({ meta: { runId: 'r1' }, verdicts: [], history: quiet })).toContain('No leader-election lease changed holder (`kube-scheduler` observed).');
  });
  it('the terminal line names the handover', () => {
    expect(renderTerminalSummary({ runId: 'r1', verdicts: [], history: h })).toMatch(/lease handovers: kube-controller-manager -> ha-3cp-control-plane at 2\d\.\d s/);
  });
  it('junit carries a control-plane catalogue’s guarantees like etcd-quorum’s', () => {
    const c = buildLeaderElectionCatalogue({ flags: LIVE_CONTROL_PLANE_FLAGS });
    const g = c.get('leader-election.abrupt-holder-death-hands-over');
    const xml = renderJunit({ suiteName: 'leader-election', verdicts: [g.check(h, g), verdict('leader-election.no-two-holders', 'fail', 'two holders')], guarantees: c.guarantees });
    const root = parseXml(xml.replace(/^<\?xml[^>]*>\n/, ''));
    const cases = findAll(root, (e) => e.name === 'testcase');
    expect(cases.map((t) => t.attrs['name'])).toEqual(['leader-election.abrupt-holder-death-hands-over', 'leader-election.no-two-holders']);
    expect(deepText(cases[0] ?? root)).toContain('source: https://pkg.go.dev/k8s.io/client-go/tools/leaderelection');
    expect(findAll(cases[1] ?? root, (e) => e.name === 'failure')).toHaveLength(1);
  });
});
