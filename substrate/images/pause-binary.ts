/**
 * The pod sandbox's pause binary: upstream's build/pause/linux/pause.c, which ships inside the
 * k8s.io/kubernetes module zip, compiled statically with the host's gcc (as upstream's Makefile does).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../../harness/runtime/command.js';
import { cachePath } from '../paths.js';
import type { Progress } from '../progress.js';
import { versions } from '../versions.js';
import { contentKey } from './content-key.js';

async function pauseSource(): Promise<string> {
  const v = versions();
  // `go mod download` is cached by Go itself; it prints where the module zip was unpacked.
  const r = await runCommand(['go', 'mod', 'download', '-json', `k8s.io/kubernetes@${v.kubernetes}`], {
    timeoutMs: 20 * 60_000,
  });
  const dir = (JSON.parse(r.stdout) as { Dir: string }).Dir;
  return join(dir, 'build/pause/linux/pause.c');
}

export async function buildPauseBinary(progress: Progress): Promise<string> {
  const v = versions();
  const src = await pauseSource();
  const gcc = (await runCommand(['gcc', '-dumpfullversion'], { timeoutMs: 10_000 })).stdout.trim();
  const key = contentKey(['pause', v.pause, gcc, { file: src, root: join(src, '../../../..') }]);
  const dir = cachePath('bin', `pause-${key}`);
  const out = join(dir, 'pause');
  if (existsSync(join(dir, '.complete'))) {
    progress.detail(`pause: cached (${key})`);
    return out;
  }
  mkdirSync(dir, { recursive: true });
  await runCommand(['gcc', '-Os', '-Wall', '-Werror', '-static', `-DVERSION=v${v.pause}`, '-o', out, src], { timeoutMs: 120_000 });
  await runCommand(['strip', out], { timeoutMs: 30_000 });
  writeFileSync(join(dir, '.complete'), `${key}\n`);
  progress.detail('built pause');
  return out;
}
