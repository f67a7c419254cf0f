/**
 * etcdutl (offline snapshot tools, the project's own build beside etcdctl) and a throwaway etcd on
 * loopback that serves a restored snapshot so its contents can be read without touching the
 * cluster. Both run on the host through runCommand, with deadlines.
 */
import { dirname, join } from 'node:path';
import { runCommand, type CommandResult } from './command.js';

/** The etcd binaries the cluster's etcdctl was built with (one directory, one version). */
export function etcdToolsBeside(etcdctlBinary: string): { readonly etcdutl: string; readonly etcd: string } {
  const dir = dirname(etcdctlBinary);
  return { etcdutl: join(dir, 'etcdutl'), etcd: join(dir, 'etcd') };
}

export function etcdutl(binary: string, args: readonly string[], timeoutMs: number): Promise<CommandResult> {
  return runCommand([binary, ...args], { timeoutMs });
}

export interface LoopbackEtcd {
  readonly clientUrl: string;
  /** Stops the etcd (SIGTERM through the abort signal) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts `etcd` on a restored data directory, listening on 127.0.0.1 only, plain HTTP (nothing
 * leaves the host; the data is a copy). Resolves once /health answers, or throws with its output.
 */
export async function startLoopbackEtcd(etcdBinary: string, opts: { readonly dataDir: string; readonly name: string; readonly clientPort: number; readonly peerPort: number; readonly timeoutMs: number }): Promise<LoopbackEtcd> {
  const clientUrl = `http://127.0.0.1:${opts.clientPort}`;
  const peerUrl = `http://127.0.0.1:${opts.peerPort}`;
  const abort = new AbortController();
  const running = runCommand(
    [
      etcdBinary,
      `--name=${opts.name}`,
      `--data-dir=${opts.dataDir}`,
      `--listen-client-urls=${clientUrl}`,
      `--advertise-client-urls=${clientUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=${opts.name}=${peerUrl}`,
      '--log-level=warn',
    ],
    { timeoutMs: opts.timeoutMs + 60_000, signal: abort.signal, okExitCodes: [0, 1, 2, 143, -1] },
  ).catch((e: unknown) => e);
  const deadline = performance.now() + opts.timeoutMs;
  let exited: unknown;
  void running.then((r) => {
    exited = r;
  });
  while (performance.now() < deadline) {
    if (exited !== undefined) {
      const out = typeof exited === 'object' && exited !== null && 'stderr' in exited ? String((exited as { stderr: unknown }).stderr).slice(-400) : String(exited);
      throw new Error(`the loopback etcd on ${opts.dataDir} exited before serving: ${out}`);
    }
    try {
      const res = await fetch(`${clientUrl}/health`, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) {
        return {
          clientUrl,
          stop: async () => {
            abort.abort();
            await running;
          },
        };
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  abort.abort();
  await running;
  throw new Error(`the loopback etcd on ${opts.dataDir} did not answer /health within ${opts.timeoutMs} ms`);
}
