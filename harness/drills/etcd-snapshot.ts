/**
 * Snapshots with the real tools: `etcdctl snapshot save` against one member (it streams the
 * member's backend over the maintenance API and appends a SHA-256, which etcdctl checks before it
 * renames the file into place), `etcdutl snapshot status` for its revision, hash, key count and
 * size, and, to prove what is in it without touching the cluster, a restore of the file into a
 * private directory served by a throwaway etcd on loopback, whose probe keys are then read.
 *
 * A snapshot holds every Secret of the cluster: it lives only in a 0700 directory of 0600 files
 * (secrets.ts) and is removed with it; reports name its revision and hash, never its path or contents.
 */
import { chmodSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { EtcdAccess } from '../cluster/etcd-access.js';
import type { SecretDir } from '../cluster/secrets.js';
import type { ReadSnapshot } from '../probes/history.js';
import { etcdctlAttempt } from '../runtime/etcdctl.js';
import { etcdToolsBeside, etcdutl, startLoopbackEtcd } from '../runtime/etcdutl.js';
import { runCommand } from '../runtime/command.js';
import { parseSnapshotStatus, restoreCommands, type SnapshotStatus } from './restore-plan.js';

export interface TakenSnapshot extends SnapshotStatus {
  readonly file: string;
  /** Member the snapshot was streamed from. */
  readonly member: string;
}

export async function saveSnapshot(etcdctlBinary: string, access: EtcdAccess, member: string, dir: SecretDir, timeoutMs = 60_000): Promise<TakenSnapshot> {
  const endpoint = access.endpoints.get(member);
  if (endpoint === undefined) {
    throw new Error(`no etcd endpoint for member ${member}`);
  }
  const file = dir.path(`snapshot-${Date.now()}.db`);
  const r = await etcdctlAttempt({ etcdctlBinary, ...access.tls }, [endpoint], ['snapshot', 'save', file], timeoutMs);
  if (!r.ok) {
    throw new Error(`etcdctl snapshot save from ${member} failed (exit ${r.exitCode}): ${r.stderr.slice(-300)}`);
  }
  chmodSync(file, 0o600);
  const status = await snapshotStatus(etcdctlBinary, file);
  return { ...status, file, member, totalSizeBytes: statSync(file).size };
}

export async function snapshotStatus(etcdctlBinary: string, file: string): Promise<SnapshotStatus> {
  const r = await etcdutl(etcdToolsBeside(etcdctlBinary).etcdutl, ['snapshot', 'status', file, '-w', 'json'], 30_000);
  return parseSnapshotStatus(r.stdout.trim());
}

/**
 * Reads `prefix` as the snapshot holds it: restore into `dir`, start etcd on loopback, one
 * linearizable range read with etcdctl (JSON, base64 keys and values), stop. Recorded by the caller
 * as a ReadSnapshot of the write probe (target 'snapshot-file'), so the durability check judges the
 * writes acknowledged before the snapshot against what the file really contains.
 */
export async function readSnapshotPrefix(etcdctlBinary: string, snapshotFile: string, dir: SecretDir, prefix: string, ports: { readonly client: number; readonly peer: number }): Promise<Pick<ReadSnapshot, 'revision' | 'entries'>> {
  const tools = etcdToolsBeside(etcdctlBinary);
  const name = 'snapshot-reader';
  const peerUrl = `http://127.0.0.1:${ports.peer}`;
  const dataDir = join(dir.dir, `read-${Date.now()}`);
  const [cmd] = restoreCommands({ snapshotFile, members: [{ name, peerUrl }], clusterToken: `snapshot-reader-${process.pid}`, bumpRevision: 0, dataDirOf: () => dataDir });
  if (cmd === undefined) {
    throw new Error('no restore command');
  }
  await etcdutl(tools.etcdutl, cmd.args, 60_000);
  const etcd = await startLoopbackEtcd(tools.etcd, { dataDir, name, clientPort: ports.client, peerPort: ports.peer, timeoutMs: 30_000 });
  try {
    const r = await runCommand([etcdctlBinary, `--endpoints=${etcd.clientUrl}`, '--command-timeout=20s', '-w', 'json', 'get', '--prefix', prefix], { timeoutMs: 30_000, env: { ETCDCTL_API: '3' }, maxBufferBytes: 64 * 1024 * 1024 });
    const parsed = JSON.parse(r.stdout) as { header: { revision: number | string }; kvs?: { key: string; value?: string; mod_revision?: number | string }[] };
    const b64 = (s: string | undefined): string => Buffer.from(s ?? '', 'base64').toString('utf8');
    return {
      revision: Number(parsed.header.revision),
      entries: (parsed.kvs ?? []).map((kv) => ({ key: b64(kv.key), value: b64(kv.value), ...(kv.mod_revision === undefined ? {} : { modRevision: Number(kv.mod_revision) }) })),
    };
  } finally {
    await etcd.stop();
  }
}
