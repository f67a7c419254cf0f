/**
 * Make a Docker engine answer on this machine, the way kind needs it.
 *
 * When none answers and this is Debian as root: install Debian's docker.io, start dockerd, wait.
 * On a kernel whose bounding set lacks CAP_SYS_RESOURCE, register runtime-shim (substrate/go/
 * runtime-shim) as the default runtime so `--privileged` containers and `docker exec` into them work;
 * hosts that have the capability are left untouched. Raise inotify limits as kind recommends.
 * Idempotent: a second run changes nothing and says so.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { commandSucceeds, runCommand } from '../../harness/runtime/command.js';
import { startDetached } from '../../harness/runtime/daemon.js';
import { hostLacksSysResource, isDebian, isRoot, readSysctl } from '../../harness/runtime/host.js';
import { type Progress, UserFacingError } from '../progress.js';
import { repoRoot } from '../paths.js';

export const SHIM_RUNTIME_NAME = 'kube-ha-chaos-runc';
const SHIM_DIR = '/usr/local/libexec/kube-ha-chaos';
const SHIM_PATH = join(SHIM_DIR, 'runtime-shim');
const DAEMON_JSON = '/etc/docker/daemon.json';
const DOCKERD_LOG = '/var/log/kube-ha-chaos-dockerd.log';

/** kind's known-issues page: multi-node clusters exhaust the default inotify instances. */
const INOTIFY_MINIMUMS: Readonly<Record<string, number>> = {
  'fs.inotify.max_user_instances': 512,
  'fs.inotify.max_user_watches': 524_288,
};

export interface EngineReport {
  readonly changes: readonly string[];
}

export async function dockerAnswers(timeoutMs = 10_000): Promise<boolean> {
  return commandSucceeds(['docker', 'info', '--format', '{{.ServerVersion}}'], { timeoutMs });
}

async function defaultRuntime(): Promise<string> {
  const r = await runCommand(['docker', 'info', '--format', '{{.DefaultRuntime}}'], { timeoutMs: 10_000 });
  return r.stdout.trim();
}

function shimSourceHash(): string {
  const dir = join(repoRoot(), 'substrate/go/runtime-shim');
  const h = createHash('sha256');
  for (const f of readdirSync(dir).sort()) {
    h.update(f).update(readFileSync(join(dir, f)));
  }
  return h.digest('hex');
}

/** Build the shim only when its source changed (a sidecar file holds the source hash). */
async function installShim(progress: Progress, changes: string[]): Promise<void> {
  const want = shimSourceHash();
  const stamp = `${SHIM_PATH}.source-sha256`;
  if (existsSync(SHIM_PATH) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === want) {
    return;
  }
  progress.step('building runtime-shim (drops CAP_SYS_RESOURCE before runc)');
  mkdirSync(SHIM_DIR, { recursive: true });
  await runCommand(['go', 'build', '-trimpath', '-o', SHIM_PATH, '.'], {
    cwd: join(repoRoot(), 'substrate/go/runtime-shim'),
    env: { CGO_ENABLED: '0' },
    timeoutMs: 5 * 60_000,
  });
  chmodSync(SHIM_PATH, 0o755);
  writeFileSync(stamp, `${want}\n`);
  changes.push(`installed ${SHIM_PATH}`);
}

/** Merge our runtime into daemon.json; returns true when the file changed. */
function registerShimRuntime(changes: string[]): boolean {
  let config: Record<string, unknown> = {};
  if (existsSync(DAEMON_JSON)) {
    try {
      config = JSON.parse(readFileSync(DAEMON_JSON, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new UserFacingError(`${DAEMON_JSON} is not valid JSON (${(e as Error).message}): fix or remove it, then re-run`);
    }
  }
  const runtimes = (config['runtimes'] ?? {}) as Record<string, { path: string }>;
  if (runtimes[SHIM_RUNTIME_NAME]?.path === SHIM_PATH && config['default-runtime'] === SHIM_RUNTIME_NAME) {
    return false;
  }
  runtimes[SHIM_RUNTIME_NAME] = { path: SHIM_PATH };
  config['runtimes'] = runtimes;
  config['default-runtime'] = SHIM_RUNTIME_NAME;
  mkdirSync('/etc/docker', { recursive: true });
  writeFileSync(DAEMON_JSON, `${JSON.stringify(config, null, 2)}\n`);
  changes.push(`registered ${SHIM_RUNTIME_NAME} as the default runtime in ${DAEMON_JSON}`);
  return true;
}

async function raiseInotifyLimits(changes: string[]): Promise<void> {
  for (const [name, minimum] of Object.entries(INOTIFY_MINIMUMS)) {
    if (readSysctl(name) < minimum) {
      await runCommand(['sysctl', '-w', `${name}=${minimum}`], { timeoutMs: 10_000 });
      changes.push(`raised ${name} to ${minimum}`);
    }
  }
}

async function installDockerPackage(progress: Progress, changes: string[]): Promise<void> {
  if (existsSync('/usr/sbin/dockerd')) {
    return;
  }
  if (!isRoot() || !isDebian()) {
    throw new UserFacingError(
      'No Docker engine answers and this is not Debian as root: start a Docker engine (dockerd) yourself, then re-run',
    );
  }
  await progress.timed("installing Debian's docker.io", async () => {
    await runCommand(['apt-get', 'update', '-qq'], { timeoutMs: 5 * 60_000 });
    await runCommand(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'docker.io', 'runc', 'containerd', 'iptables'], {
      timeoutMs: 10 * 60_000,
      env: { DEBIAN_FRONTEND: 'noninteractive' },
    });
  });
  changes.push("installed Debian's docker.io");
}

async function waitForEngine(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await dockerAnswers(5_000)) {
      return;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new UserFacingError(`dockerd did not answer within ${timeoutMs / 1000} s: see ${DOCKERD_LOG}`);
}

/** Ensure an engine answers; returns what changed (empty when nothing did). */
export async function ensureDockerEngine(progress: Progress): Promise<EngineReport> {
  const changes: string[] = [];
  const needsShim = hostLacksSysResource();
  if (isRoot()) {
    await raiseInotifyLimits(changes);
  }
  if (await dockerAnswers()) {
    if (needsShim && (await defaultRuntime()) !== SHIM_RUNTIME_NAME) {
      throw new UserFacingError(
        `Docker runs, but this kernel lacks CAP_SYS_RESOURCE and its default runtime is not ${SHIM_RUNTIME_NAME}: stop dockerd and run \`npm run engine\` to restart it with the shim`,
      );
    }
    return { changes };
  }
  await installDockerPackage(progress, changes);
  if (!isRoot()) {
    throw new UserFacingError('No Docker engine answers and starting one needs root: run `sudo npm run engine`');
  }
  if (needsShim) {
    await installShim(progress, changes);
    registerShimRuntime(changes);
  }
  progress.step(`starting dockerd (log: ${DOCKERD_LOG})`);
  startDetached(['dockerd'], DOCKERD_LOG);
  await waitForEngine(90_000);
  changes.push('started dockerd');
  return { changes };
}
