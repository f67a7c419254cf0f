/**
 * The preflight report: summary.md for the terminal and CI, a self-contained preflight.html for a
 * person, both from the facts and their assessment (pure). Nothing secret is in either: the facts
 * hold no certificate or token, and every string passes the report redaction as well.
 */
import { escapeMarkdownCell, escapeXml } from '../reporting/format.js';
import { redact } from '../reporting/redact.js';
import type { PreflightAssessment } from './assess.js';
import type { PreflightFacts } from './facts.js';

function etcdLine(f: PreflightFacts, a: PreflightAssessment): string {
  const l = a.layout.etcd;
  const where = l.mode === 'stacked' ? `stacked on the ${a.layout.controlPlanes} control planes` : `external, ${l.members} members`;
  const members = f.etcd.read ? `${f.etcd.view.members.length} members, ${f.etcd.view.statuses.length} answered, leader ${a.etcdLeader ?? 'none'}` : `members not read: ${f.etcd.why}`;
  return `${where} (--etcd-servers ${a.etcdEndpoints.join(',') || 'not found'}); ${members}`;
}

/** Pure: the report's one line on what the preflight changed on the cluster. */
export function changesLine(f: PreflightFacts): string {
  const c = f.clusterChanges;
  if (c === undefined || c.created.length === 0) {
    return 'Read-only: nothing was changed.';
  }
  const leftover = c.removedLeftover === undefined ? '' : ` Before starting it removed the leftover agents of ${c.removedLeftover}.`;
  return c.removed
    ? `Read-only apart from its node agents: it created ${c.created.join(', ')}${c.image === undefined ? '' : ` (image ${c.image})`} and removed them again (${c.detail}).${leftover}`
    : `Read-only apart from its node agents: it created ${c.created.join(', ')} and could NOT confirm their removal (${c.detail}).${leftover}`;
}

function nodeReadLines(f: PreflightFacts): string[][] {
  return (f.nodeReads ?? []).map((r) => [
    r.node,
    r.error !== undefined ? `not read: ${r.error}` : r.manifests.join(', ') || 'none',
    r.error !== undefined ? '' : r.processes.map((p) => `${p.component} (pid ${p.pid})`).join(', ') || 'none',
  ]);
}

export function preflightVerdict(a: PreflightAssessment): 'ready' | 'not-ready' {
  return a.baselineProblems.length === 0 ? 'ready' : 'not-ready';
}

export function renderPreflightMarkdown(f: PreflightFacts, a: PreflightAssessment): string {
  const lines: string[] = [];
  const verdict = preflightVerdict(a);
  lines.push(`# Preflight of ${f.context}`, '');
  lines.push(`${changesLine(f)} Took ${(f.tookMs / 1000).toFixed(1)} s; node access: ${f.nodeAccess}.`, '');
  lines.push(`**Baseline: ${verdict === 'ready' ? 'healthy, a disruptive run may start' : 'NOT healthy, a disruptive run would refuse to start'}**`, '');
  for (const p of a.baselineProblems) {
    lines.push(`- ${escapeMarkdownCell(p)}`);
  }
  lines.push('', '## Discovered topology', '');
  lines.push('| what | found |', '|---|---|');
  lines.push(`| control planes | ${f.nodes.filter((n) => n.controlPlane).map((n) => n.name).join(', ')} |`);
  lines.push(`| workers | ${f.nodes.filter((n) => !n.controlPlane).map((n) => n.name).join(', ') || 'none'} |`);
  lines.push(`| etcd | ${escapeMarkdownCell(etcdLine(f, a))} |`);
  lines.push(`| apiserver front | ${escapeMarkdownCell(a.frontDescription)}; ${f.apiserverAddresses.length} apiservers registered (${f.apiserverAddresses.join(', ')}) |`);
  for (const l of a.leases) {
    lines.push(`| Lease ${l.name} | held by ${l.holder ?? 'nobody'}${l.renewing ? ', renewing' : ', not seen renewing'} |`);
  }
  if ((f.nodeReads ?? []).length > 0) {
    lines.push('', `## Read on the nodes (${f.nodeAccess})`, '');
    lines.push('| node | static pod manifests | control-plane processes |', '|---|---|---|');
    for (const [node, manifests, procs] of nodeReadLines(f)) {
      lines.push(`| ${escapeMarkdownCell(node ?? '')} | ${escapeMarkdownCell(manifests ?? '')} | ${escapeMarkdownCell(procs ?? '')} |`);
    }
  }
  lines.push('', '## Bounds the suites would apply (from the flags this cluster runs with)', '');
  lines.push('| target | bound | value | derivation |', '|---|---|---|---|');
  for (const b of a.bounds) {
    lines.push(`| ${escapeMarkdownCell(b.target)} | ${b.name} | ${(b.valueMs / 1000).toFixed(2)} s | ${escapeMarkdownCell(b.derivation)} |`);
  }
  lines.push('', '## Risks in the design', '');
  if (a.risks.length === 0) {
    lines.push('none found');
  }
  for (const r of a.risks) {
    lines.push(`- **${r.level}** ${r.id}: ${escapeMarkdownCell(r.text)} ([source](${r.source}))`);
  }
  return `${redact(lines.join('\n'))}\n`;
}

export function renderPreflightHtml(f: PreflightFacts, a: PreflightAssessment): string {
  const e = (s: string): string => escapeXml(redact(s));
  const verdict = preflightVerdict(a);
  const rows = (cells: readonly string[][]): string => cells.map((c) => `<tr>${c.map((x) => `<td>${e(x)}</td>`).join('')}</tr>`).join('\n');
  const colour = { high: '#b00020', medium: '#b36b00', info: '#555' } as const;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Preflight of ${e(f.context)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px;max-width:1100px;color:#222}
h1{font-size:20px}h2{font-size:16px;margin-top:24px}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4}.badge{display:inline-block;padding:2px 10px;border-radius:10px;color:#fff;font-weight:600}
.ready{background:#1b7f3b}.not-ready{background:#b00020}.small{color:#666;font-size:12px}
</style></head><body>
<h1>Preflight of ${e(f.context)} <span class="badge ${verdict}">${verdict === 'ready' ? 'BASELINE HEALTHY' : 'BASELINE NOT HEALTHY'}</span></h1>
<p class="small">${e(changesLine(f))} Server ${e(f.serverUrl)}; node access ${e(f.nodeAccess)}; took ${(f.tookMs / 1000).toFixed(1)} s.</p>
${a.baselineProblems.length > 0 ? `<ul>${a.baselineProblems.map((p) => `<li>${e(p)}</li>`).join('')}</ul>` : ''}
<h2>Discovered topology</h2>
<table><tr><th>what</th><th>found</th></tr>
${rows([
  ['control planes', f.nodes.filter((n) => n.controlPlane).map((n) => `${n.name} (${n.internalIp ?? '?'}, Ready ${n.ready})`).join(', ')],
  ['workers', f.nodes.filter((n) => !n.controlPlane).map((n) => n.name).join(', ') || 'none'],
  ['etcd', etcdLine(f, a)],
  ['apiserver front', `${a.frontDescription}; ${f.apiserverAddresses.length} apiservers registered`],
  ...a.leases.map((l) => [`Lease ${l.name}`, `held by ${l.holder ?? 'nobody'}${l.renewing ? ', renewing' : ', not seen renewing'}`]),
])}
</table>
${(f.nodeReads ?? []).length > 0 ? `<h2>Read on the nodes (${e(f.nodeAccess)})</h2>
<table><tr><th>node</th><th>static pod manifests</th><th>control-plane processes</th></tr>
${rows(nodeReadLines(f))}
</table>` : ''}
<h2>Bounds the suites would apply</h2>
<table><tr><th>target</th><th>bound</th><th>value</th><th>derivation</th></tr>
${rows(a.bounds.map((b) => [b.target, b.name, `${(b.valueMs / 1000).toFixed(2)} s`, b.derivation]))}
</table>
<h2>Risks in the design</h2>
<table><tr><th>level</th><th>risk</th><th>source</th></tr>
${a.risks.map((r) => `<tr><td style="color:${colour[r.level]};font-weight:600">${r.level}</td><td>${e(r.text)}</td><td><a href="${e(r.source)}">${e(r.source)}</a></td></tr>`).join('\n')}
</table>
</body></html>
`;
}
