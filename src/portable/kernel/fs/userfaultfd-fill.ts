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
import { STRUCTS, type FieldLayout, type StructLayout } from '../../uapi/structs';
import { E, type Kernel } from '../kernel';
import { mfillAtomic, type MfillMode } from '../mm/mfill';
import { bitsOutside, hasBit, structFields, type UserStruct } from './user-struct';
import type { UserfaultfdCtx } from './userfaultfd-ctx';
import {
  finishFill,
  mmapChangingRefusal,
  mmGone,
  validateRange,
  validateUnalignedRange,
  wrapsAround,
} from './userfaultfd-range';

const uffdioCopy = structFields(STRUCTS.uffdio_copy, ['dst', 'src', 'len', 'mode', 'copy']);
// As numbers: the mode tests on the fault path make no bigints.
const COPY_DONTWAKE = Number(UFFDIO_COPY_MODE_DONTWAKE);
const COPY_WP = Number(UFFDIO_COPY_MODE_WP);

export function userfaultfdCopy(k: Kernel, ctx: UserfaultfdCtx, arg: UserStruct): number {
  const p = k.profile;
  const busy = mmapChangingRefusal(k, ctx, arg, uffdioCopy.copy);
  if (busy) return busy;
  const c = arg.copyFromUser();
  if (!c) return -E.EFAULT;
  const dst = c.u64(uffdioCopy.dst);
  const src = c.u64(uffdioCopy.src);
  const len = c.u64(uffdioCopy.len);
  const mode = c.u64(uffdioCopy.mode);
  if (p.copyValidatesSrc) {
    const bad = validateUnalignedRange(k, src, len) || validateRange(k, dst, len);
    if (bad) return bad;
  } else {
    const bad = validateRange(k, dst, len);
    if (bad) return bad;
    if (wrapsAround(src, len)) return -E.EINVAL;
  }
  if (bitsOutside(mode, p.copyModeWp ? COPY_DONTWAKE | COPY_WP : COPY_DONTWAKE)) return -E.EINVAL;
  const gone = mmGone(k, ctx);
  if (gone) return gone;
  const to = Number(dst);
  const n = Number(len);
  const ret = mfillAtomic(k, ctx, to, Number(src), n, 'copy', hasBit(mode, COPY_WP));
  return finishFill(k, ctx, arg, uffdioCopy.copy, ret, to, n, hasBit(mode, COPY_DONTWAKE));
}

/** The fields of uffdio_zeropage, uffdio_continue and uffdio_poison: a range, a mode, a result. */
interface RangeFillStruct {
  readonly start: FieldLayout;
  readonly len: FieldLayout;
  readonly mode: FieldLayout;
  readonly result: FieldLayout;
}

function rangeFillStruct<R extends string>(layout: StructLayout, result: R): RangeFillStruct {
  const f = structFields(layout, ['range.start', 'range.len', 'mode', result]);
  return { start: f['range.start'], len: f['range.len'], mode: f.mode, result: f[result] };
}

const uffdioZeropage = rangeFillStruct(STRUCTS.uffdio_zeropage, 'zeropage');
const uffdioContinue = rangeFillStruct(STRUCTS.uffdio_continue, 'mapped');
const uffdioPoison = rangeFillStruct(STRUCTS.uffdio_poison, 'updated');

/**
 * ZEROPAGE, CONTINUE and POISON take a range and a mode and share every step but the fill itself:
 * the mmap_changing refusal, the range and mode checks, the mm, the result field, the wake.
 */
function rangeFill(
  k: Kernel,
  ctx: UserfaultfdCtx,
  arg: UserStruct,
  fill: { struct: RangeFillStruct; mode: MfillMode; dontwake: bigint; wp?: bigint },
): number {
  const f = fill.struct;
  const busy = mmapChangingRefusal(k, ctx, arg, f.result);
  if (busy) return busy;
  const r = arg.copyFromUser();
  if (!r) return -E.EFAULT;
  const rangeStart = r.u64(f.start);
  const rangeLen = r.u64(f.len);
  const bad = validateRange(k, rangeStart, rangeLen);
  if (bad) return bad;
  const mode = r.u64(f.mode);
  if (bitsOutside(mode, fill.dontwake | (fill.wp ?? 0n))) return -E.EINVAL;
  const gone = mmGone(k, ctx);
  if (gone) return gone;
  const start = Number(rangeStart);
  const len = Number(rangeLen);
  const wp = fill.wp !== undefined && hasBit(mode, fill.wp);
  const ret = mfillAtomic(k, ctx, start, 0, len, fill.mode, wp);
  return finishFill(k, ctx, arg, f.result, ret, start, len, hasBit(mode, fill.dontwake));
}

export function userfaultfdZeropage(k: Kernel, ctx: UserfaultfdCtx, arg: UserStruct): number {
  return rangeFill(k, ctx, arg, {
    struct: uffdioZeropage,
    mode: 'zeropage',
    dontwake: UFFDIO_ZEROPAGE_MODE_DONTWAKE,
  });
}

export function userfaultfdContinue(k: Kernel, ctx: UserfaultfdCtx, arg: UserStruct): number {
  // CONTINUE_MODE_WP arrived in 6.4; before, that bit is an unknown mode.
  const wp = k.profile.continueModeWp ? UFFDIO_CONTINUE_MODE_WP : undefined;
  return rangeFill(k, ctx, arg, {
    struct: uffdioContinue,
    mode: 'continue',
    dontwake: UFFDIO_CONTINUE_MODE_DONTWAKE,
    wp,
  });
}

export function userfaultfdPoison(k: Kernel, ctx: UserfaultfdCtx, arg: UserStruct): number {
  return rangeFill(k, ctx, arg, {
    struct: uffdioPoison,
    mode: 'poison',
    dontwake: UFFDIO_POISON_MODE_DONTWAKE,
  });
}
