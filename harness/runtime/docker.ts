/**
 * Thin, intent-named wrappers over the docker CLI. Each flag is explained once, here.
 */
import { runCommand, commandSucceeds, type CommandResult } from './command.js';

const SHORT = 30_000;

export function docker(
  args: readonly string[],
  opts: { timeoutMs: number; stdin?: string | Buffer; okExitCodes?: readonly number[]; env?: Readonly<Record<string, string>> },
): Promise<CommandResult> {
  return runCommand(['docker', ...args], opts);
}

/** The value of one label on a local image, or undefined when the image does not exist. */
export async function imageLabel(ref: string, label: string): Promise<string | undefined> {
  try {
    const r = await docker(['image', 'inspect', '--format', `{{ index .Config.Labels "${label}" }}`, ref], { timeoutMs: SHORT });
    const v = r.stdout.trim();
    return v === '' || v === '<no value>' ? undefined : v;
  } catch {
    return undefined;
  }
}

export function imageExists(ref: string): Promise<boolean> {
  return commandSucceeds(['docker', 'image', 'inspect', '--format', '{{.Id}}', ref], { timeoutMs: SHORT });
}

/** Size in bytes of a local image (uncompressed, as `docker images` reports). */
export async function imageSizeBytes(ref: string): Promise<number> {
  const r = await docker(['image', 'inspect', '--format', '{{.Size}}', ref], { timeoutMs: SHORT });
  return Number(r.stdout.trim());
}

/**
 * `docker import` a rootfs tarball as an image; `changes` are Dockerfile instructions
 * (ENTRYPOINT, ENV, LABEL, ...) applied to the image config.
 */
export async function importRootfs(tarPath: string, ref: string, changes: readonly string[]): Promise<void> {
  await docker(['import', ...changes.flatMap((c) => ['--change', c]), tarPath, ref], { timeoutMs: 20 * 60_000 });
}

/** Names of containers carrying a label (kind labels its node containers with the cluster name). */
export async function containersWithLabel(label: string, opts: { all: boolean }): Promise<string[]> {
  const r = await docker(['ps', ...(opts.all ? ['-a'] : []), '--filter', `label=${label}`, '--format', '{{.Names}}'], { timeoutMs: SHORT });
  return r.stdout.split('\n').map((s) => s.trim()).filter(Boolean).sort();
}

export interface ContainerState {
  readonly name: string;
  readonly id: string;
  readonly status: string; // running | paused | exited | created | restarting | dead
  readonly pid: number;
  readonly startedAt: string;
  readonly restartCount: number;
  readonly ipv4: string;
}

export async function inspectContainer(name: string): Promise<ContainerState> {
  const r = await docker(
    ['inspect', '--format', '{{.Name}}|{{.Id}}|{{.State.Status}}|{{.State.Pid}}|{{.State.StartedAt}}|{{.RestartCount}}|{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}', name],
    { timeoutMs: SHORT },
  );
  const [n, id, status, pid, startedAt, restarts, ips] = r.stdout.trim().split('|');
  return {
    name: (n ?? '').replace(/^\//, ''),
    id: id ?? '',
    status: status ?? '',
    pid: Number(pid),
    startedAt: startedAt ?? '',
    restartCount: Number(restarts),
    ipv4: (ips ?? '').trim().split(' ')[0] ?? '',
  };
}

/** Run argv inside a running container. A non-zero exit throws (unlike testcontainers' exec). */
export function execInContainer(
  container: string,
  argv: readonly string[],
  opts: { timeoutMs: number; stdin?: string | Buffer; okExitCodes?: readonly number[]; detach?: boolean },
): Promise<CommandResult> {
  return docker(['exec', ...(opts.stdin !== undefined ? ['-i'] : []), ...(opts.detach ? ['-d'] : []), container, ...argv], opts);
}
