import { writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentKey } from './content-key.js';
import { useTempDirs } from '../../harness/testing/temp-dirs.js';

const tempDir = useTempDirs();


describe('contentKey', () => {
  it('changes when a file byte, a file mode or a string input changes, and only then', () => {
    const root = tempDir('key-');
    mkdirSync(join(root, 'd/sub'), { recursive: true });
    writeFileSync(join(root, 'd/a.txt'), 'one');
    writeFileSync(join(root, 'd/sub/b.sh'), 'echo hi');
    const k1 = contentKey(['v1.34.10', { dir: join(root, 'd'), root }]);
    expect(contentKey(['v1.34.10', { dir: join(root, 'd'), root }])).toBe(k1);
    expect(contentKey(['v1.34.11', { dir: join(root, 'd'), root }])).not.toBe(k1);
    chmodSync(join(root, 'd/sub/b.sh'), 0o755);
    const k2 = contentKey(['v1.34.10', { dir: join(root, 'd'), root }]);
    expect(k2).not.toBe(k1);
    writeFileSync(join(root, 'd/a.txt'), 'two');
    expect(contentKey(['v1.34.10', { dir: join(root, 'd'), root }])).not.toBe(k2);
    expect(k1).toMatch(/^[0-9a-f]{16}$/);
  });
});
