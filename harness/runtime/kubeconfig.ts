/**
 * Reads what a host-side HTTPS client needs from a kubeconfig: the server URL, the CA, and the
 * client credentials of the current (or a named) context.
 *
 * The credentials live in private fields of a KubeApiCredentials object, so logging, printing or
 * JSON-serialising it (in an error, a report, a vitest diff) never shows the key or the token.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

/** Thrown for a kubeconfig that lacks what the client needs; the message never contains secrets. */
export class KubeconfigError extends Error {
  override readonly name = 'KubeconfigError';
}

/** TLS material and server of one kubeconfig context; the secrets are not enumerable. */
export class KubeApiCredentials {
  readonly #ca: string;
  readonly #cert: string | undefined;
  readonly #key: string | undefined;
  readonly #token: string | undefined;

  constructor(
    /** e.g. https://127.0.0.1:40113 (kind's load balancer, published on the host). */
    readonly serverUrl: string,
    /** The context the values came from. */
    readonly contextName: string,
    secrets: { readonly ca: string; readonly cert?: string; readonly key?: string; readonly token?: string },
  ) {
    this.#ca = secrets.ca;
    this.#cert = secrets.cert;
    this.#key = secrets.key;
    this.#token = secrets.token;
  }

  /** PEM of the cluster CA. */
  get ca(): string {
    return this.#ca;
  }
  /** PEM client certificate, when the user authenticates with one. */
  get cert(): string | undefined {
    return this.#cert;
  }
  /** PEM client key, when the user authenticates with a certificate. */
  get key(): string | undefined {
    return this.#key;
  }
  /** Bearer token, when the user authenticates with one. */
  get token(): string | undefined {
    return this.#token;
  }

  /** What JSON.stringify and loggers see: no secrets. */
  toJSON(): { serverUrl: string; contextName: string; auth: string } {
    return { serverUrl: this.serverUrl, contextName: this.contextName, auth: this.#cert !== undefined ? 'client-certificate' : this.#token !== undefined ? 'token' : 'none' };
  }

  /** Node's util.inspect (console.log) hook: same as toJSON. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `KubeApiCredentials ${JSON.stringify(this.toJSON())}`;
  }
}

/** How parseKubeconfig resolves file references (`certificate-authority: ca.crt`). */
export interface KubeconfigParseOptions {
  /** Context to use instead of current-context. */
  readonly context?: string;
  /** Directory relative file paths are resolved against (the kubeconfig's own directory). */
  readonly baseDir?: string;
  /** Reads a referenced file; defaults to readFileSync(path, 'utf8'). */
  readonly readFile?: (path: string) => string;
}

interface Named<T> {
  readonly name: string;
  readonly value: T;
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function namedList(doc: Record<string, unknown>, list: string, field: string): Named<Record<string, unknown>>[] {
  const items = doc[list];
  if (!Array.isArray(items)) {
    return [];
  }
  return items.flatMap((item) => {
    const r = asRecord(item);
    const name = str(r?.['name']);
    const value = asRecord(r?.[field]);
    return name !== undefined && value !== undefined ? [{ name, value }] : [];
  });
}

/**
 * Parses kubeconfig YAML text. Embedded `*-data` fields (base64) win over file references, as
 * with kubectl. Throws KubeconfigError naming the missing piece.
 */
export function parseKubeconfig(text: string, opts: KubeconfigParseOptions = {}): KubeApiCredentials {
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (e) {
    // The YAML parser's message may quote the offending line, which could be key material.
    throw new KubeconfigError(`kubeconfig is not valid YAML (${(e as Error).name})`);
  }
  const doc = asRecord(parsed);
  if (doc === undefined) {
    throw new KubeconfigError('kubeconfig is not a YAML mapping');
  }
  const contextName = opts.context ?? str(doc['current-context']);
  if (contextName === undefined) {
    throw new KubeconfigError('kubeconfig has no current-context and none was given');
  }
  const context = namedList(doc, 'contexts', 'context').find((c) => c.name === contextName)?.value;
  if (context === undefined) {
    throw new KubeconfigError(`kubeconfig has no context named ${contextName}`);
  }
  const clusterName = str(context['cluster']);
  const userName = str(context['user']);
  const cluster = namedList(doc, 'clusters', 'cluster').find((c) => c.name === clusterName)?.value;
  if (cluster === undefined) {
    throw new KubeconfigError(`context ${contextName}: cluster ${clusterName ?? '(none)'} not found`);
  }
  const user = userName === undefined ? {} : (namedList(doc, 'users', 'user').find((u) => u.name === userName)?.value ?? undefined);
  if (user === undefined) {
    throw new KubeconfigError(`context ${contextName}: user ${userName ?? '(none)'} not found`);
  }
  const server = str(cluster['server']);
  if (server === undefined) {
    throw new KubeconfigError(`cluster ${clusterName ?? ''}: no server`);
  }
  const readFile = opts.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  const baseDir = opts.baseDir ?? process.cwd();
  const material = (where: string, obj: Record<string, unknown>, dataField: string, fileField: string): string | undefined => {
    const data = str(obj[dataField]);
    if (data !== undefined) {
      const decoded = Buffer.from(data, 'base64').toString('utf8');
      if (!decoded.includes('-----BEGIN')) {
        throw new KubeconfigError(`${where}: ${dataField} is not base64 of a PEM block`);
      }
      return decoded;
    }
    const file = str(obj[fileField]);
    return file === undefined ? undefined : readFile(isAbsolute(file) ? file : resolve(baseDir, file));
  };
  const ca = material(`cluster ${clusterName ?? ''}`, cluster, 'certificate-authority-data', 'certificate-authority');
  if (ca === undefined) {
    throw new KubeconfigError(`cluster ${clusterName ?? ''}: no certificate-authority(-data); refusing to skip TLS verification`);
  }
  const cert = material(`user ${userName ?? ''}`, user, 'client-certificate-data', 'client-certificate');
  const key = material(`user ${userName ?? ''}`, user, 'client-key-data', 'client-key');
  if ((cert === undefined) !== (key === undefined)) {
    throw new KubeconfigError(`user ${userName ?? ''}: a client certificate needs both the certificate and the key`);
  }
  const token = str(user['token']);
  return new KubeApiCredentials(server, contextName, {
    ca,
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    ...(token === undefined ? {} : { token }),
  });
}

/** Reads and parses a kubeconfig file; relative paths inside it resolve against its directory. */
export function loadKubeconfig(path: string, context?: string): KubeApiCredentials {
  return parseKubeconfig(readFileSync(path, 'utf8'), { baseDir: dirname(path), ...(context === undefined ? {} : { context }) });
}
