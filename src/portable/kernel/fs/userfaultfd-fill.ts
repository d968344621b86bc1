// UFFDIO_COPY, UFFDIO_ZEROPAGE, UFFDIO_CONTINUE and UFFDIO_POISON: the fs/userfaultfd.c side of
// mfill_atomic() — argument checks in the kernel's order, then the fill, the result field, the wake.

import {
  UFFDIO_CONTINUE_MODE_DONTWAKE,
  UFFDIO_CONTINUE_MODE_WP,
  UFFDIO_COPY_MODE_DONTWAKE,
  UFFDIO_COPY_MODE_WP,
  UFFDIO_POISON_MODE_DONTWAKE,
  UFFDIO_ZEROPAGE_MODE_DONTWAKE,
} from '../../uapi/userfaultfd';
import { E, type Kernel } from '../kernel';
import { mfillAtomic } from '../mm/mfill';
import type { UserStruct } from './user-struct';
import type { UserfaultfdCtx } from './userfaultfd-ctx';
import {
  finishFill,
  mmapChangingRefusal,
  mmGone,
  validateRange,
  validateUnalignedRange,
} from './userfaultfd-range';

const U64 = 1n << 64n;

export function userfaultfdCopy(k: Kernel, ctx: UserfaultfdCtx, arg: UserStruct): number {
  const p = k.profile;
  const busy = mmapChangingRefusal(k, ctx, arg, 'copy');
  if (busy) return busy;
  const c = arg.copyFromUser();
  if (!c) return -E.EFAULT;
  const src = BigInt(c.src!);
  const len = BigInt(c.len!);
  const mode = BigInt(c.mode!);
  if (p.copyValidatesSrc) {
    const bad = validateUnalignedRange(k, src, len) || validateRange(k, c.dst!, len);
    if (bad) return bad;
  } else {
    const bad = validateRange(k, c.dst!, len);
    if (bad) return bad;
    // Before 6.6 the source only had to not wrap around.
    if ((src + len) % U64 <= src) return -E.EINVAL;
  }
  const modes = UFFDIO_COPY_MODE_DONTWAKE | (p.has('UFFDIO_COPY_MODE_WP') ? UFFDIO_COPY_MODE_WP : 0n);
  if (mode & ~modes) return -E.EINVAL;
  const gone = mmGone(k, ctx);
  if (gone) return gone;
  const dst = Number(c.dst);
  const ret = mfillAtomic(k, ctx, dst, Number(src), Number(len), 'copy', (mode & UFFDIO_COPY_MODE_WP) !== 0n);
  return finishFill(k, ctx, arg, 'copy', ret, dst, Number(len), (mode & UFFDIO_COPY_MODE_DONTWAKE) !== 0n);
}

export function userfaultfdZeropage(k: Kernel, ctx: UserfaultfdCtx, arg: UserStruct): number {
  const busy = mmapChangingRefusal(k, ctx, arg, 'zeropage');
  if (busy) return busy;
  const z = arg.copyFromUser();
  if (!z) return -E.EFAULT;
  const bad = validateRange(k, z['range.start']!, z['range.len']!);
  if (bad) return bad;
  const mode = BigInt(z.mode!);
  if (mode & ~UFFDIO_ZEROPAGE_MODE_DONTWAKE) return -E.EINVAL;
  const gone = mmGone(k, ctx);
  if (gone) return gone;
  const start = Number(z['range.start']);
  const len = Number(z['range.len']);
  const ret = mfillAtomic(k, ctx, start, 0, len, 'zeropage');
  return finishFill(k, ctx, arg, 'zeropage', ret, start, len, mode !== 0n);
}

export function userfaultfdContinue(k: Kernel, ctx: UserfaultfdCtx, arg: UserStruct): number {
  const busy = mmapChangingRefusal(k, ctx, arg, 'mapped');
  if (busy) return busy;
  const c = arg.copyFromUser();
  if (!c) return -E.EFAULT;
  const bad = validateRange(k, c['range.start']!, c['range.len']!);
  if (bad) return bad;
  const mode = BigInt(c.mode!);
  const modes = UFFDIO_CONTINUE_MODE_DONTWAKE | (k.profile.continueModeWp ? UFFDIO_CONTINUE_MODE_WP : 0n);
  if (mode & ~modes) return -E.EINVAL;
  const gone = mmGone(k, ctx);
  if (gone) return gone;
  const start = Number(c['range.start']);
  const len = Number(c['range.len']);
  const wp = (mode & UFFDIO_CONTINUE_MODE_WP) !== 0n;
  const ret = mfillAtomic(k, ctx, start, 0, len, 'continue', wp);
  const dontwake = (mode & UFFDIO_CONTINUE_MODE_DONTWAKE) !== 0n;
  return finishFill(k, ctx, arg, 'mapped', ret, start, len, dontwake);
}

export function userfaultfdPoison(k: Kernel, ctx: UserfaultfdCtx, arg: UserStruct): number {
  const busy = mmapChangingRefusal(k, ctx, arg, 'updated');
  if (busy) return busy;
  const c = arg.copyFromUser();
  if (!c) return -E.EFAULT;
  const bad = validateRange(k, c['range.start']!, c['range.len']!);
  if (bad) return bad;
  const mode = BigInt(c.mode!);
  if (mode & ~UFFDIO_POISON_MODE_DONTWAKE) return -E.EINVAL;
  const gone = mmGone(k, ctx);
  if (gone) return gone;
  const start = Number(c['range.start']);
  const len = Number(c['range.len']);
  const ret = mfillAtomic(k, ctx, start, 0, len, 'poison');
  return finishFill(k, ctx, arg, 'updated', ret, start, len, mode !== 0n);
}
