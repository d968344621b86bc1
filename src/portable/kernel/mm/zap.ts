// Dropping PTEs (mm/memory.c zap_pte_range): munmap, MADV_DONTNEED, hole punches, exit. On a
// file-backed vma registered for WP a write-protected PTE leaves a uffd-wp marker behind
// (pte_install_uffd_wp_if_needed); anonymous memory drops everything, markers included.

import type { Kernel } from '../kernel';
import type { Inode } from './filemap';
import { PAGE_SIZE } from './page';
import { PTE } from './pgtable';
import { linearPageIndex, userfaultfdWp, vmaIsAnonymous, vmaPageSize, type Vma } from './vma';

/** Releases what one PTE holds. */
function dropPte(k: Kernel, bits: number, page: number): void {
  if (bits & PTE.PRESENT && !(bits & PTE.ZERO)) k.pages.put(page);
}

/**
 * Zaps [start, end) of a vma. With `vmaGoing` (munmap, exit) nothing is left behind; otherwise a
 * file-backed uffd-wp vma keeps a marker where the PTE was write-protected. `only` limits the zap
 * to PTEs mapping pages of that file range (a hole punch leaves private copies alone).
 */
export function zapPageRange(
  k: Kernel,
  vma: Vma,
  start: number,
  end: number,
  vmaGoing: boolean,
  only?: { file: Inode; from: number; to: number },
): void {
  const pt = vma.mm.pt;
  const keepWp = !vmaGoing && !vmaIsAnonymous(vma) && userfaultfdWp(vma);
  const step = vmaPageSize(vma) / PAGE_SIZE;
  const entries: [number, number, number][] = [];
  pt.forEach(start / PAGE_SIZE, end / PAGE_SIZE, (pn, bits, page) => {
    if ((pn * PAGE_SIZE - vma.start) % (step * PAGE_SIZE) === 0) entries.push([pn, bits, page]);
  });
  for (const [pn, bits, page] of entries) {
    if (only) {
      const index = linearPageIndex(vma, pn * PAGE_SIZE);
      const mapsFilePage = bits & PTE.PRESENT && only.file.find(index) === page;
      if (!mapsFilePage || index < only.from || index >= only.to) continue;
    }
    dropPte(k, bits, page);
    pt.set(pn, keepWp && bits & PTE.UFFD_WP ? PTE.UFFD_WP : 0);
  }
}
