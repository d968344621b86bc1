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
import { mfillAtomic, type MfillMode } from '../mm/mfill';
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

/**
 * ZEROPAGE, CONTINUE and POISON take a range and a mode and share every step but the fill itself:
 * the mmap_changing refusal, the range and mode checks, the mm, the result field, the wake.
 */
function rangeFill(
  k: Kernel,
  ctx: UserfaultfdCtx,
  arg: UserStruct,
  fill: { field: string; mode: MfillMode; dontwake: bigint; wp?: bigint },
): number {
  const busy = mmapChangingRefusal(k, ctx, arg, fill.field);
  if (busy) return busy;
  const r = arg.copyFromUser();
  if (!r) return -E.EFAULT;
  const bad = validateRange(k, r['range.start']!, r['range.len']!);
  if (bad) return bad;
  const mode = BigInt(r.mode!);
  if (mode & ~(fill.dontwake | (fill.wp ?? 0n))) return -E.EINVAL;
  const gone = mmGone(k, ctx);
  if (gone) return gone;
  const start = Number(r['range.start']);
  const len = Number(r['range.len']);
  const wp = fill.wp !== undefined && (mode & fill.wp) !== 0n;
  const ret = mfillAtomic(k, ctx, start, 0, len, fill.mode, wp);
  return finishFill(k, ctx, arg, fill.field, ret, start, len, (mode & fill.dontwake) !== 0n);
}

export function userfaultfdZeropage(k: Kernel, ctx: UserfaultfdCtx, arg: UserStruct): number {
  return rangeFill(k, ctx, arg, {
    field: 'zeropage',
    mode: 'zeropage',
    dontwake: UFFDIO_ZEROPAGE_MODE_DONTWAKE,
  });
}

export function userfaultfdContinue(k: Kernel, ctx: UserfaultfdCtx, arg: UserStruct): number {
  // CONTINUE_MODE_WP arrived in 6.4; before, that bit is an unknown mode.
  const wp = k.profile.continueModeWp ? UFFDIO_CONTINUE_MODE_WP : undefined;
  return rangeFill(k, ctx, arg, {
    field: 'mapped',
    mode: 'continue',
    dontwake: UFFDIO_CONTINUE_MODE_DONTWAKE,
    wp,
  });
}

export function userfaultfdPoison(k: Kernel, ctx: UserfaultfdCtx, arg: UserStruct): number {
  return rangeFill(k, ctx, arg, { field: 'updated', mode: 'poison', dontwake: UFFDIO_POISON_MODE_DONTWAKE });
}
