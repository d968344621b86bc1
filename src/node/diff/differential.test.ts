// The differential tests: every scenario of the library on the simulator and on the real kernel,
// compared step by step after normalisation. Any difference no model limit excuses fails, with a
// table of step, op, path and both values. A scenario that cannot run here is reported with the
// reason at the end of the run, never dropped silently.
import { afterAll, describe, expect, it } from 'vitest';
import { disposeAll } from '../executor';
import { readLibrary } from '../scenarios/library';
import { differenceTable, hostKernel, runPair } from './differential';

const LIBRARY = readLibrary();
const notRun: string[] = [];
const excused: string[] = [];

afterAll(async () => {
  await disposeAll();
  const lines = [`Differential run on Linux ${await hostKernel()}: ${LIBRARY.length} scenarios.`];
  if (notRun.length) lines.push(`Not run here (${notRun.length}):`, ...notRun.map((l) => `  ${l}`));
  if (excused.length) {
    lines.push(`Differences excused by model limits (${excused.length}):`, ...excused.map((l) => `  ${l}`));
  }
  console.log(lines.join('\n'));
});

describe('simulator vs real kernel, scenario by scenario', () => {
  it.each(LIBRARY.map((f) => [f.file, f] as const))(
    '%s',
    async (file, f) => {
      expect(f.errors ?? []).toEqual([]);
      const r = await runPair(f.scenario!);
      if (!r.ran) {
        notRun.push(`${file}: ${r.why}`);
        return;
      }
      for (const s of r.steps) {
        for (const e of s.excused) excused.push(`${file} step ${s.step} ${e.difference.path}: ${e.limit.id}`);
      }
      expect.soft(r.aborted).toEqual([]);
      expect.soft(`\n${differenceTable(r.steps)}`, 'simulator vs kernel, after normalisation').toBe('\n');
      const kernelTable = r.kernelMismatches.map(
        (m) => `step ${m.step} (${m.op}) ${m.field}: expected ${m.expected}, got ${m.actual}`,
      );
      expect.soft(kernelTable, "the real kernel against the scenario's expectations").toEqual([]);
    },
    120_000,
  );
});
