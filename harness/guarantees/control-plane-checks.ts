/**
 * What the checks of the control-plane failover guarantees share: the probe names they select by,
 * the context they run with, and helpers over the history. The checks themselves live one file per
 * suite (apiserver-checks.ts, lb-checks.ts, leader-election-checks.ts, workload-checks.ts,
 * node-loss-checks.ts). Each composes the pure measures in harness/checks/ into a staged verdict:
 * probe-rate precondition -> the fault is the one the guarantee is about -> main property ->
 * secondary properties, stopping at the first stage that does not pass (runStages). Bounds come from
 * the guarantee's thresholds (control-plane-thresholds.ts).
 *
 * Names the checks select by (the probes default to them; see ControlPlaneProbeNames):
 * operations `api-write` / `api-read` with target 'lb' (through the load balancer),
 * `apiserver-readyz` / `apiserver-write` with target = node (each apiserver directly),
 * `workload-http` with target = node (the NodePort's node), `control-loop-work` ops `schedule-pod`
 * and `scale-deployment`; observations of kinds lease, node, lb-backend, endpoints, pods.
 */
import type { FaultWindow, History, Operation } from '../probes/history.js';
import { invokedIn } from '../checks/availability.js';
import { lastBefore } from '../checks/observed-states.js';
import { verdict, type Verdict } from '../checks/verdict.js';
import { ms, requireFaults, type CheckedGuarantee, type RateRequirement } from './check-helpers.js';
import type { DerivedControlPlaneThresholds } from './control-plane-thresholds.js';

/** Probe names the checks select operations by. */
export interface ControlPlaneProbeNames {
  readonly apiWrite: string;
  readonly apiRead: string;
  readonly apiserverReadyz: string;
  readonly apiserverWrite: string;
  readonly workloadHttp: string;
  readonly work: string;
}

/** Defaults: what api-write-probe, apiserver-probe, http-probe and control-loop-work record. */
export const DEFAULT_CONTROL_PLANE_PROBE_NAMES: ControlPlaneProbeNames = {
  apiWrite: 'api-write',
  apiRead: 'api-read',
  apiserverReadyz: 'apiserver-readyz',
  apiserverWrite: 'apiserver-write',
  workloadHttp: 'workload-http',
  work: 'control-loop-work',
};

/** What the checks need besides the history and the guarantee's thresholds. */
export interface ControlPlaneCheckContext {
  readonly names: ControlPlaneProbeNames;
  readonly derived: DerivedControlPlaneThresholds;
  /** Node name -> InternalIP (default/kubernetes lists IPs); falls back to the node observations. */
  readonly nodeIps: ReadonlyMap<string, string>;
  /** The control-plane nodes (apiservers); falls back to the targets of the /readyz probe. */
  readonly apiservers: readonly string[];
  /** Lease names of the two core components (from their --leader-elect-resource-name). */
  readonly leases: { readonly scheduler: string; readonly controllerManager: string };
}

/** A check over a history, given its guarantee and context. */
export type ControlPlaneCheck = (history: History, g: CheckedGuarantee, ctx: ControlPlaneCheckContext) => Verdict;

// ---- helpers ---------------------------------------------------------------------------------

/** Operations through the load balancer (API writes and reads). */
export function throughLb(history: History, ctx: ControlPlaneCheckContext): Operation[] {
  return [...history.operations({ probe: ctx.names.apiWrite, target: 'lb' }), ...history.operations({ probe: ctx.names.apiRead, target: 'lb' })];
}

export function apiserversOf(history: History, ctx: ControlPlaneCheckContext): string[] {
  return ctx.apiservers.length > 0 ? [...ctx.apiservers] : [...new Set(history.operations({ probe: ctx.names.apiserverReadyz }).map((o) => o.target))].sort();
}

export function ipOf(history: History, ctx: ControlPlaneCheckContext, node: string): string | undefined {
  const known = ctx.nodeIps.get(node);
  if (known !== undefined) {
    return known;
  }
  const first = history.faultWindows()[0]?.issuedAtMs ?? history.endMs();
  return lastBefore(history.nodeObservations(node).filter((o) => o.internalIp !== undefined), first)?.internalIp ?? history.nodeObservations(node).find((o) => o.internalIp !== undefined)?.internalIp;
}

/** Rate requirement for the through-LB probes: whichever of api-write / api-read ran. */
export function apiRates(history: History, ctx: ControlPlaneCheckContext): RateRequirement[] {
  const present = [ctx.names.apiWrite, ctx.names.apiRead].filter((p) => history.operations({ probe: p }).length > 0);
  return (present.length === 0 ? [ctx.names.apiWrite] : present).map((probe): RateRequirement => ({ kind: 'ops', probe, minName: 'minApiOpsPerSecond' }));
}

export const directRate = (ctx: ControlPlaneCheckContext): RateRequirement => ({ kind: 'ops', probe: ctx.names.apiserverReadyz, minName: 'minDirectOpsPerSecond', perTarget: true });

/** When the faulted apiserver was first seen failing and first seen serving again after the fault. */
export function downSpan(history: History, ctx: ControlPlaneCheckContext, node: string, f: FaultWindow): { downAtMs?: number; backAtMs?: number } {
  const ops = invokedIn(history.operations({ probe: ctx.names.apiserverReadyz, target: node }), { startMs: f.issuedAtMs, endMs: Number.POSITIVE_INFINITY });
  const down = ops.find((o) => o.outcome !== 'ok');
  if (down === undefined) {
    return {};
  }
  const back = ops.find((o) => o.outcome === 'ok' && o.invokedAtMs > down.invokedAtMs);
  return { downAtMs: down.invokedAtMs, ...(back === undefined ? {} : { backAtMs: back.completedAtMs }) };
}

/** "observed for X ms without result": fail once the bound has passed, else the history is too short. */
export function noResult(g: CheckedGuarantee, history: History, fromMs: number, bound: number, what: string, limits: Record<string, number>): Verdict {
  const observedFor = history.endMs() - fromMs;
  return observedFor >= bound
    ? verdict(g.id, 'fail', `${what} within ${ms(observedFor)}`, {}, limits)
    : verdict(g.id, 'inconclusive', `the history ends ${ms(observedFor)} later, before ${what.replace(/^no /, 'any ')} could be expected (bound ${ms(bound)})`, {}, limits);
}

/** Each fault must name exactly one node. */
export function singleTargetFaults(history: History, g: CheckedGuarantee, also?: (f: FaultWindow, target: string) => string | undefined): Verdict {
  const r = requireFaults(history, g);
  if (!r.ok) {
    return r.verdict;
  }
  for (const f of r.faults) {
    const t = f.targets[0];
    if (f.targets.length !== 1 || t === undefined) {
      return verdict(g.id, 'inconclusive', `fault ${f.faultId} hit ${f.targets.length} nodes (${f.targets.join(', ')}); this guarantee is about exactly one`);
    }
    const problem = also?.(f, t);
    if (problem !== undefined) {
      return verdict(g.id, 'inconclusive', problem);
    }
  }
  return verdict(g.id, 'pass', '', { faults: r.faults.length });
}
