// Expressions in the monitor's fields mean what they mean to the engines (model/resolve.ts): area
// names are their starts, `p` and `h` the page sizes, constants their uapi names.

import type { ExprContext } from '../../portable/model/expr';
import { exprContext } from '../../portable/model/resolve';
import type { Snapshot } from '../../portable/model/snapshot';

export function sessionExprContext(snap: Snapshot): ExprContext {
  return exprContext({
    pageSize: snap.pageSize,
    hugePageSize: snap.hugePageSize,
    areaStart: (name) => snap.areas.find((a) => a.name === name && a.process === 'main')?.start,
  });
}
