// Where the simulator differs from the real kernel on purpose: each simplification, why, and exactly
// which comparison paths it excuses. The UI shows this table beside the side-by-side view. A limit
// excuses only the differences it lists (by path, and optionally by operation and by value), never a
// whole scenario or step: everything else still fails the differential test.

import type { OpName } from '../model/operation';
import type { Difference } from './compare';

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
  /** Only differences whose two values are like this: a rule in words, and its check. */
  readonly only?: { readonly text: string; readonly test: (sim: string, kernel: string) => boolean };
}

export const MODEL_LIMITS: readonly ModelLimit[] = [];

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

/** The limit that excuses this difference of this operation, if any. */
export function excusedBy(
  d: Difference,
  op: OpName,
  limits: readonly ModelLimit[] = MODEL_LIMITS,
): ModelLimit | undefined {
  return limits.find(
    (l) =>
      (!l.ops || l.ops.includes(op)) &&
      l.paths.some((p) => pathPattern(p).test(d.path)) &&
      (!l.only || l.only.test(d.sim, d.kernel)),
  );
}
