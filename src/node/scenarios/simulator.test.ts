// Every scenario of the library, run on the simulated kernel: at the newest release and at every
// release its expectations name, so each versioned expectation is checked against the profile
// it describes.
import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../portable/kernel';
import { NEWEST_KERNEL } from '../../portable/uapi/history';
import { runScenario } from '../../portable/scenario/run';
import { readLibrary, versionsOf } from './library';

const cases = readLibrary().flatMap((f) =>
  f.scenario ? versionsOf(f.scenario, NEWEST_KERNEL).map((v) => [f.file, v, f.scenario!] as const) : [],
);

describe('the scenario library on the simulator', () => {
  it.each(cases)('%s as Linux %s', async (_file, kernel, scenario) => {
    const r = await runScenario(scenario, createSimulator({ kernel }));
    if (r.status === 'not-applicable') return;
    const table = r.mismatches.map(
      (m) => `step ${m.step} (${m.op}) ${m.field}: expected ${m.expected}, got ${m.actual}`,
    );
    expect(r.aborted ?? '').toBe('');
    expect(table).toEqual([]);
  });
});
