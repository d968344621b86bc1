// mm/mremap.c: shrink or grow in place, or move to a new address with the page tables. A move of
// a registered vma sends REMAP (EVENT_REMAP) and keeps the registration, or drops it; the old range
// is then unmapped, which may send UNMAP. The caller blocks until each event is read.

import type { Sleep } from '../fs/userfaultfd-ctx';
import {
  mremapUserfaultfdComplete,
  mremapUserfaultfdPrep,
  userfaultfdUnmapComplete,
  type RemapCtx,
  type UnmapCtx,
} from '../fs/userfaultfd-events';
import { UFFD_FEATURE_EVENT_REMAP } from '../../uapi/userfaultfd';
import { E, TASK_SIZE, type Kernel } from '../kernel';
import { doMunmap, pageAlign } from './mmap';
import type { Mm } from './mm';
import { PAGE_SIZE } from './page';
import { PTE } from './pgtable';
import { insertVma, isVmHugetlbPage, vmaLookup, vmaPageSize, vmasInRange, type Vma } from './vma';

export const MREMAP_MAYMOVE = 1;
export const MREMAP_FIXED = 2;
export const MREMAP_DONTUNMAP = 4;

/** move_ptes(): the PTEs follow the vma; without EVENT_REMAP the uffd-wp state is dropped on the way. */
function movePageTables(vma: Vma, from: number, to: number, len: number, clearWp: boolean): void {
  const pt = vma.mm.pt;
  const moved: [number, number, number][] = [];
  pt.forEach(from / PAGE_SIZE, (from + len) / PAGE_SIZE, (pn, bits, page) => moved.push([pn, bits, page]));
  for (const [pn] of moved) pt.set(pn, 0);
  for (const [pn, bits, page] of moved) {
    let b = bits;
    if (clearWp && b & PTE.UFFD_WP) b &= ~PTE.UFFD_WP;
    if (b) pt.set(pn - from / PAGE_SIZE + to / PAGE_SIZE, b, page);
  }
}

/** move_vma(): a copy of the vma at the new place, the pages moved there. */
function moveVma(vma: Vma, addr: number, oldLen: number, newLen: number, newAddr: number, uf: RemapCtx): Vma {
  // vma_has_uffd_without_event_remap()
  const clearWp = vma.ctx !== null && !vma.ctx.hasFeature(UFFD_FEATURE_EVENT_REMAP);
  const moved: Vma = {
    ...vma,
    start: newAddr,
    end: newAddr + newLen,
    pgoff: vma.pgoff + (addr - vma.start) / PAGE_SIZE,
  };
  insertVma(vma.mm, moved);
  mremapUserfaultfdPrep(moved, uf);
  movePageTables(vma, addr, newAddr, oldLen, clearWp);
  return moved;
}

/** vma_expand() into free space right after the vma. */
function growInPlace(mm: Mm, vma: Vma, newEnd: number): boolean {
  if (newEnd > TASK_SIZE || vmasInRange(mm, vma.end, newEnd).length > 0) return false;
  vma.end = newEnd;
  mm.changed();
  return true;
}

/**
 * mremap(): returns the new address or -errno. With MREMAP_MAYMOVE the mapping always moves to
 * `newAddr` (the engines place it, as MREMAP_MAYMOVE|MREMAP_FIXED).
 */
export function* sysMremap(
  k: Kernel,
  mm: Mm,
  addr: number,
  oldLenIn: number,
  newLenIn: number,
  flags: number,
  newAddr: number,
): Generator<Sleep, number, void> {
  if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)) return -E.EINVAL;
  if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP) && !(flags & MREMAP_MAYMOVE)) return -E.EINVAL;
  if (addr % PAGE_SIZE) return -E.EINVAL;
  let oldLen = pageAlign(oldLenIn);
  const newLen = pageAlign(newLenIn);
  if (newLen === 0 || oldLen === 0) return -E.EINVAL;
  if (flags & MREMAP_DONTUNMAP && oldLen !== newLen) return -E.EINVAL;
  const vma = vmaLookup(mm, addr);
  if (!vma) return -E.EFAULT;
  if (isVmHugetlbPage(vma) && (addr | oldLen | newLen) % vmaPageSize(vma)) return -E.EINVAL;
  if (addr + oldLen > vma.end) return -E.EFAULT;

  const early: UnmapCtx[] = [];
  const later: UnmapCtx[] = [];
  const uf: RemapCtx = { ctx: null };
  let ret = addr;
  if (flags & MREMAP_MAYMOVE) {
    if (newAddr % PAGE_SIZE) return -E.EINVAL;
    if (newAddr < addr + oldLen && addr < newAddr + newLen) return -E.EINVAL;
    const err = doMunmap(k, mm, newAddr, newLen, early);
    if (err) return err;
    if (oldLen > newLen) {
      doMunmap(k, mm, addr + newLen, oldLen - newLen, later);
      oldLen = newLen;
    }
    const src = vmaLookup(mm, addr)!;
    moveVma(src, addr, oldLen, newLen, newAddr, uf);
    if (!(flags & MREMAP_DONTUNMAP)) doMunmap(k, mm, addr, oldLen, later);
    ret = newAddr;
  } else if (newLen <= oldLen) {
    if (newLen < oldLen) doMunmap(k, mm, addr + newLen, oldLen - newLen, later);
  } else if (addr + oldLen !== vma.end || !growInPlace(mm, vma, addr + newLen)) {
    return -E.ENOMEM;
  }
  yield* userfaultfdUnmapComplete(k, early);
  yield* mremapUserfaultfdComplete(k, uf, addr, ret, oldLen);
  yield* userfaultfdUnmapComplete(k, later);
  return ret;
}
