// The built-in scenarios (scenarios/*.json), each loaded only when the library opens.

import type { Scenario } from '../../portable/scenario/format';
import { kernelInRange } from '../../portable/scenario/kernel-range';
import { validateScenario } from '../../portable/scenario/parse';

const FILES = import.meta.glob<unknown>('/scenarios/*.json', { import: 'default' });

export interface ScenarioItem {
  readonly id: string;
  readonly scenario?: Scenario;
  /** Why the file cannot be used. */
  readonly error?: string;
}

/** A scenario file's content, validated as the runner validates it; the first problem otherwise. */
export function checkScenario(value: unknown): Scenario {
  const errors = validateScenario(value);
  if (errors.length)
    throw new Error(errors[0]!.message + (errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''));
  return value as Scenario;
}

/** Whether the scenario's kernel range (if any) includes this profile. */
export const appliesTo = (s: Scenario, version: string): boolean =>
  !s.kernel || kernelInRange(s.kernel, version);

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
