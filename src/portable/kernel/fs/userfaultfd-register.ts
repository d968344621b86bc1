// UFFDIO_REGISTER and UFFDIO_UNREGISTER (userfaultfd_register, userfaultfd_unregister).

import {
  UFFD_FEATURE_WP_ASYNC,
  UFFDIO_REGISTER_MODE_MINOR,
  UFFDIO_REGISTER_MODE_MISSING,
  UFFDIO_REGISTER_MODE_WP,
  _UFFDIO_CONTINUE,
  _UFFDIO_WRITEPROTECT,
} from '../../uapi/userfaultfd';
import { STRUCTS } from '../../uapi/structs';
import { E, type Kernel } from '../kernel';
import { userfaultfdClearVma, userfaultfdRegisterRange, vmaCanUserfault } from '../mm/userfaultfd';
import {
  isVmHugetlbPage,
  userfaultfdMissing,
  VM,
  vmaIsAnonymous,
  vmaPageSize,
  vmasInRange,
  type Vma,
} from '../mm/vma';
import { structFields, type UserStruct } from './user-struct';
import type { UserfaultfdCtx } from './userfaultfd-ctx';
import { wakeUserfault } from './userfaultfd-fault';
import { validateRange } from './userfaultfd-range';

const uffdioRegister = structFields(STRUCTS.uffdio_register, ['range.start', 'range.len', 'mode', 'ioctls']);
const uffdioRange = structFields(STRUCTS.uffdio_range, ['start', 'len']);

const wpAsyncCtx = (ctx: UserfaultfdCtx): boolean => ctx.hasFeature(UFFD_FEATURE_WP_ASYNC);

/** The first vma of the range, and a hugetlb one must start on a huge page. */
function firstVma(vmas: readonly Vma[], start: number): number {
  const first = vmas[0];
  if (!first) return -E.EINVAL;
  if (isVmHugetlbPage(first) && start % vmaPageSize(first)) return -E.EINVAL;
  return 0;
}

export function userfaultfdRegister(k: Kernel, ctx: UserfaultfdCtx, arg: UserStruct): number {
  const p = k.profile;
  const r = arg.copyFromUser();
  if (!r) return -E.EFAULT;
  const mode = BigInt(r.u64(uffdioRegister.mode));
  if (mode === 0n || mode & ~p.registerModes) return -E.EINVAL;
  let vmFlags = 0;
  if (mode & UFFDIO_REGISTER_MODE_MISSING) vmFlags |= VM.UFFD_MISSING;
  if (mode & UFFDIO_REGISTER_MODE_WP) vmFlags |= VM.UFFD_WP;
  if (mode & UFFDIO_REGISTER_MODE_MINOR) vmFlags |= VM.UFFD_MINOR;
  const rangeStart = r.u64(uffdioRegister['range.start']);
  const rangeLen = r.u64(uffdioRegister['range.len']);
  const bad = validateRange(k, rangeStart, rangeLen);
  if (bad) return bad;
  const start = Number(rangeStart);
  const end = start + Number(rangeLen);
  if (!ctx.mm.alive) return -E.ENOMEM;

  const vmas = vmasInRange(ctx.mm, start, end);
  const first = firstVma(vmas, start);
  if (first) return first;
  let basic = false;
  for (const cur of vmas) {
    if (!vmaCanUserfault(k, cur, vmFlags, wpAsyncCtx(ctx))) return -E.EINVAL;
    if (p.registerNeedsMaywrite && !(cur.flags & VM.MAYWRITE)) return -E.EPERM;
    if (isVmHugetlbPage(cur) && end <= cur.end && end > cur.start && end % vmaPageSize(cur)) {
      return -E.EINVAL;
    }
    if (cur.ctx && cur.ctx !== ctx) return -E.EBUSY;
    if (isVmHugetlbPage(cur) || (p.basicForShmem && !vmaIsAnonymous(cur))) basic = true;
  }
  const ret = userfaultfdRegisterRange(ctx, vmFlags, start, end);
  if (ret) return ret;

  let ioctls = basic ? p.rangeIoctlsBasic : p.rangeIoctls;
  if (!(mode & UFFDIO_REGISTER_MODE_WP)) ioctls &= ~(1n << BigInt(_UFFDIO_WRITEPROTECT));
  if (!(mode & UFFDIO_REGISTER_MODE_MINOR)) ioctls &= ~(1n << BigInt(_UFFDIO_CONTINUE));
  return arg.putUser(uffdioRegister.ioctls, ioctls) ? 0 : -E.EFAULT;
}

export function userfaultfdUnregister(k: Kernel, ctx: UserfaultfdCtx, arg: UserStruct): number {
  const r = arg.copyFromUser();
  if (!r) return -E.EFAULT;
  const rangeStart = r.u64(uffdioRange.start);
  const rangeLen = r.u64(uffdioRange.len);
  const bad = validateRange(k, rangeStart, rangeLen);
  if (bad) return bad;
  const start = Number(rangeStart);
  const end = start + Number(rangeLen);
  if (!ctx.mm.alive) return -E.ENOMEM;

  const vmas = vmasInRange(ctx.mm, start, end);
  const first = firstVma(vmas, start);
  if (first) return first;
  for (const cur of vmas) {
    // Until 6.17 another uffd's registration was silently removed.
    if (k.profile.unregisterChecksCtx && cur.ctx && cur.ctx !== ctx) return -E.EINVAL;
    if (!vmaCanUserfault(k, cur, cur.flags, wpAsyncCtx(ctx))) return -E.EINVAL;
  }
  for (const vma of vmas) {
    if (!vma.ctx) continue;
    const s = Math.max(start, vma.start);
    const e = Math.min(end, vma.end);
    // Faults waiting on a MISSING range are woken so they do not hang; WP and MINOR ones are not.
    if (userfaultfdMissing(vma)) wakeUserfault(k, vma.ctx, s, e - s);
    const cleared = userfaultfdClearVma(k, vma, s, e);
    if (typeof cleared === 'number') return cleared;
  }
  return 0;
}
