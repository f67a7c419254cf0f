/**
 * Keeps secrets out of reports. Everything a renderer prints that came from outside (error texts,
 * fault summaries, notes, flags) goes through `redact` first: probes fetch etcd client keys and the
 * LB kubeconfig, and an error message or a command line can carry either.
 *
 * It errs on the side of removing too much: a redacted harmless string costs a reader a moment; a
 * leaked client key costs a cluster.
 */

const MARK = '[redacted]';

/** Keys whose values are credentials in kubeconfigs, etcd/kubectl flags and HTTP headers. */
const SECRET_KEYS = [
  'client-key-data',
  'client-certificate-data',
  'certificate-authority-data',
  'token',
  'id-token',
  'refresh-token',
  'access-token',
  'password',
  'client-secret',
  'bearer-token',
];

const KEYS = SECRET_KEYS.map((k) => k.replace(/-/g, '[-_]?')).join('|');
// `key: value`, `key=value`, `"key": "value"`, `--key=value`; the key must not be part of a longer
// word (so `tokens: 3` and `max-token-age` stay readable).
const KEY_VALUE = new RegExp(`(?<![\\w-])(--?)?(${KEYS})("?\\s*[:=]\\s*"?)(?!\\[redacted)([^\\s"',;}\\])<>]+)`, 'gi');
// `--key value` on a command line (only with the dashes: in prose "token" is just a word).
const FLAG_SPACE = new RegExp(`(?<![\\w-])(--?(?:${KEYS}))(\\s+)(?!\\[redacted)(?!-)(\\S+)`, 'gi');
const PEM = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
// A PEM block cut off by truncated output still carries key material.
const PEM_UNTERMINATED = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*$/;
// base64 of "-----BEGIN" (how kubeconfigs embed keys and certificates), and whatever base64 follows.
const PEM_BASE64 = /LS0tLS1CRUdJT[A-Za-z0-9+/=]*/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
// JWTs (service-account tokens): three base64url segments, the first a JSON header ("eyJ").
const JWT = /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g;

/** Removes PEM blocks, base64-encoded PEM, kubeconfig credentials, bearer tokens and JWTs. */
export function redact(text: string): string {
  return text
    .replace(PEM, (_m, label: string) => `[redacted ${label.trim()}]`)
    .replace(PEM_UNTERMINATED, (_m, label: string) => `[redacted ${label.trim()}]`)
    .replace(PEM_BASE64, '[redacted base64 PEM]')
    .replace(BEARER, (_m, scheme: string) => `${scheme} ${MARK}`)
    .replace(JWT, '[redacted JWT]')
    .replace(KEY_VALUE, (_m, dashes: string | undefined, key: string, sep: string) => `${dashes ?? ''}${key}${sep}${MARK}`)
    .replace(FLAG_SPACE, (_m, flag: string, sep: string) => `${flag}${sep}${MARK}`);
}

function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/_/g, '-');
  return SECRET_KEYS.some((s) => k === s || k.endsWith(`-${s}`) || k === s.replace(/-/g, ''));
}

/**
 * Redacts every string in a JSON-like value, and blanks the whole value of any key that names a
 * credential (so a kubeconfig object passed whole cannot leak). Returns a new value.
 */
export function redactDeep(value: unknown): unknown {
  if (typeof value === 'string') {
    return redact(value);
  }
  if (Array.isArray(value)) {
    return value.map(redactDeep);
  }
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = isSecretKey(k) && v !== null && v !== undefined && v !== '' ? MARK : redactDeep(v);
    }
    return out;
  }
  return value;
}
