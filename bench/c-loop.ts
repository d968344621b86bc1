// The real kernel's fault loop as a plain C program (fault-loop.c): the baseline both the kernel
// and the simulator benchmarks measure against, in their own run.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const C_PAGES = 20000;

/**
 * The C loop's rate in faults per second: the median of three runs (it swings with where the
 * scheduler puts its two threads), and once with both on one CPU, as the executor's batches run.
 */
export function cLoop(): { plain: number; pinned: number } {
  const dir = mkdtempSync(join(tmpdir(), 'uffd-bench-'));
  try {
    const exe = join(dir, 'fault-loop');
    execFileSync('cc', ['-O2', '-pthread', '-o', exe, join(import.meta.dirname, 'fault-loop.c')], {
      stdio: 'pipe',
    });
    const run = (...args: string[]) =>
      Number(execFileSync(exe, [String(C_PAGES), ...args], { encoding: 'utf8' }).trim());
    const plain = [run(), run(), run()].sort((a, b) => a - b)[1]!;
    return { plain, pinned: run('pin') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function hasCompiler(): boolean {
  try {
    execFileSync('cc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
