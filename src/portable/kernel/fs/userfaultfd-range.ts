// The range checks every range ioctl starts with (validate_range, validate_unaligned_range), and
// what the fill ioctls share: the mmap_changing refusal and writing the result back.

import type { FieldLayout, FieldValue } from '../../uapi/structs';
import { E, TASK_SIZE, type Kernel } from '../kernel';
import { alignDown, PAGE_SIZE } from '../mm/page';
import type { UserStruct } from './user-struct';
import type { UserfaultfdCtx } from './userfaultfd-ctx';
import { wakeUserfault } from './userfaultfd-fault';

const PS = BigInt(PAGE_SIZE);
const TS = BigInt(TASK_SIZE);
const U64 = 1n << 64n;

/**
 * validate_unaligned_range(): len whole pages, the range inside [mmap_min_addr, TASK_SIZE). Values
 * are __u64s as loadU64() gives them: numbers below 2^53, bigints above.
 */
export function validateUnalignedRange(k: Kernel, start: FieldValue, len: FieldValue): number {
  if (typeof start === 'number' && typeof len === 'number') {
    // The same checks on numbers (below 2^53: no wrap around 2^64), the common case.
    if (alignDown(len, PAGE_SIZE) !== len || len === 0) return -E.EINVAL;
    if (start < k.mmapMinAddr || start >= TASK_SIZE || len > TASK_SIZE - start) return -E.EINVAL;
    return 0;
  }
  const s = BigInt(start);
  const l = BigInt(len);
  if (l % PS !== 0n || l === 0n) return -E.EINVAL;
  if (s < BigInt(k.mmapMinAddr) || s >= TS || l > TS - s) return -E.EINVAL;
  if ((s + l) % U64 <= s) return -E.EINVAL;
  return 0;
}

/** Before 6.6 COPY's source only had to not wrap around: `src + len` (mod 2^64) <= src. */
export function wrapsAround(start: FieldValue, len: FieldValue): boolean {
  // Two numbers (below 2^53 each) cannot pass 2^64: only len 0 gives a sum not above start.
  if (typeof start === 'number' && typeof len === 'number') return len === 0;
  const s = BigInt(start);
  return (s + BigInt(len)) % U64 <= s;
}

/** validate_range(): the same with a page-aligned start. */
export function validateRange(k: Kernel, start: FieldValue, len: FieldValue): number {
  if (typeof start === 'number' ? alignDown(start, PAGE_SIZE) !== start : start % PS !== 0n) return -E.EINVAL;
  return validateUnalignedRange(k, start, len);
}

/** mmget_not_zero() failing: the errno this release gave, if it checked at all. */
export function mmGone(k: Kernel, ctx: UserfaultfdCtx): number {
  const errno = k.profile.mmGoneErrno;
  return !ctx.mm.alive && errno !== undefined ? -errno : 0;
}

/**
 * The fill ioctls refuse to run while a non-cooperative event is unread (4.18), before they even
 * read their argument; from 6.15 they also write -EAGAIN into the result field.
 */
export function mmapChangingRefusal(
  k: Kernel,
  ctx: UserfaultfdCtx,
  arg: UserStruct,
  field: FieldLayout,
): number {
  if (!k.profile.mmapChanging || ctx.mmapChanging === 0) return 0;
  if (k.profile.mmapChangingWritesResult && !arg.putUser(field, -E.EAGAIN)) return -E.EFAULT;
  return -E.EAGAIN;
}

/**
 * The common end of COPY, ZEROPAGE, CONTINUE, POISON and MOVE: the result into the struct, a wake
 * over the part done (unless DONTWAKE), and EAGAIN for a partial result.
 */
export function finishFill(
  k: Kernel,
  ctx: UserfaultfdCtx,
  arg: UserStruct,
  field: FieldLayout,
  ret: number,
  start: number,
  len: number,
  dontwake: boolean,
): number {
  if (!arg.putUser(field, ret)) return -E.EFAULT;
  if (ret < 0) return ret;
  if (!dontwake) wakeUserfault(k, ctx, start, ret);
  return ret === len ? 0 : -E.EAGAIN;
}
