// Two engines' runs of the same operations, compared step by step after normalising each run with
// its own area placements.

import type { OpName } from '../model/operation';
import type { Result } from '../model/result';
import { collectPlacements } from './address';
import { compareNormal, type Difference } from './compare';
import { excusedBy, MODEL_LIMITS, type ModelLimit } from './model-limits';
import { normaliseResult } from './normalise';

export interface StepDiff {
  /** 1-based. */
  readonly step: number;
  readonly op: OpName;
  /** Differences no model limit excuses. */
  readonly differences: readonly Difference[];
  readonly excused: readonly { readonly difference: Difference; readonly limit: ModelLimit }[];
}

export function diffRuns(
  sim: readonly Result[],
  kernel: readonly Result[],
  limits: readonly ModelLimit[] = MODEL_LIMITS,
): StepDiff[] {
  const simPlaces = collectPlacements(sim.map((r) => r.snapshot));
  const kernelPlaces = collectPlacements(kernel.map((r) => r.snapshot));
  const out: StepDiff[] = [];
  for (let i = 0; i < Math.min(sim.length, kernel.length); i++) {
    const s = sim[i]!;
    const k = kernel[i]!;
    const differences: Difference[] = [];
    const excused: { difference: Difference; limit: ModelLimit }[] = [];
    for (const d of compareNormal(normaliseResult(s, simPlaces), normaliseResult(k, kernelPlaces))) {
      const limit = excusedBy(d, { op: s.op.op, sim: s, kernel: k }, limits);
      if (limit) excused.push({ difference: d, limit });
      else differences.push(d);
    }
    out.push({ step: i + 1, op: s.op.op, differences, excused });
  }
  return out;
}
