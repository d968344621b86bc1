// mm/userfaultfd.c: move_pages() behind UFFDIO_MOVE. Anonymous pages only, moved by their PTEs
// within ctx->mm: the destination must be registered with this ctx and empty, the source page
// exclusive to this process (not COW-shared after fork).

import type { UserfaultfdCtx } from '../fs/userfaultfd-ctx';
import { UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES } from '../../uapi/userfaultfd';
import { E, type Kernel } from '../kernel';
import { anonVmaPrepare } from './memory';
import { PAGE_SIZE } from './page';
import { pteNone, PTE } from './pgtable';
import { isVmHugetlbPage, VM, VM_ACCESS_FLAGS, vmaIsAnonymous, vmaLookup, type Vma } from './vma';

/** validate_move_areas() */
function validateMoveAreas(ctx: UserfaultfdCtx, src: Vma, dst: Vma): number {
  if ((src.flags & VM_ACCESS_FLAGS) !== (dst.flags & VM_ACCESS_FLAGS)) return -E.EINVAL;
  if (!(src.flags & VM.WRITE)) return -E.EINVAL;
  if (isVmHugetlbPage(src) || isVmHugetlbPage(dst)) return -E.EINVAL;
  if (dst.ctx !== ctx) return -E.EINVAL;
  if (!vmaIsAnonymous(src) || !vmaIsAnonymous(dst)) return -E.EINVAL;
  return 0;
}

/** move_pages_pte() for one page: 0 when moved (or a hole allowed), else why it stopped. */
function movePagesPte(ctx: UserfaultfdCtx, dst: number, src: number, mode: bigint): number {
  const pt = ctx.mm.pt;
  const dpn = dst / PAGE_SIZE;
  const spn = src / PAGE_SIZE;
  if (!pteNone(pt.bits(dpn))) return -E.EEXIST;
  const bits = pt.bits(spn);
  if (bits === 0) return mode & UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES ? 0 : -E.ENOENT;
  // A marker (uffd-wp, poison) is no page to move.
  if (!(bits & PTE.PRESENT)) return -E.EFAULT;
  if (bits & PTE.ZERO) {
    pt.set(spn, 0);
    pt.set(dpn, PTE.PRESENT | PTE.ZERO);
    return 0;
  }
  if (!(bits & PTE.EXCL)) return -E.EBUSY;
  const page = pt.page(spn);
  pt.set(spn, 0);
  pt.set(dpn, PTE.PRESENT | PTE.EXCL | PTE.WRITE, page);
  return 0;
}

export function movePages(
  k: Kernel,
  ctx: UserfaultfdCtx,
  dstStart: number,
  srcStart: number,
  len: number,
  mode: bigint,
): number {
  const mm = ctx.mm;
  const dstVma = vmaLookup(mm, dstStart);
  if (!dstVma) return -E.ENOENT;
  anonVmaPrepare(k, dstVma);
  const srcVma = srcStart >= dstVma.start && srcStart < dstVma.end ? dstVma : vmaLookup(mm, srcStart);
  if (!srcVma) return -E.ENOENT;
  if (ctx.mmapChanging) return -E.EAGAIN;
  if (srcVma.flags & VM.SHARED || srcStart + len > srcVma.end) return -E.EINVAL;
  if (dstVma.flags & VM.SHARED || dstStart + len > dstVma.end) return -E.EINVAL;
  const bad = validateMoveAreas(ctx, srcVma, dstVma);
  if (bad) return bad;
  let moved = 0;
  let err = 0;
  while (moved < len) {
    err = movePagesPte(ctx, dstStart + moved, srcStart + moved, mode);
    if (err) break;
    moved += PAGE_SIZE;
  }
  return moved || err;
}
