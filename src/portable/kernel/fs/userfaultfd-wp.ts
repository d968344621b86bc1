// UFFDIO_WRITEPROTECT (userfaultfd_writeprotect) and UFFDIO_WAKE (userfaultfd_wake).

import { UFFDIO_WRITEPROTECT_MODE_DONTWAKE, UFFDIO_WRITEPROTECT_MODE_WP } from '../../uapi/userfaultfd';
import { STRUCTS } from '../../uapi/structs';
import { E, type Kernel } from '../kernel';
import { mwriteprotectRange } from '../mm/userfaultfd';
import { bitsOutside, hasBit, structFields, type UserStruct } from './user-struct';
import type { UserfaultfdCtx } from './userfaultfd-ctx';
import { wakeUserfault } from './userfaultfd-fault';
import { validateRange } from './userfaultfd-range';

const uffdioWriteprotect = structFields(STRUCTS.uffdio_writeprotect, ['range.start', 'range.len', 'mode']);
const uffdioRange = structFields(STRUCTS.uffdio_range, ['start', 'len']);

export function userfaultfdWriteprotect(k: Kernel, ctx: UserfaultfdCtx, arg: UserStruct): number {
  if (k.profile.mmapChanging && ctx.mmapChanging) return -E.EAGAIN;
  const w = arg.copyFromUser();
  if (!w) return -E.EFAULT;
  const rangeStart = w.u64(uffdioWriteprotect['range.start']);
  const rangeLen = w.u64(uffdioWriteprotect['range.len']);
  const bad = validateRange(k, rangeStart, rangeLen);
  if (bad) return bad;
  const mode = w.u64(uffdioWriteprotect.mode);
  if (bitsOutside(mode, UFFDIO_WRITEPROTECT_MODE_DONTWAKE | UFFDIO_WRITEPROTECT_MODE_WP)) return -E.EINVAL;
  const modeWp = hasBit(mode, UFFDIO_WRITEPROTECT_MODE_WP);
  const dontwake = hasBit(mode, UFFDIO_WRITEPROTECT_MODE_DONTWAKE);
  if (modeWp && dontwake) return -E.EINVAL;
  if (!ctx.mm.alive && k.profile.writeprotectChecksMm) return -E.ESRCH;
  const start = Number(rangeStart);
  const len = Number(rangeLen);
  const ret = mwriteprotectRange(k, ctx, start, len, modeWp);
  if (ret) return ret;
  // Protecting never wakes; un-protecting wakes the range unless DONTWAKE.
  if (!modeWp && !dontwake) wakeUserfault(k, ctx, start, len);
  return 0;
}

export function userfaultfdWake(k: Kernel, ctx: UserfaultfdCtx, arg: UserStruct): number {
  const r = arg.copyFromUser();
  if (!r) return -E.EFAULT;
  const start = r.u64(uffdioRange.start);
  const len = r.u64(uffdioRange.len);
  const bad = validateRange(k, start, len);
  if (bad) return bad;
  wakeUserfault(k, ctx, Number(start), Number(len));
  return 0;
}
