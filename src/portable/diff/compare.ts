// Two normalised results, field by field: every difference as (path, simulator value, kernel value).
// Pure and portable: the differential harness fails on what no model limit excuses, and the UI's
// side-by-side view marks the same paths.

import type { NormalResult } from './normalise';
import { comparePages } from './pages';

export interface Difference {
  /** e.g. `struct.after.copy`, `snapshot.threads.T1.state`, `snapshot.areas.main:a.pages[a+1p]`. */
  readonly path: string;
  readonly sim: string;
  readonly kernel: string;
}

/** Shown for a value one side has and the other does not. */
export const ABSENT = '(absent)';

export function compareNormal(sim: NormalResult, kernel: NormalResult): Difference[] {
  const out: Difference[] = [];
  const keys = new Set([...sim.fields.keys(), ...kernel.fields.keys()]);
  for (const path of keys) {
    const s = sim.fields.get(path) ?? ABSENT;
    const k = kernel.fields.get(path) ?? ABSENT;
    if (s !== k) out.push({ path, sim: s, kernel: k });
  }
  for (const [key, s] of sim.pages) {
    const k = kernel.pages.get(key);
    if (!k) continue; // the area itself is already reported absent
    for (const d of comparePages(`snapshot.areas.${key}`, s, k))
      out.push({ path: d.path, sim: d.a, kernel: d.b });
  }
  return out;
}
