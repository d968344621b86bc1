// mm/mprotect.c as userfaultfd uses it: uffd_wp_range() → change_protection() with MM_CP_UFFD_WP
// (set the uffd-wp bit; markers on empty PTEs where the vma uses them) or MM_CP_UFFD_WP_RESOLVE.

import { UFFD_FEATURE_WP_UNPOPULATED } from '../../uapi/userfaultfd';
import type { Kernel } from '../kernel';
import { PAGE_SIZE } from './page';
import { PTE } from './pgtable';
import { linearPageIndex, userfaultfdWp, VM, vmaIsAnonymous, vmaPageSize, type Vma } from './vma';

/**
 * userfaultfd_wp_use_markers(): file-backed uffd-wp always protects empty PTEs with a marker;
 * anonymous memory only with UFFD_FEATURE_WP_UNPOPULATED.
 */
export function userfaultfdWpUseMarkers(vma: Vma): boolean {
  if (!userfaultfdWp(vma)) return false;
  if (!vmaIsAnonymous(vma)) return true;
  return vma.ctx?.hasFeature(UFFD_FEATURE_WP_UNPOPULATED) ?? false;
}

/** Whether un-protecting may make the PTE writable at once (MM_CP_TRY_CHANGE_WRITABLE). */
function canBecomeWritable(k: Kernel, vma: Vma, pn: number, bits: number): boolean {
  if (!(vma.flags & VM.WRITE) || bits & PTE.ZERO) return false;
  if (vma.flags & VM.SHARED) return true;
  const page = vma.mm.pt.page(pn);
  const cached = vma.file !== null && vma.file.find(linearPageIndex(vma, pn * PAGE_SIZE)) === page;
  return !cached && (bits & PTE.EXCL) !== 0;
}

/** uffd_wp_range(): [start, end) of one vma, write-protected (enable) or resolved. */
export function uffdWpRange(k: Kernel, vma: Vma, start: number, end: number, enable: boolean): void {
  const pt = vma.mm.pt;
  const step = vmaPageSize(vma) / PAGE_SIZE;
  const markers = enable && userfaultfdWpUseMarkers(vma);
  for (let pn = start / PAGE_SIZE; pn < end / PAGE_SIZE; pn += step) {
    const bits = pt.bits(pn);
    if (bits & PTE.PRESENT) {
      const page = pt.page(pn);
      if (enable) pt.set(pn, (bits | PTE.UFFD_WP) & ~PTE.WRITE, page);
      else if (bits & PTE.UFFD_WP) {
        const w = canBecomeWritable(k, vma, pn, bits) ? PTE.WRITE : 0;
        pt.set(pn, (bits & ~PTE.UFFD_WP) | w, page);
      }
    } else if (bits & PTE.POISON) {
      continue;
    } else if (enable) {
      if (markers && bits === 0) pt.set(pn, PTE.UFFD_WP);
    } else if (bits & PTE.UFFD_WP) {
      pt.set(pn, 0);
    }
  }
}
