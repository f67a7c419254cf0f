/**
 * Where the observers (leases, nodes, endpoints, pods) read the Kubernetes API from: the load
 * balancer, and optionally each apiserver directly, so that the cluster's state can still be seen
 * while the LB is down (lb-failover) or one apiserver is (apiserver-failover).
 *
 * Each poll asks ONE source at a time (one outstanding request per worker) and records which one
 * answered. Order: the source that answered last goes first, so that after the LB dies the polls do
 * not each pay a full deadline on it; every `lbRetryEveryPolls`-th poll asks the LB first again, so
 * the observer returns to the LB soon after it is back. Every request has its own deadline; nothing
 * is retried within an attempt.
 */
import type { KubeApiCredentials } from '../runtime/kubeconfig.js';
import { errorText } from './probe.js';

/** The sources an observer may read from. */
export interface ApiSources {
  readonly creds: KubeApiCredentials;
  /** Ask the load balancer (the kubeconfig's server); default true. */
  readonly viaLoadBalancer?: boolean;
  /**
   * Node name -> https://<nodeIP>:6443, asked after the LB (in this order) when it does not answer.
   * The apiserver's serving certificate includes the node IPs, so TLS verification still holds.
   */
  readonly direct?: ReadonlyMap<string, string>;
  /** Ask the LB first again every this many polls after it failed; default 5. */
  readonly lbRetryEveryPolls?: number;
}

/** The name recorded as `via` for answers that came through the load balancer. */
export const VIA_LB = 'lb';

/** One source: its recorded name and the server URL override (undefined = the kubeconfig's server). */
export interface ApiSource {
  readonly via: string;
  readonly serverUrl?: string;
}

/** Every source gave up: why, per source, and whether any of them may have been mid-answer. */
export class NoSourceAnsweredError extends Error {
  override readonly name = 'NoSourceAnsweredError';
  constructor(
    /** 'fail' when every attempt failed definitely (refused, HTTP error); 'unknown' when one timed out. */
    readonly outcome: 'fail' | 'unknown',
    readonly attempts: readonly { readonly via: string; readonly error: string }[],
  ) {
    super(attempts.length === 0 ? 'no API source configured' : attempts.map((a) => `${a.via}: ${a.error}`).join('; '));
  }
}

/** Picks the order of sources per poll; pure bookkeeping, unit-tested. */
export class SourceOrder {
  readonly #sources: readonly ApiSource[];
  readonly #lbRetryEvery: number;
  #lastGood: string | undefined;
  #polls = 0;

  constructor(sources: readonly ApiSource[], lbRetryEveryPolls = 5) {
    if (sources.length === 0) {
      throw new Error('an observer needs at least one API source (the LB or a direct apiserver)');
    }
    this.#sources = sources;
    this.#lbRetryEvery = Math.max(1, Math.floor(lbRetryEveryPolls));
  }

  /**
   * The order to try for the next poll: the source that answered last first (on every
   * `lbRetryEveryPolls`-th poll the first source, the LB, goes before it), then the others in their
   * configured order. Known-good goes early so a poll does not pay a deadline per dead source.
   */
  next(): readonly ApiSource[] {
    this.#polls += 1;
    const preferred = this.#sources[0];
    const good = this.#sources.find((s) => s.via === this.#lastGood);
    const head = good === undefined ? [preferred] : this.#polls % this.#lbRetryEvery === 0 ? [preferred, good] : [good];
    const lead = head.filter((s, i): s is ApiSource => s !== undefined && head.indexOf(s) === i);
    return [...lead, ...this.#sources.filter((s) => !lead.includes(s))];
  }

  /** Remembers which source answered. */
  answered(via: string): void {
    this.#lastGood = via;
  }
}

/** The sources in their default order: the LB (if used), then each apiserver. */
export function sourcesOf(s: ApiSources): ApiSource[] {
  const list: ApiSource[] = s.viaLoadBalancer === false ? [] : [{ via: VIA_LB }];
  for (const [node, serverUrl] of s.direct ?? []) {
    list.push({ via: node, serverUrl });
  }
  return list;
}

/**
 * Runs `call` against the sources in `order` until one answers. Resolves with the value and the
 * source that gave it; rejects with NoSourceAnsweredError listing every attempt.
 */
export async function firstAnswer<T>(
  order: readonly ApiSource[],
  call: (source: ApiSource) => Promise<T>,
): Promise<{ readonly value: T; readonly via: string }> {
  const attempts: { via: string; error: string }[] = [];
  let anyUnknown = false;
  for (const source of order) {
    try {
      return { value: await call(source), via: source.via };
    } catch (err) {
      const outcome = (err as { outcome?: unknown } | null)?.outcome;
      anyUnknown ||= outcome !== 'fail';
      attempts.push({ via: source.via, error: errorText(err) });
    }
  }
  throw new NoSourceAnsweredError(anyUnknown ? 'unknown' : 'fail', attempts);
}
