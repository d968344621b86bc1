// mm/mmap.c and mm/vma.c: creating a mapping at the place the caller chose, and munmap (split at
// the range ends, UNMAP events prepared per uffd, the vmas removed and their pages dropped).

import { E, TASK_SIZE, type Kernel } from '../kernel';
import type { UnmapCtx } from '../fs/userfaultfd-events';
import { userfaultfdUnmapPrep } from '../fs/userfaultfd-events';
import type { Inode } from './filemap';
import type { Mm } from './mm';
import { PAGE_SIZE } from './page';
import { splitFails } from './userfaultfd';
import { insertVma, isolateVma, removeVma, VM, vmasInRange, type Vma } from './vma';
import { zapPageRange } from './zap';

export const pageAlign = (n: number): number => Math.ceil(n / PAGE_SIZE) * PAGE_SIZE;

export interface MmapRequest {
  readonly start: number;
  readonly len: number;
  /** VM_READ | VM_WRITE | VM_EXEC | VM_SHARED | VM_MAYWRITE | VM_HUGETLB */
  readonly flags: number;
  readonly file: Inode | null;
  readonly pgoff: number;
}

/** mmap_region() at a free place: a new vma (areas are placed apart, so it merges with nothing). */
export function mmapRegion(mm: Mm, req: MmapRequest): Vma {
  const vma: Vma = {
    mm,
    start: req.start,
    end: req.start + req.len,
    flags: req.flags,
    file: req.file,
    pgoff: req.file ? req.pgoff : req.start / PAGE_SIZE,
    ctx: null,
    anonVma: 0,
  };
  insertVma(mm, vma);
  return vma;
}

/** The vmas and pages of [start, end) go away (unmap_region after the split). */
function removeRange(k: Kernel, vmas: readonly Vma[]): void {
  for (const v of vmas) {
    zapPageRange(k, v, v.start, v.end, true);
    removeVma(v.mm, v);
  }
}

/**
 * do_vmi_munmap(): [start, start+len) unmapped; a uffd with EVENT_UNMAP on any vma of it gets one
 * UNMAP with the whole range, sent once the caller has dropped its locks (unmapComplete).
 */
export function doMunmap(k: Kernel, mm: Mm, start: number, lenIn: number, unmaps: UnmapCtx[]): number {
  if (start % PAGE_SIZE || start >= TASK_SIZE) return -E.EINVAL;
  const len = pageAlign(lenIn);
  if (len === 0 || len > TASK_SIZE - start) return -E.EINVAL;
  const end = start + len;
  const vmas = vmasInRange(mm, start, end);
  if (vmas.length === 0) return 0;
  if (vmas.some((v) => splitFails(v, Math.max(start, v.start), Math.min(end, v.end)))) return -E.EINVAL;
  for (const v of vmas) userfaultfdUnmapPrep(v, start, end, unmaps);
  removeRange(
    k,
    vmas.map((v) => isolateVma(v, Math.max(start, v.start), Math.min(end, v.end))),
  );
  return 0;
}

export const protFlags = (read: boolean, write: boolean, exec: boolean): number =>
  (read ? VM.READ : 0) | (write ? VM.WRITE : 0) | (exec ? VM.EXEC : 0);
