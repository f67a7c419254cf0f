/**
 * The nightly workflow a user copies must be valid before it reaches their CI: actionlint (built from
 * the Go module proxy, pinned in scripts/go/actionlint) checks its syntax, expressions, action inputs
 * and job graph. A broken copy of it must fail the same linter, or this test proves nothing.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { config } from '../harness/config.js';
import { runCommand } from '../harness/runtime/command.js';
import { useTempDirs } from '../harness/testing/temp-dirs.js';

const root = join(import.meta.dirname, '..');
const moduleDir = join(root, 'scripts', 'go', 'actionlint');
const workflow = join(root, '.github', 'workflows', 'nightly.yml');
const tempDir = useTempDirs();
let actionlint = '';

/** Built once per go.sum (content-keyed, like every other binary of the project). */
async function buildActionlint(): Promise<string> {
  const key = createHash('sha256').update(readFileSync(join(moduleDir, 'go.sum'))).digest('hex').slice(0, 12);
  const bin = join(config.cacheDir, 'tools', `actionlint-${key}`);
  if (!existsSync(bin)) {
    mkdirSync(join(config.cacheDir, 'tools'), { recursive: true });
    await runCommand(['go', 'build', '-trimpath', '-o', bin, 'github.com/rhysd/actionlint/cmd/actionlint'], { timeoutMs: 600_000, cwd: moduleDir });
  }
  return bin;
}

async function lint(file: string): Promise<{ exitCode: number; output: string }> {
  const r = await runCommand([actionlint, '-no-color', file], { timeoutMs: 60_000, okExitCodes: [0, 1], cwd: root });
  return { exitCode: r.exitCode, output: r.stdout + r.stderr };
}

describe('the nightly workflow', () => {
  beforeAll(async () => {
    actionlint = await buildActionlint();
  }, 600_000);

  it('passes actionlint', async () => {
    const r = await lint(workflow);
    expect(r.output).toBe('');
    expect(r.exitCode).toBe(0);
  });

  it('runs the nightly set, keeps the report history and publishes JUnit', () => {
    const text = readFileSync(workflow, 'utf8');
    expect(text).toMatch(/schedule:\n\s+- cron:/);
    expect(text).toMatch(/workflow_dispatch:/);
    expect(text).toContain('npm run nightly');
    expect(text).toMatch(/actions\/cache\/restore@v4[\s\S]*path: reports/);
    expect(text).toMatch(/actions\/upload-artifact@v4[\s\S]*path: reports\//);
    expect(text).toContain('reports/*/*/junit.xml');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['nightly']).toBe('tsx scripts/nightly.ts');
  });

  it('a broken copy fails the same linter (negative control)', async () => {
    const broken = readFileSync(workflow, 'utf8').replace('runs-on: ubuntu-24.04', 'runs-on: ubuntu-24.04\n    timeout-minutes: "${{ inputs.nope }}"').replace('${{ inputs.topology', '${{ input.topology');
    const file = join(tempDir('nightly-'), 'nightly.yml');
    writeFileSync(file, broken);
    const r = await lint(file);
    expect(r.exitCode).toBe(1);
    expect(r.output).toMatch(/input/);
  });
});
