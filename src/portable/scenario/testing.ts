// Test helpers for the runner, the differ and the step descriptions, on top of the shared
// fixtures (src/portable/testing/fixtures.ts): areas given page by page, results with their
// snapshot inside, and a backend that answers from a script.

import type { Backend, BackendInfo } from '../model/backend';
import type { Operation } from '../model/operation';
import type { Result } from '../model/result';
import { PAGE, type AreaSnapshot } from '../model/snapshot';
import { area, snapshot } from '../testing/fixtures';

export { snapshot, thread, uffd } from '../testing/fixtures';

export const P = PAGE;
export const MAPPED_MISSING = PAGE.MAPPED;
export const PRESENT = PAGE.MAPPED | PAGE.PRESENT;

/** An area whose pages have these PAGE bits, one entry a page. */
export function pagesArea(
  name: string,
  start: bigint,
  bits: readonly number[],
  more: Partial<AreaSnapshot> = {},
): AreaSnapshot {
  const a = area({ name, start, pages: bits.length, pageSize: more.pageSize ?? 4096 });
  return { ...a, pages: Uint8Array.from(bits), ...more };
}

/** A result; its snapshot (empty unless given) is one of the fields. */
export function res(op: Operation, more: Partial<Result> = {}): Result {
  return { op, call: op.op, ret: 0, snapshot: snapshot(), ...more };
}

/** A backend that answers each operation with the next of a list of results (or a function of it). */
export function scriptedBackend(
  answers: readonly (Result | ((op: Operation) => Result))[],
  info: Partial<BackendInfo> = {},
): Backend & { readonly ran: Operation[] } {
  const ran: Operation[] = [];
  return {
    ran,
    info: () => ({
      engine: 'simulator',
      kernelVersion: '6.18',
      pageSize: 4096,
      hugePageSize: 2 << 20,
      ...info,
    }),
    async run(op) {
      const a = answers[ran.length];
      ran.push(op);
      if (a === undefined) throw new Error(`no scripted answer for operation ${ran.length}`);
      return typeof a === 'function' ? a(op) : a;
    },
    async runBatch(ops) {
      const out: Result[] = [];
      for (const op of ops) out.push(await this.run(op));
      return out;
    },
    async reset() {},
    async dispose() {},
  };
}
