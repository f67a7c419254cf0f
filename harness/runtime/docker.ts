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

export interface LabeledContainer {
  readonly name: string;
  readonly state: string; // running | paused | exited | created | restarting | dead
  readonly role: string; // kind role label: control-plane | worker | external-load-balancer
}

/** All containers (any state) of a kind cluster, by kind's cluster label. */
export async function kindContainers(cluster: string): Promise<LabeledContainer[]> {
  return labelledContainers([`io.x-k8s.kind.cluster=${cluster}`], 'io.x-k8s.kind.role');
}

/** All containers (any state) carrying every `label=value` of `labels`, with the value of `roleLabel`. */
export async function labelledContainers(labels: readonly string[], roleLabel: string): Promise<LabeledContainer[]> {
  const r = await docker(
    ['ps', '-a', ...labels.flatMap((l) => ['--filter', `label=${l}`]), '--format', `{{.Names}}\t{{.State}}\t{{.Label "${roleLabel}"}}`],
    { timeoutMs: SHORT },
  );
  return r.stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const [name, state, role] = l.split('\t');
      return { name: name ?? '', state: state ?? '', role: role ?? '' };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The container's command line as Docker runs it (entrypoint + cmd) and its environment. */
export async function containerCommand(name: string): Promise<{ argv: string[]; env: Record<string, string> }> {
  const r = await docker(['inspect', '--type', 'container', '--format', '{{json .Config.Entrypoint}}\n{{json .Config.Cmd}}\n{{json .Config.Env}}', name], { timeoutMs: SHORT });
  // JSON never holds a raw newline, so one per field separates them.
  const [ep, cmd, envText] = r.stdout.trim().split('\n');
  const list = (t: string | undefined): string[] => (t === undefined || t === 'null' ? [] : (JSON.parse(t) as string[]));
  const env: Record<string, string> = {};
  for (const kv of list(envText)) {
    const i = kv.indexOf('=');
    if (i > 0) {
      env[kv.slice(0, i)] = kv.slice(i + 1);
    }
  }
  return { argv: [...list(ep), ...list(cmd)], env };
}

/** Anonymous volumes still attached to (or left by) containers of a cluster, by name filter. */
export async function danglingVolumes(): Promise<string[]> {
  const r = await docker(['volume', 'ls', '-q', '--filter', 'dangling=true'], { timeoutMs: SHORT });
  return r.stdout.split('\n').map((s) => s.trim()).filter(Boolean);
}

export async function networkExists(name: string): Promise<boolean> {
  return commandSucceeds(['docker', 'network', 'inspect', name], { timeoutMs: SHORT });
}

/** Containers attached to a network (empty when none, or when it does not exist). */
export async function networkContainers(name: string): Promise<string[]> {
  try {
    const r = await docker(['network', 'inspect', '--format', '{{range .Containers}}{{.Name}} {{end}}', name], { timeoutMs: SHORT });
    return r.stdout.trim().split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
}

export async function dockerRootDir(): Promise<string> {
  const r = await docker(['info', '--format', '{{.DockerRootDir}}'], { timeoutMs: SHORT });
  return r.stdout.trim();
}

/** The host address a container port is published on ("127.0.0.1:41234"), as `docker port` says. */
export async function publishedAddress(container: string, port: string): Promise<string> {
  const r = await docker(['port', container, port], { timeoutMs: SHORT });
  return r.stdout.split('\n')[0]?.trim() ?? '';
}

/** The value of one label on a container, or undefined when it has none (or does not exist). */
export async function containerLabel(name: string, label: string): Promise<string | undefined> {
  try {
    const r = await docker(['inspect', '--type', 'container', '--format', `{{ index .Config.Labels "${label}" }}`, name], { timeoutMs: SHORT });
    const v = r.stdout.trim();
    return v === '' || v === '<no value>' ? undefined : v;
  } catch {
    return undefined;
  }
}
