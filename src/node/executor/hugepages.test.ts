// The huge page pool is changed by several processes at once (test files in parallel workers,
// agents): each change happens under one lock that excludes the others.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withPoolLock } from './hugepages';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the huge page pool lock', () => {
  it('keeps a second process out until the first has finished its change', async () => {
    dir = mkdtempSync(join(tmpdir(), 'uffd-pool-'));
    const marker = join(dir, 'released');
    const child = spawn(process.execPath, [
      '--import',
      'tsx',
      join(import.meta.dirname, 'pool-lock-fixture.ts'),
      marker,
    ]);
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('held') && resolve());
      child.on('exit', (code) => reject(new Error(`the fixture exited (${code}) without the lock`)));
    });
    // The child holds the lock and writes its marker only before it lets go: we get the lock after.
    expect(withPoolLock(() => existsSync(marker))).toBe(true);
    expect(await exited).toBe(0);
  });

  it('gives what the function returns, and can be taken again at once', () => {
    expect(withPoolLock(() => 7)).toBe(7);
    expect(withPoolLock(() => withPoolLock.name)).toBe('withPoolLock');
  });
});
