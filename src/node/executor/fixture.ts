// Runs ops-fixture.ts in a child process (as another user, or with another environment) and
// returns what it printed.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fromWire } from '../../portable/model/wire';
import type { Operation } from '../../portable/model/operation';
import { helperLibrary } from './native';
import type { KernelProbe } from './probe';

const ROOT = join(import.meta.dirname, '..', '..', '..');

export interface FixtureOutput {
  readonly uid: number;
  readonly results: readonly {
    op: string;
    ret: number;
    errno?: number;
    usageError?: string;
    blocked?: boolean;
    areas: { name: string; pages: number[] }[];
    threads: { name: string; state: string }[];
  }[];
  readonly probe: KernelProbe;
}

export function runFixture(
  ops: readonly Operation[],
  how: { readonly user?: number; readonly env?: Record<string, string> } = {},
): FixtureOutput {
  const node = [
    process.execPath,
    '--import',
    'tsx',
    join(import.meta.dirname, 'ops-fixture.ts'),
    JSON.stringify(ops),
  ];
  // Another user may not write the helper's build cache: build it first, as this user.
  if (how.user !== undefined) helperLibrary();
  const cmd =
    how.user === undefined
      ? node
      : ['setpriv', `--reuid=${how.user}`, `--regid=${how.user}`, '--clear-groups', ...node];
  const r = spawnSync(cmd[0]!, cmd.slice(1), {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, ...how.env },
  });
  if (r.status !== 0) throw new Error(`the fixture failed (${r.status}): ${r.stderr}`);
  return fromWire<FixtureOutput>(r.stdout.trim());
}
