/**
 * kubectl, always with an explicit kubeconfig and a server-side request timeout (kubectl's default
 * is to wait forever), and a process timeout on top.
 */
import { runCommand, type CommandResult } from './command.js';

export interface KubectlContext {
  readonly kubectlBinary: string;
  readonly kubeconfig: string;
}

export function kubectl(
  ctx: KubectlContext,
  args: readonly string[],
  opts: { timeoutMs: number; stdin?: string; okExitCodes?: readonly number[] },
): Promise<CommandResult> {
  const requestTimeoutS = Math.max(1, Math.floor(opts.timeoutMs / 1000) - 1);
  return runCommand([ctx.kubectlBinary, '--kubeconfig', ctx.kubeconfig, `--request-timeout=${requestTimeoutS}s`, ...args], opts);
}

export async function kubectlJson<T>(ctx: KubectlContext, args: readonly string[], timeoutMs: number): Promise<T> {
  const r = await kubectl(ctx, [...args, '-o', 'json'], { timeoutMs });
  return JSON.parse(r.stdout) as T;
}
