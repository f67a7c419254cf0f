/**
 * The load balancer's health-check timing, read from the haproxy configuration kind renders into
 * the LB container (/usr/local/etc/haproxy/haproxy.cfg), so the ejection bound comes from the
 * settings actually in force.
 *
 * kind (v0.31) writes `option httpchk GET /healthz` and `server <node> <node>:6443 check check-ssl
 * verify none ...` without any timing parameter, so haproxy's defaults apply
 * (https://docs.haproxy.org/2.6/configuration.html, section 5.2): `inter 2s`, `fall 3`, `rise 2`;
 * `fastinter` and `downinter` default to `inter`; and without `timeout check` a check may take up
 * to `inter` in total (connect + response) before it counts as failed. A config that sets any of
 * these (in `defaults`, `default-server` or on the server line) is honoured here.
 *
 * Pure: the caller fetches the file (`docker exec <lb> cat ...`).
 */

/** The check settings of one backend server. */
export interface HaproxyServerCheck {
  readonly name: string;
  readonly address: string;
  /** `check` is on the server line: haproxy health-checks it. */
  readonly check: boolean;
  readonly interMs: number;
  /** Interval while a server is transitioning (UP going down / DOWN coming up). */
  readonly fastInterMs: number;
  /** Interval while a server is fully DOWN. */
  readonly downInterMs: number;
  /** Consecutive failed checks that mark an UP server DOWN. */
  readonly fall: number;
  /** Consecutive successful checks that mark a DOWN server UP. */
  readonly rise: number;
}

/** What a backend's health checking amounts to. */
export interface HaproxyBackendChecks {
  readonly backend: string;
  /** `option httpchk` arguments, e.g. 'GET /healthz'; undefined for a plain TCP connect check. */
  readonly httpCheck?: string;
  readonly servers: readonly HaproxyServerCheck[];
  /** `timeout check`, when set. */
  readonly checkTimeoutMs?: number;
  /** `timeout connect`, when set. */
  readonly connectTimeoutMs?: number;
  /**
   * The longest one check can take before it counts as failed (a backend that accepts nothing and
   * answers nothing, e.g. a paused node): `timeout check` + min(`timeout connect`, inter) when
   * `timeout check` is set, otherwise `inter` (haproxy's documented fallback).
   */
  readonly maxCheckDurationMs: number;
}

/** The config does not say what the checks need (no such backend, no server with `check`). */
export class HaproxyConfigError extends Error {
  override readonly name = 'HaproxyConfigError';
}

/** haproxy's documented defaults for server check parameters. */
export const HAPROXY_CHECK_DEFAULTS = { interMs: 2_000, fall: 3, rise: 2 } as const;

const TIME_UNITS: Readonly<Record<string, number>> = { us: 0.001, ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** haproxy time format: a number with an optional unit (us, ms, s, m, h, d); no unit means ms. */
export function parseHaproxyTime(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(us|ms|s|m|h|d)?$/.exec(text.trim());
  if (m === null) {
    throw new HaproxyConfigError(`${JSON.stringify(text)} is not a haproxy time (e.g. 2s, 500ms, 2000)`);
  }
  return Number(m[1]) * (TIME_UNITS[m[2] ?? 'ms'] ?? 1);
}

interface Params {
  inter?: number;
  fastinter?: number;
  downinter?: number;
  fall?: number;
  rise?: number;
}

function parseParams(words: readonly string[], into: Params): void {
  for (let i = 0; i < words.length; i += 1) {
    const w = words[i];
    const v = words[i + 1];
    if (v === undefined) {
      continue;
    }
    if (w === 'inter' || w === 'fastinter' || w === 'downinter') {
      into[w] = parseHaproxyTime(v);
      i += 1;
    } else if (w === 'fall' || w === 'rise') {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) {
        throw new HaproxyConfigError(`${w} ${v}: expected a whole number >= 1`);
      }
      into[w] = n;
      i += 1;
    }
  }
}

const SECTION = /^(global|defaults|frontend|backend|listen|resolvers|peers|userlist|program|http-errors|ring|cache|mailers)\b\s*(\S*)/;

/**
 * Reads the check settings of `backend` (default kind's `kube-apiservers`). `defaults` sections
 * apply to the proxies after them, as in haproxy; a `listen` section of that name counts too.
 */
export function parseHaproxyBackendChecks(cfgText: string, backend = 'kube-apiservers'): HaproxyBackendChecks {
  let section = '';
  let sectionName = '';
  let defaults: { params: Params; timeoutCheck?: number; timeoutConnect?: number } = { params: {} };
  let found: { params: Params; timeoutCheck?: number; timeoutConnect?: number; httpCheck?: string; servers: { name: string; address: string; words: string[] }[] } | undefined;
  for (const raw of cfgText.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') {
      continue;
    }
    const s = SECTION.exec(line);
    if (s !== null && !raw.startsWith(' ') && !raw.startsWith('\t')) {
      section = s[1] ?? '';
      sectionName = s[2] ?? '';
      if (section === 'defaults') {
        // A new defaults section replaces the previous one for the proxies that follow.
        defaults = { params: {} };
      }
      if ((section === 'backend' || section === 'listen') && sectionName === backend) {
        found = {
          params: { ...defaults.params },
          ...(defaults.timeoutCheck === undefined ? {} : { timeoutCheck: defaults.timeoutCheck }),
          ...(defaults.timeoutConnect === undefined ? {} : { timeoutConnect: defaults.timeoutConnect }),
          servers: [],
        };
      }
      continue;
    }
    const words = line.split(/\s+/);
    const inTarget = (section === 'backend' || section === 'listen') && sectionName === backend && found !== undefined;
    const target = section === 'defaults' ? defaults : inTarget ? found : undefined;
    if (target === undefined) {
      continue;
    }
    if (words[0] === 'default-server') {
      parseParams(words.slice(1), target.params);
    } else if (words[0] === 'timeout' && words[1] === 'check' && words[2] !== undefined) {
      target.timeoutCheck = parseHaproxyTime(words[2]);
    } else if (words[0] === 'timeout' && words[1] === 'connect' && words[2] !== undefined) {
      target.timeoutConnect = parseHaproxyTime(words[2]);
    } else if (inTarget && found !== undefined && words[0] === 'option' && words[1] === 'httpchk') {
      found.httpCheck = words.slice(2).join(' ') || 'OPTIONS /';
    } else if (inTarget && found !== undefined && words[0] === 'server' && words[1] !== undefined && words[2] !== undefined) {
      found.servers.push({ name: words[1], address: words[2], words: words.slice(3) });
    }
  }
  if (found === undefined) {
    throw new HaproxyConfigError(`no backend named ${backend} in the haproxy config`);
  }
  const f = found;
  const servers = f.servers.map((sv): HaproxyServerCheck => {
    const p: Params = { ...f.params };
    parseParams(sv.words, p);
    const inter = p.inter ?? HAPROXY_CHECK_DEFAULTS.interMs;
    return {
      name: sv.name,
      address: sv.address,
      check: sv.words.includes('check'),
      interMs: inter,
      fastInterMs: p.fastinter ?? inter,
      downInterMs: p.downinter ?? inter,
      fall: p.fall ?? HAPROXY_CHECK_DEFAULTS.fall,
      rise: p.rise ?? HAPROXY_CHECK_DEFAULTS.rise,
    };
  });
  if (!servers.some((s) => s.check)) {
    throw new HaproxyConfigError(`backend ${backend} has no server with health checks ("check")`);
  }
  const maxInter = Math.max(...servers.filter((s) => s.check).map((s) => s.interMs));
  const maxCheckDurationMs = f.timeoutCheck === undefined ? maxInter : f.timeoutCheck + Math.min(f.timeoutConnect ?? maxInter, maxInter);
  return {
    backend,
    ...(f.httpCheck === undefined ? {} : { httpCheck: f.httpCheck }),
    servers,
    ...(f.timeoutCheck === undefined ? {} : { checkTimeoutMs: f.timeoutCheck }),
    ...(f.timeoutConnect === undefined ? {} : { connectTimeoutMs: f.timeoutConnect }),
    maxCheckDurationMs,
  };
}

/** The worst-case check timing across the checked servers (what the ejection bound uses). */
export interface HaproxyCheckTimings {
  readonly interMs: number;
  readonly fastInterMs: number;
  readonly fall: number;
  readonly rise: number;
  readonly maxCheckDurationMs: number;
}

/** The slowest settings across the servers that are checked. */
export function worstCaseCheckTimings(b: HaproxyBackendChecks): HaproxyCheckTimings {
  const checked = b.servers.filter((s) => s.check);
  return {
    interMs: Math.max(...checked.map((s) => s.interMs)),
    fastInterMs: Math.max(...checked.map((s) => s.fastInterMs)),
    fall: Math.max(...checked.map((s) => s.fall)),
    rise: Math.max(...checked.map((s) => s.rise)),
    maxCheckDurationMs: b.maxCheckDurationMs,
  };
}
