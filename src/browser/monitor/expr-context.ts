// Expressions in the monitor's fields mean what they mean to the engines: area names are their
// starts, `p` and `h` the page sizes, and constants have their uapi names.

import type { ExprContext } from '../../portable/model/expr';
import type { Snapshot } from '../../portable/model/snapshot';
import * as U from '../../portable/uapi/userfaultfd';

const CONSTANTS = new Map<string, bigint>([
  ...Object.entries(U)
    .filter(([k, v]) => /^_?[A-Z][A-Z0-9_]*$/.test(k) && (typeof v === 'bigint' || typeof v === 'number'))
    .map(([k, v]) => [k, BigInt(v as number | bigint)] as [string, bigint]),
  ['O_RDONLY', 0n],
  ['O_RDWR', 2n],
]);

export function sessionExprContext(snap: Snapshot): ExprContext {
  return {
    pageSize: snap.pageSize,
    hugePageSize: snap.hugePageSize,
    areaStart: (name) => snap.areas.find((a) => a.name === name && a.process === 'main')?.start,
    constant: (name) => CONSTANTS.get(name),
  };
}
