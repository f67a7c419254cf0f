/**
 * kubectl, always with an explicit kubeconfig and a server-side request timeout (kubectl's default
 * is to wait forever), and a process timeout on top.
 */
import { runCommand, type CommandResult } from './command.js';

export interface KubectlContext {
  readonly kubectlBinary: string;
  readonly kubeconfig: string;
  /** A context of the kubeconfig; its current-context when absent. */
  readonly context?: string;
}

export function kubectl(
  ctx: KubectlContext,
  args: readonly string[],
  opts: { timeoutMs: number; stdin?: string | Buffer; okExitCodes?: readonly number[] },
): Promise<CommandResult> {
  const requestTimeoutS = Math.max(1, Math.floor(opts.timeoutMs / 1000) - 1);
  const context = ctx.context === undefined ? [] : ['--context', ctx.context];
  return runCommand([ctx.kubectlBinary, '--kubeconfig', ctx.kubeconfig, ...context, `--request-timeout=${requestTimeoutS}s`, ...args], opts);
}

export async function kubectlJson<T>(ctx: KubectlContext, args: readonly string[], timeoutMs: number): Promise<T> {
  const r = await kubectl(ctx, [...args, '-o', 'json'], { timeoutMs });
  return JSON.parse(r.stdout) as T;
}
