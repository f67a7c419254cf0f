/**
 * A realistic etcd-quorum suite run for the report tests, built the way suite-report builds one:
 * several cases, run one after the other on the shared run clock, each with its own history and
 * verdicts, merged into one history; one case errored before it was judged (its target could not
 * be resolved), as issue 18 saw on a cluster whose schedulers ran without leader election.
 *
 * Test support only.
 */
import { caseErrorVerdict, type Verdict } from '../checks/verdict.js';
import { buildEtcdQuorumCatalogue, type EtcdQuorumGuaranteeId } from '../guarantees/catalogue.js';
import { ETCD_DEFAULT_TIMERS } from '../guarantees/flags.js';
import { History, type HistoryEntry } from '../probes/history.js';
import type { CaseReport } from '../reporting/report-types.js';
import { gracefulStopHistory, leaderKillHistory, MEMBERS, quorumLossHistory } from './sample-histories.js';

/**
 * Moves every run-clock time of an entry by `dtMs`, raises raft terms by `dTerm` (terms only grow
 * over a run) and renames its fault id (every fault of a run has its own).
 */
function shifted(e: HistoryEntry, dtMs: number, dTerm: number, faultId?: string): HistoryEntry {
  const out: Record<string, unknown> = { ...e };
  for (const [k, v] of Object.entries(out)) {
    if (typeof v === 'number' && /^(atMs|startMs|endMs|[a-z]+AtMs)$/.test(k)) {
      out[k] = v + dtMs;
    } else if (typeof v === 'number' && k === 'term') {
      out[k] = v + dTerm;
    }
  }
  if (faultId !== undefined && 'faultId' in out) {
    out['faultId'] = faultId;
  }
  return out as unknown as HistoryEntry;
}

function shiftHistory(h: History, dtMs: number, dTerm: number, faultId?: string): History {
  return new History(h.entries().map((e) => shifted(e, dtMs, dTerm, faultId)));
}

export const SUITE_RUN_CATALOGUE = buildEtcdQuorumCatalogue({
  timersByMember: Object.fromEntries(MEMBERS.map((m) => [m.name, ETCD_DEFAULT_TIMERS])),
  probes: { pollIntervalMs: 100, writeIntervalMs: 100, writeTimeoutMs: 500 },
});

/** The error the errored case threw (the selector's own message). */
export const ERRORED_CASE_ERROR = 'SelectorError: no control-plane node holds the lease kube-scheduler right now';

export interface SuiteRun {
  readonly cases: readonly CaseReport[];
  readonly verdicts: readonly Verdict[];
  readonly history: History;
}

/**
 * kill-leader (SIGKILL of the leader: an election), graceful-stop (SIGTERM: a transfer), an errored
 * case, and quorum-loss (a majority held down: the leader only after the heal), 70 s apart.
 */
export function sampleSuiteRun(): SuiteRun {
  const judged = (id: EtcdQuorumGuaranteeId, h: History): Verdict => {
    const g = SUITE_RUN_CATALOGUE.get(id);
    return g.check(h, g);
  };
  const kill = leaderKillHistory();
  const graceful = shiftHistory(gracefulStopHistory(), 70_000, 10, 'kill-process-5be2c1');
  const quorum = shiftHistory(quorumLossHistory(), 140_000, 20);
  const notJudged = ['etcd-quorum.leader-loss-elects-new-leader', 'etcd-quorum.acknowledged-writes-durable'];
  const cases: CaseReport[] = [
    {
      name: 'kill-leader',
      faultIds: kill.faultWindows().map((f) => f.faultId),
      verdicts: [judged('etcd-quorum.leader-loss-elects-new-leader', kill), judged('etcd-quorum.acknowledged-writes-durable', kill)],
    },
    {
      name: 'graceful-stop',
      faultIds: graceful.faultWindows().map((f) => f.faultId),
      verdicts: [judged('etcd-quorum.graceful-leader-stop-transfers-leadership', graceful), judged('etcd-quorum.acknowledged-writes-durable', graceful)],
    },
    { name: 'kill-scheduler-holder', faultIds: [], verdicts: [caseErrorVerdict('kill-scheduler-holder', ERRORED_CASE_ERROR, notJudged)], error: ERRORED_CASE_ERROR },
    {
      name: 'quorum-loss',
      faultIds: quorum.faultWindows().map((f) => f.faultId),
      verdicts: [judged('etcd-quorum.quorum-loss-refuses-writes', quorum), judged('etcd-quorum.acknowledged-writes-durable', quorum)],
    },
  ];
  return {
    cases,
    verdicts: cases.flatMap((c) => c.verdicts),
    history: new History([...kill.entries(), ...graceful.entries(), ...quorum.entries()]),
  };
}
