// The scenario library on disk: every file of scenarios/, parsed.

import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Scenario } from '../../portable/scenario/format';
import { parseScenario, type ScenarioError } from '../../portable/scenario/parse';

export const LIBRARY_DIR = resolve(import.meta.dirname, '../../../scenarios');

export interface LibraryFile {
  readonly file: string;
  readonly scenario?: Scenario;
  readonly errors?: readonly ScenarioError[];
}

export function readLibrary(dir = LIBRARY_DIR): LibraryFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const r = parseScenario(readFileSync(join(dir, file), 'utf8'));
      return r.ok ? { file, scenario: r.scenario } : { file, errors: r.errors };
    });
}

/**
 * The kernel versions a scenario speaks of (its range and every versioned expectation's), and
 * `newest`: running it at each exercises every expectation it has.
 */
export function versionsOf(s: Scenario, newest: string): string[] {
  const texts = [
    s.kernel ?? '',
    ...s.steps.flatMap((step) =>
      (Array.isArray(step.expect) ? step.expect : []).map((e: { kernel: string }) => e.kernel),
    ),
  ];
  const found = new Set([newest]);
  for (const t of texts) for (const m of t.matchAll(/\d+\.\d+/g)) found.add(m[0]);
  return [...found];
}
