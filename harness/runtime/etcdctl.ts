/**
 * etcdctl (the project's own build, same version as the cluster's etcd) from the host, with TLS
 * material from a private temp dir and a per-call deadline (--command-timeout) under a process
 * timeout. Used for status and membership; the probes use their own client.
 */
import { runCommand } from './command.js';

export interface EtcdctlContext {
  readonly etcdctlBinary: string;
  readonly cacert: string;
  readonly cert: string;
  readonly key: string;
}

export async function etcdctlJson<T>(ctx: EtcdctlContext, endpoints: readonly string[], args: readonly string[], timeoutMs: number): Promise<T> {
  const r = await runCommand(etcdctlArgv(ctx, endpoints, ['-w', 'json', ...args], timeoutMs), { timeoutMs, env: { ETCDCTL_API: '3' } });
  return JSON.parse(quoteLargeIntegers(r.stdout)) as T;
}

/**
 * etcdctl prints 64-bit member ids as bare JSON numbers, which lose precision as JS numbers. Turn
 * every integer of 16+ digits into the string "dec:<digits>" before parsing (see memberIdHex).
 */
export function quoteLargeIntegers(json: string): string {
  return json.replace(/([:\[,]\s*)(\d{16,})(?=\s*[,}\]])/g, '$1"dec:$2"');
}

/** Normalise a member id to etcd's usual lowercase hex: "dec:<digits>" (see above) or hex already. */
export function memberIdHex(id: string | number): string {
  if (typeof id === 'number') {
    if (!Number.isSafeInteger(id)) {
      throw new Error(`member id ${id} lost precision: parse etcdctl output with quoteLargeIntegers`);
    }
    return id.toString(16);
  }
  return id.startsWith('dec:') ? BigInt(id.slice(4)).toString(16) : id.toLowerCase();
}

export interface EtcdMember {
  readonly ID: string | number;
  readonly name: string;
  readonly peerURLs: readonly string[];
  readonly clientURLs?: readonly string[];
  readonly isLearner?: boolean;
}

export interface EtcdEndpointStatus {
  readonly Endpoint: string;
  readonly Status: {
    readonly header: { readonly member_id: string | number; readonly revision: number; readonly raft_term: number };
    readonly leader: string | number;
    readonly raftIndex: number;
    readonly raftTerm: number;
    readonly isLearner?: boolean;
    readonly version: string;
  };
}

/**
 * etcdctl for the commands whose answer a drill must see even when etcd says no (member add,
 * remove, promote, snapshot save): the result, exit code and output, never a throw on a refusal
 * (exit 1); a deadline still throws. Endpoints are given per call.
 */
export async function etcdctlAttempt(ctx: EtcdctlContext, endpoints: readonly string[], args: readonly string[], timeoutMs: number): Promise<{ readonly ok: boolean; readonly stdout: string; readonly stderr: string; readonly exitCode: number }> {
  const r = await runCommand(etcdctlArgv(ctx, endpoints, args, timeoutMs), { timeoutMs, env: { ETCDCTL_API: '3' }, okExitCodes: [0, 1] });
  return { ok: r.exitCode === 0, stdout: r.stdout, stderr: r.stderr.trim(), exitCode: r.exitCode };
}

/** The etcdctl command line: TLS material, endpoints and deadlines inside the process timeout. */
function etcdctlArgv(ctx: EtcdctlContext, endpoints: readonly string[], args: readonly string[], timeoutMs: number): string[] {
  return [
    ctx.etcdctlBinary,
    `--endpoints=${endpoints.join(',')}`,
    `--cacert=${ctx.cacert}`,
    `--cert=${ctx.cert}`,
    `--key=${ctx.key}`,
    `--dial-timeout=${Math.max(1, Math.floor(timeoutMs / 3000))}s`,
    `--command-timeout=${Math.max(1, Math.floor(timeoutMs / 1000) - 1)}s`,
    ...args,
  ];
}
