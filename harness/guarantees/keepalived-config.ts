/**
 * The VRRP settings a vip-pair front's failover bounds come from, read from each LB host's own
 * keepalived.conf (not from the topology file: the bound must follow what the hosts really run).
 * Pure: unit-tested on the config the substrate writes and on hand-tuned variants.
 *
 * keepalived.conf(5): `vrrp_version` (global_defs, default 2), and in a `vrrp_instance`: `priority`
 * (default 100), `advert_int` (seconds, default 1; VRRPv3 allows centiseconds), `nopreempt`, `state`.
 */

/** One host's VRRP instance settings. */
export interface VrrpInstanceSettings {
  readonly version: 2 | 3;
  readonly priority: number;
  readonly advertIntervalS: number;
  readonly preempt: boolean;
}

/** The pair's settings the bounds use. */
export interface VrrpTimings {
  readonly version: 2 | 3;
  /** The slowest advert interval of the pair (the backup counts the master's adverts). */
  readonly advertIntervalS: number;
  /** The lowest priority: the backup that takes over, whose Skew_Time is the longest. */
  readonly backupPriority: number;
  /** Whether the preferred master takes the VIP back once it returns (a second move at the heal). */
  readonly preempt: boolean;
}

/** Thrown for a config the bounds cannot be derived from; names the host and the fix. */
export class KeepalivedConfigError extends Error {
  override readonly name = 'KeepalivedConfigError';
}

/** Removes `#` and `!` comments (keepalived accepts both). */
function stripComments(text: string): string {
  return text
    .split('\n')
    .map((l) => l.replace(/[#!].*$/, ''))
    .join('\n');
}

/** The body of the first `<keyword> [name] { ... }` block (braces balanced), or undefined. */
function blockBody(text: string, keyword: string): string | undefined {
  const m = new RegExp(`(^|\\s)${keyword}(\\s+\\S+)?\\s*\\{`).exec(text);
  if (m === null) {
    return undefined;
  }
  let depth = 1;
  const start = m.index + m[0].length;
  for (let i = start; i < text.length; i += 1) {
    if (text[i] === '{') {
      depth += 1;
    } else if (text[i] === '}') {
      depth -= 1;
      if (depth === 0) {
        return text.slice(start, i);
      }
    }
  }
  return undefined;
}

/** Top-level `key value` lines of a block body (nested blocks skipped). */
function topLevelWords(body: string): string[][] {
  const out: string[][] = [];
  let depth = 0;
  for (const line of body.split('\n')) {
    const words = line.trim().split(/\s+/).filter((w) => w !== '');
    if (depth === 0 && words.length > 0 && words[0] !== '{' && words[0] !== '}') {
      out.push(words.filter((w) => w !== '{'));
    }
    depth += (line.match(/\{/g) ?? []).length - (line.match(/\}/g) ?? []).length;
  }
  return out;
}

/** Parses one host's keepalived.conf (its first vrrp_instance). */
export function parseKeepalivedConf(host: string, text: string): VrrpInstanceSettings {
  const clean = stripComments(text);
  const instance = blockBody(clean, 'vrrp_instance');
  if (instance === undefined) {
    throw new KeepalivedConfigError(`${host}: keepalived.conf has no vrrp_instance block: this host holds no VIP`);
  }
  const global = topLevelWords(blockBody(clean, 'global_defs') ?? '');
  const versionWord = global.find((w) => w[0] === 'vrrp_version')?.[1];
  const version = versionWord === undefined ? 2 : Number(versionWord);
  if (version !== 2 && version !== 3) {
    throw new KeepalivedConfigError(`${host}: vrrp_version ${versionWord ?? ''} is neither 2 nor 3`);
  }
  const words = topLevelWords(instance);
  const value = (k: string): string | undefined => words.find((w) => w[0] === k)?.[1];
  const priority = Number(value('priority') ?? '100');
  const advertIntervalS = Number(value('advert_int') ?? '1');
  if (!Number.isInteger(priority) || priority < 1 || priority > 255) {
    throw new KeepalivedConfigError(`${host}: priority ${value('priority') ?? ''} must be a whole number from 1 to 255`);
  }
  if (!Number.isFinite(advertIntervalS) || advertIntervalS <= 0) {
    throw new KeepalivedConfigError(`${host}: advert_int ${value('advert_int') ?? ''} must be a positive number of seconds`);
  }
  return { version, priority, advertIntervalS, preempt: !words.some((w) => w[0] === 'nopreempt') };
}

/** The pair's timings from every host's settings (host -> settings). */
export function vrrpTimingsOf(hosts: Readonly<Record<string, VrrpInstanceSettings>>): VrrpTimings {
  const all = Object.values(hosts);
  if (all.length < 2) {
    throw new KeepalivedConfigError(`a VIP pair needs two LB hosts, read ${all.length} (${Object.keys(hosts).join(', ')})`);
  }
  const versions = new Set(all.map((h) => h.version));
  if (versions.size > 1) {
    throw new KeepalivedConfigError(`the LB hosts run different VRRP versions (${Object.entries(hosts).map(([n, h]) => `${n}: ${h.version}`).join(', ')}): they would not hear each other`);
  }
  return {
    version: all[0]?.version ?? 3,
    advertIntervalS: Math.max(...all.map((h) => h.advertIntervalS)),
    backupPriority: Math.min(...all.map((h) => h.priority)),
    preempt: all.every((h) => h.preempt),
  };
}

/**
 * Skew_Time in ms: VRRPv3 (RFC 5798 §6.1) scales it by the advert interval, VRRPv2 (RFC 3768 §6.1)
 * does not: (256 - priority) / 256 seconds.
 */
export function vrrpSkewMs(t: Pick<VrrpTimings, 'version' | 'advertIntervalS'>, priority: number): number {
  return ((256 - priority) * (t.version === 3 ? t.advertIntervalS : 1) * 1_000) / 256;
}

/** Master_Down_Interval in ms: 3 x advert interval + Skew_Time (both RFCs). */
export function vrrpMasterDownMs(t: Pick<VrrpTimings, 'version' | 'advertIntervalS'>, priority: number): number {
  return 3 * t.advertIntervalS * 1_000 + vrrpSkewMs(t, priority);
}
