/**
 * Types the renderers share. Structural on purpose: reporting must not depend on the guarantee
 * catalogue (dependencies point from guarantees to reporting, not back).
 */

/** What a report shows about a guarantee besides its verdict. */
export interface GuaranteeInfo {
  readonly id: string;
  readonly statement: string;
  readonly source: string;
  readonly sourceVersion?: string;
  readonly derivation?: Readonly<Record<string, string>>;
}

/** Labels for the top of a report. */
export interface RunMeta {
  readonly runId: string;
  /** e.g. 'etcd-quorum on ha-3cp'. */
  readonly title?: string;
  readonly seed?: number | string;
  /** e.g. 'ha-3cp (3 control planes, stacked etcd)'. */
  readonly topology?: string;
  readonly startedAtIso?: string;
  readonly versions?: Readonly<Record<string, string>>;
}
