// Builds native/uffd_helper.c with the system C compiler on first use, into a cache inside the
// project keyed by the source's hash, so an edited helper is rebuilt and concurrent builders (test
// workers, two agents) never see a half-written library.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const HELPER_SOURCE = join(ROOT, 'native', 'uffd_helper.c');
export const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'uffd-playground');

export type HelperLibrary =
  { readonly ok: true; readonly path: string } | { readonly ok: false; readonly why: string };

let built: HelperLibrary | undefined;

/**
 * The compiled helper's path, building it when needed; or why it cannot be built. UFFD_HELPER=off
 * in the environment runs without it, as on a machine with no C compiler.
 */
export function helperLibrary(): HelperLibrary {
  if (process.env.UFFD_HELPER === 'off') return { ok: false, why: 'UFFD_HELPER=off in the environment' };
  return (built ??= build());
}

function build(): HelperLibrary {
  let source: Buffer;
  try {
    source = readFileSync(HELPER_SOURCE);
  } catch {
    return { ok: false, why: `the C helper's source is missing (native/uffd_helper.c)` };
  }
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const path = join(CACHE_DIR, `uffd_helper-${hash}.so`);
  if (existsSync(path)) return { ok: true, path };
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    execFileSync('cc', ['-shared', '-fPIC', '-O2', '-o', tmp, HELPER_SOURCE], {
      stdio: 'pipe',
      timeout: 60_000,
    });
    renameSync(tmp, path);
    return { ok: true, path };
  } catch (e) {
    rmSync(tmp, { force: true });
    const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
    if (err.code === 'ENOENT') return { ok: false, why: 'no C compiler: `cc` is not on PATH' };
    const detail = err.stderr?.toString().trim().split('\n')[0] ?? err.message;
    return { ok: false, why: `the C helper did not compile: ${detail}` };
  }
}
