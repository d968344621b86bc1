// A session as a timeline: the operations (entries), the results of those run so far, and the cursor
// (how many are applied to what the user sees). Stepping back moves the cursor; the results stay as a
// cache, since replaying the same operations gives the same results.

import type { Operation } from '../../portable/model/operation';
import type { Result } from '../../portable/model/result';

export interface Entry {
  readonly op: Operation;
  /** Narration from a scenario. */
  readonly say?: string;
  /** A scenario's step: kept when the user does something else in its middle. */
  readonly planned?: boolean;
}

export interface Timeline {
  readonly entries: readonly Entry[];
  /** results[i] is entries[i]'s result, when it has run since the last change before it. */
  readonly results: readonly (Result | undefined)[];
  readonly cursor: number;
}

export const EMPTY_TIMELINE: Timeline = { entries: [], results: [], cursor: 0 };

/**
 * A new entry at the cursor. What followed the cursor is dropped, except a scenario's planned steps,
 * which stay (to be run again after it); their cached results are dropped since the past changed.
 */
export function insertAtCursor(t: Timeline, entry: Entry): Timeline {
  const kept = t.entries.slice(t.cursor).filter((e) => e.planned);
  return {
    entries: [...t.entries.slice(0, t.cursor), entry, ...kept],
    results: t.results.slice(0, t.cursor),
    cursor: t.cursor,
  };
}

/** Removes the entry at `index` (an operation that never reached the kernel) and its result. */
export function removeEntry(t: Timeline, index: number): Timeline {
  return {
    entries: t.entries.filter((_, i) => i !== index),
    results: t.results.filter((_, i) => i !== index),
    cursor: Math.min(t.cursor, index),
  };
}

/** The result the user is looking at. */
export const currentResult = (t: Pick<Timeline, 'results' | 'cursor'>): Result | undefined =>
  t.cursor > 0 ? t.results[t.cursor - 1] : undefined;

/** The result before it, for what changed. */
export const previousResult = (t: Pick<Timeline, 'results' | 'cursor'>): Result | undefined =>
  t.cursor > 1 ? t.results[t.cursor - 2] : undefined;

/** A scenario step without what only the scenario needs: the engine gets a plain Operation. */
export function stripStep(step: Operation & { say?: unknown; expect?: unknown }): Operation {
  const { say: _say, expect: _expect, ...op } = step;
  return op as Operation;
}
