/**
 * A crash-safe record of faults in effect: an entry is appended (and fsynced) BEFORE a fault is
 * applied and a removal after its heal is verified. `npm run heal` and the next run's setup replay
 * what is left (krkn's rollback files, kept as data).
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { config } from '../config.js';
import { currentProcessHolder } from '../runtime/processes.js';
import { otherHealer } from './heal-lock.js';
import { currentHealStep, type FaultSpec, type HealStep, type LegacyHealStep } from './spec.js';

/**
 * The process that applied a fault and will heal it, named so a supervisor can tell a fault whose
 * owner is gone (SIGKILL, Ctrl-C) from one that is still being held on purpose. `startTicks` is the
 * owner's start time from /proc/<pid>/stat: a PID alone can be reused by an unrelated process.
 */
export interface FaultHolder {
  readonly pid: number;
  readonly startTicks: number;
}

export interface JournalEntry {
  readonly faultId: string;
  readonly runId: string;
  readonly cluster: string;
  readonly spec: FaultSpec;
  readonly targets: readonly string[];
  readonly heal: readonly HealStep[];
  readonly at: string;
  /** Absent in journals written before 2026-12-07: such entries are treated as orphaned. */
  readonly holder?: FaultHolder;
}

type JournalLine = { readonly op: 'add'; readonly entry: JournalEntry } | { readonly op: 'remove'; readonly faultId: string };

export class FaultJournal {
  /** `cluster` names whose heal lock an injection must respect (see add()). */
  constructor(readonly path: string, readonly cluster?: string) {}

  static forCluster(cluster: string): FaultJournal {
    return new FaultJournal(join(config.cacheDir, 'clusters', cluster, 'active-faults.jsonl'), cluster);
  }

  #append(line: JournalLine): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    appendFileSync(this.path, `${JSON.stringify(line)}\n`, { mode: 0o600 });
    const fd = openSync(this.path, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** Record a fault about to be applied; the calling process is its holder unless one is named. */
  add(entry: JournalEntry): void {
    const healer = this.cluster === undefined ? undefined : otherHealer(this.cluster);
    if (healer !== undefined) {
      // A heal sweeps every node; a fault applied during it could be undone half-way, unrecorded.
      throw new Error(`refusing to inject ${entry.faultId}: pid ${healer.pid} is healing cluster ${this.cluster} (${healer.purpose}, since ${healer.since}); wait until it has finished`);
    }
    this.#append({ op: 'add', entry: withHolder(entry) });
  }

  /** Heal steps learnt after injection (e.g. which file was moved) replace the entry's. */
  update(entry: JournalEntry): void {
    this.#append({ op: 'add', entry: withHolder(entry) });
  }

  remove(faultId: string): void {
    this.#append({ op: 'remove', faultId });
  }

  /** Faults added and not removed, in the order they were added. */
  active(): JournalEntry[] {
    if (!existsSync(this.path)) {
      return [];
    }
    return activeEntries(readFileSync(this.path, 'utf8'));
  }

  /** Rewrite the file to just the active entries (after a replay). */
  compact(): void {
    const active = this.active();
    writeFileSync(this.path, active.map((entry) => `${JSON.stringify({ op: 'add', entry })}\n`).join(''), { mode: 0o600 });
  }
}

function withHolder(entry: JournalEntry): JournalEntry {
  return entry.holder !== undefined ? entry : { ...entry, holder: currentProcessHolder() };
}

/** Pure replay of journal text; a torn last line (crash mid-write) is ignored. */
export function activeEntries(text: string): JournalEntry[] {
  const active = new Map<string, JournalEntry>();
  for (const raw of text.split('\n')) {
    if (!raw.trim()) {
      continue;
    }
    let line: JournalLine;
    try {
      line = JSON.parse(raw) as JournalLine;
    } catch {
      continue;
    }
    if (line.op === 'add') {
      // Steps of older kinds (docker-unpause, docker-start) come back in today's (resume-host, start-host).
      const heal = (line.entry.heal as readonly (HealStep | LegacyHealStep)[] | undefined)?.map(currentHealStep) ?? [];
      active.set(line.entry.faultId, { ...line.entry, heal });
    } else {
      active.delete(line.faultId);
    }
  }
  return [...active.values()];
}
