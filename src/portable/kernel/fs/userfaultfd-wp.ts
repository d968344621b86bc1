// UFFDIO_WRITEPROTECT (userfaultfd_writeprotect) and UFFDIO_WAKE (userfaultfd_wake).

import { UFFDIO_WRITEPROTECT_MODE_DONTWAKE, UFFDIO_WRITEPROTECT_MODE_WP } from '../../uapi/userfaultfd';
import { E, type Kernel } from '../kernel';
import { mwriteprotectRange } from '../mm/userfaultfd';
import type { UserStruct } from './user-struct';
import type { UserfaultfdCtx } from './userfaultfd-ctx';
import { wakeUserfault } from './userfaultfd-fault';
import { validateRange } from './userfaultfd-range';

export function userfaultfdWriteprotect(k: Kernel, ctx: UserfaultfdCtx, arg: UserStruct): number {
  if (k.profile.mmapChanging && ctx.mmapChanging) return -E.EAGAIN;
  const w = arg.copyFromUser();
  if (!w) return -E.EFAULT;
  const bad = validateRange(k, w['range.start']!, w['range.len']!);
  if (bad) return bad;
  const mode = BigInt(w.mode!);
  if (mode & ~(UFFDIO_WRITEPROTECT_MODE_DONTWAKE | UFFDIO_WRITEPROTECT_MODE_WP)) return -E.EINVAL;
  const modeWp = (mode & UFFDIO_WRITEPROTECT_MODE_WP) !== 0n;
  const dontwake = (mode & UFFDIO_WRITEPROTECT_MODE_DONTWAKE) !== 0n;
  if (modeWp && dontwake) return -E.EINVAL;
  if (!ctx.mm.alive && k.profile.writeprotectChecksMm) return -E.ESRCH;
  const start = Number(w['range.start']);
  const len = Number(w['range.len']);
  const ret = mwriteprotectRange(k, ctx, start, len, modeWp);
  if (ret) return ret;
  // Protecting never wakes; un-protecting wakes the range unless DONTWAKE.
  if (!modeWp && !dontwake) wakeUserfault(k, ctx, start, len);
  return 0;
}

export function userfaultfdWake(k: Kernel, ctx: UserfaultfdCtx, arg: UserStruct): number {
  const r = arg.copyFromUser();
  if (!r) return -E.EFAULT;
  const bad = validateRange(k, r.start!, r.len!);
  if (bad) return bad;
  wakeUserfault(k, ctx, Number(r.start), Number(r.len));
  return 0;
}
