/**
 * summary.md: the verdict table (measured vs threshold), the faults, the elections and the
 * availability per phase, for a person reading the report directory or a CI job summary.
 */
import type { History } from '../probes/history.js';
import { countVerdicts, errorCount, findingCount, mergeVerdicts, type Verdict } from '../checks/verdict.js';
import { caseGroups, describeCaseFaults } from './case-groups.js';
import { escapeMarkdownCell as cell, formatRecord, formatSeconds, formatValue } from './format.js';
import type { CaseReport, GuaranteeInfo, RunMeta } from './report-types.js';
import { ELECTION_MEASURE_TEXT, runFacts } from './run-facts.js';

/** Input of renderSummaryMarkdown. */
export interface SummaryInput {
  readonly meta: RunMeta;
  readonly verdicts: readonly Verdict[];
  readonly history: History;
  readonly guarantees?: readonly GuaranteeInfo[];
  /** The same verdicts by case: the Verdicts section is then grouped by case, with its faults. */
  readonly cases?: readonly CaseReport[];
}

const BADGE: Readonly<Record<Verdict['status'], string>> = { pass: 'PASS', finding: 'FINDING', fail: 'FAIL', inconclusive: 'INCONCLUSIVE', error: 'ERROR' };

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

/** Renders summary.md. */
export function renderSummaryMarkdown(input: SummaryInput): string {
  const { meta, verdicts, history } = input;
  const facts = runFacts(history);
  const info = new Map((input.guarantees ?? []).map((g) => [g.id, g]));
  const counts = countVerdicts(verdicts);
  const count = (s: Verdict['status']): number => counts[s];
  const memberOf = (id: string, member: string | undefined): string => member ?? id;
  const out: string[] = [
    `# ${cell(meta.title ?? 'kube-ha-chaos run')}: ${BADGE[mergeVerdicts(verdicts)]}`,
    '',
    `Run \`${cell(meta.runId)}\`${meta.topology === undefined ? '' : ` on ${cell(meta.topology)}`}${meta.seed === undefined ? '' : `, seed ${cell(String(meta.seed))}`}${meta.startedAtIso === undefined ? '' : `, started ${cell(meta.startedAtIso)}`}.`,
    `${count('pass')} passed, ${count('finding') === 0 ? '' : `${findingCount(count('finding'))} (hazards upstream allows, observed), `}${count('fail')} failed, ${count('inconclusive')} inconclusive${count('error') === 0 ? '' : `, **${errorCount(count('error'))}** (could not run to their end)`}; history spans ${formatSeconds(facts.startMs)} to ${formatSeconds(facts.endMs)}.`,
  ];
  if (meta.versions !== undefined && Object.keys(meta.versions).length > 0) {
    out.push('', `Versions: ${Object.entries(meta.versions).map(([k, v]) => `${cell(k)} ${cell(v)}`).join(', ')}.`);
  }
  out.push('', '## Verdicts', '');
  const verdictTable = (vs: readonly Verdict[]): string[] =>
    table(
      ['Guarantee', 'Verdict', 'Measured', 'Threshold', 'Reason'],
      vs.map((v) => {
        const g = info.get(v.guaranteeId);
        const name = g === undefined ? `\`${cell(v.guaranteeId)}\`` : `[\`${cell(v.guaranteeId)}\`](${cell(g.source)})`;
        return [
          name,
          `**${BADGE[v.status]}**`,
          formatRecord(v.measured).map(cell).join('<br>') || '-',
          formatRecord(v.threshold).map(cell).join('<br>') || '-',
          cell(v.reason),
        ];
      }),
    );
  if (input.cases === undefined || input.cases.length === 0) {
    out.push(...verdictTable(verdicts));
  } else {
    // One heading per case: a guarantee every case judges appears once per case, and each row
    // must say which case (and so which fault) it belongs to.
    for (const c of caseGroups(input.cases, facts.faults)) {
      out.push(`### Case \`${cell(c.name)}\`: ${BADGE[c.status]}`, '', `Faults: ${cell(describeCaseFaults(c))}.`, '');
      if (c.error !== undefined) {
        out.push(`**The case errored** and did not run to its end: ${cell(c.error)}`, '');
      }
      out.push(...verdictTable(c.verdicts), '');
    }
    out.pop();
  }
  out.push('', '## Faults', '');
  if (facts.faults.length === 0) {
    out.push('No fault was injected.');
  } else {
    out.push(
      ...table(
        ['Fault', 'What', 'Targets', 'Injected', 'Healed', 'Held', 'Election after it'],
        facts.faults.map((f) => {
          const e = facts.elections.find((x) => x.faultId === f.faultId);
          const held = f.healedAtMs === undefined ? 'not healed' : formatValue('heldMs', f.healedAtMs - f.issuedAtMs);
          return [
            `\`${cell(f.faultId)}\``,
            cell(f.summary),
            cell(f.targets.join(', ')),
            formatSeconds(f.issuedAtMs),
            f.healedAtMs === undefined ? '**never**' : `${formatSeconds(f.healedAtMs)}${f.healError === undefined ? '' : ` (error: ${cell(f.healError)})`}`,
            held,
            e?.electionMs === undefined
              ? '-'
              : `${formatValue('electionMs', e.electionMs)} (to ${cell(e.newLeaderMember ?? '?')}${e.measures === 'election' ? '' : `; ${ELECTION_MEASURE_TEXT[e.measures]}`})`,
          ];
        }),
      ),
    );
  }
  out.push('', '## Leader changes', '');
  if (facts.leaderChanges.length === 0) {
    out.push('The leader did not change.');
  } else {
    out.push(
      ...table(
        ['First seen', 'From', 'To', 'Term', 'Seen first by'],
        facts.leaderChanges.map((c) => [
          formatSeconds(c.atMs),
          cell(memberOf(c.fromLeaderId, c.fromMember)),
          cell(memberOf(c.toLeaderId, c.toMember)),
          String(c.term),
          cell(c.seenBy),
        ]),
      ),
    );
  }
  if (facts.leaseChanges.length > 0 || history.leaseObservations().length > 0) {
    out.push('', '## Lease holders', '');
    if (facts.leaseChanges.length === 0) {
      out.push(`No leader-election lease changed holder (${history.leaseNames().map((l) => `\`${cell(l)}\``).join(', ')} observed).`);
    } else {
      out.push(
        ...table(
          ['First seen', 'Lease', 'From', 'To', 'Transitions'],
          facts.leaseChanges.map((c) => [
            formatSeconds(c.atMs),
            `\`${cell(c.lease)}\``,
            c.from === '' ? '*(released)*' : cell(c.fromNode ?? c.from),
            c.to === '' ? '*(released)*' : cell(c.toNode ?? c.to),
            c.transitions === undefined ? '-' : String(c.transitions),
          ]),
        ),
      );
    }
  }
  if (facts.nodeChanges.length > 0) {
    out.push('', '## Node Ready changes', '');
    out.push(...table(['First seen', 'Node', 'From', 'To'], facts.nodeChanges.map((c) => [formatSeconds(c.atMs), cell(c.node), c.from, c.to])));
  }
  if (facts.backendChanges.length > 0) {
    out.push('', '## Load balancer backends', '');
    out.push(
      ...table(
        ['First seen', 'Server', 'From', 'To', 'haproxy status'],
        facts.backendChanges.map((c) => [formatSeconds(c.atMs), cell(c.server), c.from, c.to, cell(c.status)]),
      ),
    );
  }
  if (facts.endpointsChanges.length > 0) {
    out.push('', '## Service endpoints', '');
    out.push(
      ...table(
        ['First seen', 'Service', 'Added', 'Removed'],
        facts.endpointsChanges.map((c) => [formatSeconds(c.atMs), cell(c.service), cell(c.added.join(', ')) || '-', cell(c.removed.join(', ')) || '-']),
      ),
    );
  }
  if (facts.availability.length > 0) {
    out.push('', '## Availability by phase', '');
    out.push(
      ...table(
        ['Probe', 'Phase', 'Success', 'ok / fail / unknown', 'Longest outage'],
        facts.availability.map((a) => [
          cell(a.probe),
          cell(a.phase),
          a.stats.successRatio === undefined ? '-' : formatValue('successRatio', a.stats.successRatio),
          `${a.stats.okCount} / ${a.stats.failCount} / ${a.stats.unknownCount}`,
          a.longestOutageMs === 0 ? '-' : formatValue('outageMs', a.longestOutageMs),
        ]),
      ),
    );
  }
  const derivations = [...info.values()].filter((g) => g.derivation !== undefined && Object.keys(g.derivation).length > 0);
  if (derivations.length > 0) {
    out.push('', '## Where the thresholds come from', '');
    const seen = new Set<string>();
    for (const g of derivations) {
      for (const [k, text] of Object.entries(g.derivation ?? {})) {
        if (!seen.has(k)) {
          seen.add(k);
          out.push(`- \`${cell(k)}\`: ${cell(text)}`);
        }
      }
    }
  }
  out.push('');
  return out.join('\n');
}
