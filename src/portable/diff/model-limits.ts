// Where the simulator differs from the real kernel on purpose: each simplification, why, and exactly
// which comparison paths it excuses. The UI shows this table beside the side-by-side view. A limit
// excuses only the differences it lists (by path, and optionally by operation and by value), never a
// whole scenario or step: everything else still fails the differential test.

import type { OpName } from '../model/operation';
import type { Result } from '../model/result';
import type { Difference } from './compare';
import { SIMULATOR_LIMITS } from './simulator-limits';

export interface ModelLimit {
  readonly id: string;
  readonly title: string;
  /** Why the simplification is made, for the UI. */
  readonly reason: string;
  /**
   * Difference paths it excuses. `*` matches within one dotted part, `[*]` any one bracketed page
   * range, `**` anything.
   */
  readonly paths: readonly string[];
  /** Only differences of these operations. */
  readonly ops?: readonly OpName[];
  /** Only the differences this rule holds for: the rule in words, and its check. */
  readonly rule?: { readonly text: string; readonly test: (d: Difference, step: StepContext) => boolean };
}

/** The step a difference was found in. */
export interface StepContext {
  readonly op: OpName;
  readonly sim: Result;
  readonly kernel: Result;
}

/**
 * The simulator's deliberate simplifications. None for the executor: what it cannot observe directly
 * (a child before its FORK message is read, the page cache of a hugetlbfs file) it reconstructs
 * (docs/executor.md), and every difference found so far on the differential run was a bug of one
 * engine, and was fixed.
 */
export const MODEL_LIMITS: readonly ModelLimit[] = [...SIMULATOR_LIMITS];

const cache = new Map<string, RegExp>();

/** The glob of a limit's path as a regular expression over Difference.path. */
export function pathPattern(glob: string): RegExp {
  let re = cache.get(glob);
  if (!re) {
    let src = '';
    for (let i = 0; i < glob.length; i++) {
      if (glob.startsWith('[*]', i)) {
        src += '\\[[^\\]]*\\]';
        i += 2;
      } else if (glob.startsWith('**', i)) {
        src += '.*';
        i += 1;
      } else if (glob[i] === '*') src += '[^.]*';
      else src += glob[i]!.replace(/[\\^$.|?+()[\]{}]/g, '\\$&');
    }
    re = new RegExp(`^${src}$`);
    cache.set(glob, re);
  }
  return re;
}

/** The limit that excuses this difference found in this step, if any. */
export function excusedBy(
  d: Difference,
  step: StepContext,
  limits: readonly ModelLimit[] = MODEL_LIMITS,
): ModelLimit | undefined {
  return limits.find(
    (l) =>
      (!l.ops || l.ops.includes(step.op)) &&
      l.paths.some((p) => pathPattern(p).test(d.path)) &&
      (!l.rule || l.rule.test(d, step)),
  );
}
