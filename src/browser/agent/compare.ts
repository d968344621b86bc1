// The same steps on both engines, compared with the differential harness's own normaliser: the
// session's results on one side, the other engine's replay of the same operations on the other.

import { diffRuns, type StepDiff } from '../../portable/diff/diff-run';
import type { Result } from '../../portable/model/result';
import { runAll, type Engine } from '../session/engine';
import { stripStep, type Entry } from '../session/timeline';

export interface Comparison {
  readonly sim: readonly Result[];
  readonly kernel: readonly Result[];
  readonly steps: readonly StepDiff[];
}

/**
 * Compares the first `count` entries: `have` are the session's results from its own engine; `other`
 * (fresh, reset first) runs the same operations.
 */
export async function compareSteps(
  entries: readonly Entry[],
  count: number,
  have: readonly Result[],
  haveIs: 'simulator' | 'kernel',
  other: Engine,
): Promise<Comparison> {
  await other.reset();
  const theirs = await runAll(
    other,
    entries.slice(0, count).map((e) => stripStep(e.op)),
  );
  const mine = have.slice(0, count);
  const sim = haveIs === 'simulator' ? mine : theirs;
  const kernel = haveIs === 'simulator' ? theirs : mine;
  return { sim, kernel, steps: diffRuns(sim, kernel) };
}
