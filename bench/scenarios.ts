// The scenario library as a workload: how fast it runs on the simulator and on the real kernel,
// and how fast two runs are normalised and compared (what the differential tests and the UI's
// side-by-side view do for every step).
import { performance } from 'node:perf_hooks';
import { createSimulator } from '../src/portable/kernel';
import { diffRuns } from '../src/portable/diff/diff-run';
import type { Result } from '../src/portable/model/result';
import { runScenario } from '../src/portable/scenario/run';
import { createEngine } from '../src/node/cli/engines';
import { disposeAll } from '../src/node/executor';
import { kernelProbe, prepareKernel } from '../src/node/scenarios/prepare';
import { readLibrary } from '../src/node/scenarios/library';
import type { Figure, BenchModule } from './report';

const library = () => readLibrary().flatMap((f) => (f.scenario ? [f.scenario] : []));

async function onSimulator(): Promise<{ figures: Figure[]; runs: Result[][] }> {
  const scenarios = library();
  const runs: Result[][] = [];
  let steps = 0;
  const t0 = performance.now();
  for (const s of scenarios) {
    const r = await runScenario(s, createSimulator());
    if (r.status === 'not-applicable') continue;
    runs.push(r.steps.map((st) => st.result));
    steps += r.steps.length;
  }
  const ms = performance.now() - t0;
  return {
    runs,
    figures: [
      { what: `simulator: the library (${runs.length} scenarios, ${steps} steps)`, value: ms, unit: 'ms' },
      { what: 'simulator: steps run and checked', value: (steps / ms) * 1000, unit: 'steps/s' },
    ],
  };
}

function comparing(runs: readonly Result[][]): Figure {
  const steps = runs.reduce((n, r) => n + r.length, 0);
  const t0 = performance.now();
  for (const r of runs) diffRuns(r, r);
  const ms = performance.now() - t0;
  return { what: 'normalise and compare two runs', value: (steps / ms) * 1000, unit: 'steps/s' };
}

async function onKernel(): Promise<Figure[]> {
  const probe = await kernelProbe();
  if (!probe.syscall.ok || !probe.helper.ok) return [];
  let steps = 0;
  let ran = 0;
  const t0 = performance.now();
  for (const s of library()) {
    const prepared = await prepareKernel(s);
    try {
      if (prepared.why.length) continue;
      const x = await createEngine('kernel');
      const r = await runScenario(s, x).finally(() => x.dispose());
      if (r.status === 'not-applicable') continue;
      ran++;
      steps += r.steps.length;
    } finally {
      prepared.release();
    }
  }
  const ms = performance.now() - t0;
  await disposeAll();
  return [
    { what: `real kernel: the library (${ran} scenarios, ${steps} steps)`, value: ms, unit: 'ms' },
    { what: 'real kernel: steps run and checked', value: (steps / ms) * 1000, unit: 'steps/s' },
  ];
}

const bench: BenchModule = {
  name: 'scenarios: the library on both engines, and the comparison',
  async run() {
    const sim = await onSimulator();
    return [...sim.figures, comparing(sim.runs), ...(await onKernel())];
  },
};

export default bench;
