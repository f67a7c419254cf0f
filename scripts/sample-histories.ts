/**
 * Writes the stored fixture histories (fixtures/histories/*.jsonl) and renders a sample report from
 * one of them, from the deterministic simulators in harness/testing/. Run it when the history
 * format changes on purpose; the unit tests re-check the stored files, so a change in the checks
 * that alters a stored verdict shows up as a test failure, not as a silently regenerated fixture.
 *
 *   npx tsx scripts/sample-histories.ts fixtures            # rewrite fixtures/histories/
 *   npx tsx scripts/sample-histories.ts timeline <out.html>  # render a sample timeline page
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { History } from '../harness/probes/history.js';
import { buildEtcdQuorumCatalogue } from '../harness/guarantees/catalogue.js';
import { ETCD_DEFAULT_TIMERS } from '../harness/guarantees/flags.js';
import { renderTimelineHtml } from '../harness/reporting/timeline-html.js';
import { leaderKillHistory, MEMBERS, quorumLossHistory } from '../harness/testing/sample-histories.js';

/** The stored fixtures: shorter than the test defaults (30-40 s) to keep the files small. */
export const FIXTURES = {
  'leader-sigkill-3cp.jsonl': () =>
    leaderKillHistory({
      durationMs: 30_000,
      killIssuedAtMs: 10_000,
      killConfirmedAtMs: 10_042,
      campaignAtMs: 11_210,
      newLeaderAtMs: 11_350,
      oldLeaderBackAtMs: 17_600,
      healIssuedAtMs: 20_000,
      healedAtMs: 20_450,
    }),
  'quorum-loss-3cp.jsonl': () =>
    quorumLossHistory({
      durationMs: 40_000,
      stopIssuedAtMs: 10_000,
      stopConfirmedAtMs: 10_800,
      stepDownAtMs: 11_930,
      healIssuedAtMs: 25_000,
      membersBackAtMs: 29_500,
      newLeaderAtMs: 30_400,
      healedAtMs: 31_000,
      compactionAtMs: 30_600,
    }),
} as const;

const fixturePath = (name: string): string => fileURLToPath(new URL(`../fixtures/histories/${name}`, import.meta.url));

async function main(argv: readonly string[]): Promise<void> {
  const [cmd, out] = argv;
  if (cmd === 'fixtures') {
    for (const [name, make] of Object.entries(FIXTURES)) {
      await writeFile(fixturePath(name), make().toJsonl());
      console.log(`wrote fixtures/histories/${name}`);
    }
    return;
  }
  if (cmd === 'timeline' && out !== undefined) {
    const history = History.fromJsonl(await readFile(fixturePath('leader-sigkill-3cp.jsonl'), 'utf8'));
    const catalogue = buildEtcdQuorumCatalogue({
      timersByMember: Object.fromEntries(MEMBERS.map((m) => [m.name, ETCD_DEFAULT_TIMERS])),
      probes: { pollIntervalMs: 100, writeIntervalMs: 100, writeTimeoutMs: 500 },
    });
    const ids = [
      'etcd-quorum.baseline-healthy',
      'etcd-quorum.leader-loss-elects-new-leader',
      'etcd-quorum.minority-loss-keeps-writes',
      'etcd-quorum.acknowledged-writes-durable',
      'etcd-quorum.revisions-and-terms-monotonic',
      'etcd-quorum.one-leader-per-term',
      'etcd-quorum.watch-ordered-without-gaps',
    ] as const;
    const guarantees = ids.map((id) => catalogue.get(id));
    const verdicts = guarantees.map((g) => g.check(history, g));
    await writeFile(
      out,
      renderTimelineHtml({
        meta: { runId: 'sample-leader-sigkill', title: 'etcd-quorum: leader SIGKILL (sample)', seed: 7, topology: 'ha-3cp (3 control planes, stacked etcd)' },
        history,
        verdicts,
        guarantees,
      }),
    );
    console.log(`wrote ${out}`);
    return;
  }
  throw new Error('usage: sample-histories.ts fixtures | timeline <out.html>');
}

await main(process.argv.slice(2));
