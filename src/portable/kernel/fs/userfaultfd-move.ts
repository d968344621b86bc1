// UFFDIO_MOVE (userfaultfd_move): only within the monitor's own mm, then move_pages().

import { UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES, UFFDIO_MOVE_MODE_DONTWAKE } from '../../uapi/userfaultfd';
import { STRUCTS } from '../../uapi/structs';
import { E, type Kernel } from '../kernel';
import { movePages } from '../mm/move';
import { bitsOutside, structFields, type UserStruct } from './user-struct';
import type { UserfaultfdCtx } from './userfaultfd-ctx';
import { finishFill, mmapChangingRefusal, mmGone, validateRange } from './userfaultfd-range';

const uffdioMove = structFields(STRUCTS.uffdio_move, ['dst', 'src', 'len', 'mode', 'move']);

export function userfaultfdMove(k: Kernel, ctx: UserfaultfdCtx, arg: UserStruct): number {
  const busy = mmapChangingRefusal(k, ctx, arg, uffdioMove.move);
  if (busy) return busy;
  const m = arg.copyFromUser();
  if (!m) return -E.EFAULT;
  // No cross-mm moves: a forked child's uffd cannot move its pages.
  if (ctx.mm !== k.currentMm) return -E.EINVAL;
  const dstIn = m.u64(uffdioMove.dst);
  const srcIn = m.u64(uffdioMove.src);
  const lenIn = m.u64(uffdioMove.len);
  const bad = validateRange(k, dstIn, lenIn) || validateRange(k, srcIn, lenIn);
  if (bad) return bad;
  const mode = BigInt(m.u64(uffdioMove.mode));
  if (bitsOutside(mode, UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES | UFFDIO_MOVE_MODE_DONTWAKE)) return -E.EINVAL;
  const gone = mmGone(k, ctx);
  if (gone) return gone;
  const dst = Number(dstIn);
  const len = Number(lenIn);
  const ret = movePages(k, ctx, dst, Number(srcIn), len, mode);
  return finishFill(k, ctx, arg, uffdioMove.move, ret, dst, len, (mode & UFFDIO_MOVE_MODE_DONTWAKE) !== 0n);
}
