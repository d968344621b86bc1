// The built-in scenarios (scenarios/*.json), each loaded only when the library opens.

import type { Scenario } from '../../portable/scenario/format';
import { SCENARIO_FORMAT } from '../../portable/scenario/format';
import { compareVersions } from '../../portable/uapi/history';

const FILES = import.meta.glob<unknown>('/scenarios/*.json', { import: 'default' });

export interface ScenarioItem {
  readonly id: string;
  readonly scenario?: Scenario;
  /** Why the file cannot be used. */
  readonly error?: string;
}

/** A light check: the library only needs the title and the steps; the runner checks the rest. */
export function checkScenario(value: unknown): Scenario {
  const s = value as Partial<Scenario> | null;
  if (!s || s.format !== SCENARIO_FORMAT) throw new Error(`not a ${SCENARIO_FORMAT} file`);
  if (typeof s.title !== 'string') throw new Error('no title');
  if (!Array.isArray(s.steps) || !s.steps.every((st) => typeof st?.op === 'string'))
    throw new Error('no steps');
  return s as Scenario;
}

/** Whether a kernel range (`>=5.7`, `<6.0`, `4.11-4.13`, or several, comma-separated) includes `v`. */
export function inKernelRange(range: string | undefined, v: string): boolean {
  if (!range) return true;
  return range.split(',').every((part) => {
    const p = part.trim();
    const span = /^(\d+\.\d+)\s*-\s*(\d+\.\d+)$/.exec(p);
    if (span) return compareVersions(v, span[1]!) >= 0 && compareVersions(v, span[2]!) <= 0;
    const m = /^(>=|<=|>|<|=)?\s*(\d+\.\d+)$/.exec(p);
    if (!m) return true;
    const c = compareVersions(v, m[2]!);
    return { '>=': c >= 0, '<=': c <= 0, '>': c > 0, '<': c < 0, '=': c === 0 }[m[1] ?? '='] ?? true;
  });
}

export async function listScenarios(): Promise<ScenarioItem[]> {
  const items = await Promise.all(
    Object.entries(FILES).map(async ([path, load]): Promise<ScenarioItem> => {
      const id = path.replace(/^.*\//, '').replace(/\.json$/, '');
      try {
        return { id, scenario: checkScenario(await load()) };
      } catch (e) {
        return { id, error: e instanceof Error ? e.message : String(e) };
      }
    }),
  );
  return items.sort((a, b) => a.id.localeCompare(b.id));
}
