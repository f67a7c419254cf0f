/**
 * Runs one step of a drill and records it: a `drill-step` entry the checks judge (when it began and
 * ended on the run clock, ok / refused / fail, its numbers) and a note for the timeline. A step that
 * throws is recorded as `fail` with the error, then the error goes on: a drill stops at its first
 * failed step, and the case is saved as errored by its runner.
 */
import type { MonotonicClock } from '../probes/clock.js';
import type { DrillStep, History } from '../probes/history.js';

export interface DrillContext {
  readonly history: History;
  readonly clock: MonotonicClock;
}

export interface StepResult<T> {
  readonly value: T;
  readonly detail: string;
  readonly facts?: Readonly<Record<string, number>>;
  /** 'refused': etcd said no (what a safety drill wants); default ok. */
  readonly outcome?: 'ok' | 'refused';
}

export async function drillStep<T>(ctx: DrillContext, drill: string, step: string, body: () => Promise<StepResult<T>>): Promise<T> {
  const startedAtMs = ctx.clock.nowMs();
  let r: StepResult<T>;
  try {
    r = await body();
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    const atMs = ctx.clock.nowMs();
    ctx.history.record({ kind: 'drill-step', drill, step, startedAtMs, atMs, outcome: 'fail', detail: detail.slice(0, 2_000) });
    ctx.history.record({ kind: 'note', atMs, source: 'drill', text: `${drill}: ${step} FAILED after ${((atMs - startedAtMs) / 1000).toFixed(1)} s: ${detail.slice(0, 300)}` });
    throw err;
  }
  const atMs = ctx.clock.nowMs();
  const outcome = r.outcome ?? 'ok';
  ctx.history.record({ kind: 'drill-step', drill, step, startedAtMs, atMs, outcome, detail: r.detail, ...(r.facts === undefined ? {} : { facts: r.facts }) });
  ctx.history.record({ kind: 'note', atMs, source: 'drill', text: `${drill}: ${step}${outcome === 'refused' ? ' (refused by etcd)' : ''} in ${((atMs - startedAtMs) / 1000).toFixed(1)} s: ${r.detail}` });
  return r.value;
}

/** Pure: the steps of one drill recorded in a history, in order. */
export function drillSteps(history: History, drill: string): readonly DrillStep[] {
  return history.ofKind('drill-step').filter((e) => e.drill === drill);
}

/** Pure: the last recorded step of that name in the drill, if any. */
export function lastStep(history: History, drill: string, step: string): DrillStep | undefined {
  return drillSteps(history, drill).filter((e) => e.step === step).at(-1);
}
