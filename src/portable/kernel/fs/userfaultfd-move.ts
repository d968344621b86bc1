// UFFDIO_MOVE (userfaultfd_move): only within the monitor's own mm, then move_pages().

import { UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES, UFFDIO_MOVE_MODE_DONTWAKE } from '../../uapi/userfaultfd';
import { E, type Kernel } from '../kernel';
import { movePages } from '../mm/move';
import type { UserStruct } from './user-struct';
import type { UserfaultfdCtx } from './userfaultfd-ctx';
import { finishFill, mmapChangingRefusal, mmGone, validateRange } from './userfaultfd-range';

export function userfaultfdMove(k: Kernel, ctx: UserfaultfdCtx, arg: UserStruct): number {
  const busy = mmapChangingRefusal(k, ctx, arg, 'move');
  if (busy) return busy;
  const m = arg.copyFromUser();
  if (!m) return -E.EFAULT;
  // No cross-mm moves: a forked child's uffd cannot move its pages.
  if (ctx.mm !== k.currentMm) return -E.EINVAL;
  const bad = validateRange(k, m.dst!, m.len!) || validateRange(k, m.src!, m.len!);
  if (bad) return bad;
  const mode = BigInt(m.mode!);
  if (mode & ~(UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES | UFFDIO_MOVE_MODE_DONTWAKE)) return -E.EINVAL;
  const gone = mmGone(k, ctx);
  if (gone) return gone;
  const dst = Number(m.dst);
  const len = Number(m.len);
  const ret = movePages(k, ctx, dst, Number(m.src), len, mode);
  return finishFill(k, ctx, arg, 'move', ret, dst, len, (mode & UFFDIO_MOVE_MODE_DONTWAKE) !== 0n);
}
