/**
 * Pure measures over polled states (node Ready conditions, haproxy backend states, the apiservers'
 * endpoint addresses): when a state was first seen after an instant, and how a state changed over
 * time. A poller samples, so "first seen at" is an upper bound on when the state began, accurate
 * to one poll interval (plus the request's latency).
 */
import type { BackendStateObservation, EndpointsObservation, NodeConditionObservation } from '../probes/history.js';

/** The first observation at or after `t` (by atMs) that satisfies `pred`. */
export function firstAfter<T extends { readonly atMs: number }>(obs: readonly T[], t: number, pred: (o: T) => boolean): T | undefined {
  let best: T | undefined;
  for (const o of obs) {
    if (o.atMs >= t && pred(o) && (best === undefined || o.atMs < best.atMs)) {
      best = o;
    }
  }
  return best;
}

/** The last observation at or before `t`, if any. */
export function lastBefore<T extends { readonly atMs: number }>(obs: readonly T[], t: number): T | undefined {
  let best: T | undefined;
  for (const o of obs) {
    if (o.atMs <= t && (best === undefined || o.atMs >= best.atMs)) {
      best = o;
    }
  }
  return best;
}

/** A change of a polled state. */
export interface StateChange<T> {
  readonly atMs: number;
  readonly from: string;
  readonly to: string;
  readonly observation: T;
}

/** Changes of `state(o)` in time order (the first observation is not a change). */
export function stateChanges<T extends { readonly atMs: number }>(obs: readonly T[], state: (o: T) => string): StateChange<T>[] {
  const sorted = [...obs].sort((a, b) => a.atMs - b.atMs);
  const out: StateChange<T>[] = [];
  let prev: string | undefined;
  for (const o of sorted) {
    const s = state(o);
    if (prev !== undefined && s !== prev) {
      out.push({ atMs: o.atMs, from: prev, to: s, observation: o });
    }
    prev = s;
  }
  return out;
}

// ---- nodes -------------------------------------------------------------------------------------

/** Ready=True. Anything else (False, or Unknown after the grace period) is "NotReady". */
export const isNodeReady = (o: NodeConditionObservation): boolean => o.ready === 'True';

/** The InternalIP changes of one node (kind#1689: a restarted node may come back with a new IP). */
export function nodeIpChanges(obs: readonly NodeConditionObservation[], node: string): StateChange<NodeConditionObservation>[] {
  return stateChanges(
    obs.filter((o) => o.node === node && o.internalIp !== undefined),
    (o) => o.internalIp ?? '',
  );
}

// ---- haproxy backends --------------------------------------------------------------------------

/**
 * haproxy no longer sends new connections to the server: DOWN (including "DOWN 1/2", coming back up
 * but not yet risen) or MAINT. DRAIN is not ejected: it still serves sessions bound to it.
 */
export function isBackendEjected(status: string): boolean {
  return /^(DOWN|MAINT)\b/.test(status);
}

/** haproxy routes to the server: UP, including "UP 1/3" (failing checks, not yet fallen). */
export function isBackendServing(status: string): boolean {
  return /^(UP|no check)\b/.test(status);
}

/** First observation of `server` ejected at or after `t`. */
export function firstEjectedAfter(states: readonly BackendStateObservation[], server: string, t: number): BackendStateObservation | undefined {
  return firstAfter(states, t, (s) => s.server === server && isBackendEjected(s.status));
}

/** First observation of `server` fully UP ("UP", not "UP 1/3") at or after `t`. */
export function firstFullyUpAfter(states: readonly BackendStateObservation[], server: string, t: number): BackendStateObservation | undefined {
  return firstAfter(states, t, (s) => s.server === server && s.status === 'UP');
}

// ---- endpoints ---------------------------------------------------------------------------------

/** First endpoints observation at or after `t` that lacks `ip` among the ready addresses. */
export function firstWithoutAddressAfter(obs: readonly EndpointsObservation[], ip: string, t: number): EndpointsObservation | undefined {
  return firstAfter(obs, t, (o) => !o.addresses.includes(ip));
}

/** First endpoints observation at or after `t` that lists `ip` as ready. */
export function firstWithAddressAfter(obs: readonly EndpointsObservation[], ip: string, t: number): EndpointsObservation | undefined {
  return firstAfter(obs, t, (o) => o.addresses.includes(ip));
}
