/**
 * Which journaled faults have lost the process that was going to heal them. Pure: the supervisor
 * passes in how to tell whether a holder is alive, so the rule is unit-tested on real journal entries.
 */
import type { FaultHolder, JournalEntry } from './journal.js';

export interface OrphanView {
  /** Faults whose holder has exited (or was never recorded): nobody will heal them but us. */
  readonly orphaned: readonly JournalEntry[];
  /** Faults whose holder still runs. After the run itself has gone, those holders are stray workers. */
  readonly held: readonly JournalEntry[];
}

export function classifyJournal(entries: readonly JournalEntry[], isAlive: (h: FaultHolder) => boolean): OrphanView {
  const orphaned: JournalEntry[] = [];
  const held: JournalEntry[] = [];
  for (const e of entries) {
    (e.holder !== undefined && isAlive(e.holder) ? held : orphaned).push(e);
  }
  return { orphaned, held };
}

/**
 * What the supervisor does next. While the run lives it heals only when no live holder is left: the
 * heal sweeps every node (unpause, manifests back, chain flushed), which would also undo a fault that a
 * live process holds on purpose. Once the run is gone, its stray holders are stopped first (a vitest
 * worker whose parent died goes on with its case until it next writes to the parent), then everything
 * is healed.
 */
export type SupervisorAction =
  | { readonly kind: 'idle' }
  | { readonly kind: 'wait'; readonly reason: string }
  | { readonly kind: 'stop-holders'; readonly pids: readonly number[] }
  | { readonly kind: 'heal'; readonly faults: readonly JournalEntry[] }
  | { readonly kind: 'exit' };

export function nextSupervisorAction(view: OrphanView, runGone: boolean, runId: string): SupervisorAction {
  if (runGone) {
    const strays = view.held.filter((e) => e.runId === runId).map((e) => e.holder?.pid).filter((p): p is number => p !== undefined);
    if (strays.length > 0) {
      return { kind: 'stop-holders', pids: [...new Set(strays)] };
    }
    if (view.held.length > 0) {
      // Held by a process of another run: not ours to stop or undo.
      return view.orphaned.length > 0 ? { kind: 'wait', reason: `another run (pid ${view.held.map((e) => e.holder?.pid).join(', ')}) holds faults on this cluster` } : { kind: 'exit' };
    }
    return view.orphaned.length > 0 ? { kind: 'heal', faults: view.orphaned } : { kind: 'exit' };
  }
  if (view.orphaned.length === 0) {
    return { kind: 'idle' };
  }
  if (view.held.length > 0) {
    return { kind: 'wait', reason: `a live process holds ${view.held.map((e) => e.faultId).join(', ')}` };
  }
  return { kind: 'heal', faults: view.orphaned };
}
