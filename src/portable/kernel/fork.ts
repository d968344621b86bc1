// kernel/fork.c and mm/mmap.c dup_mmap(): the child's mm is a copy of the parent's. Private
// anonymous pages are shared copy-on-write (no longer exclusive to either side, so UFFDIO_MOVE
// refuses them with EBUSY); shared mappings share their pages. Registered vmas keep their
// registration in the child only with EVENT_FORK, and then the parent waits for the FORK event.

import type { Sleep } from './fs/userfaultfd-ctx';
import { dupUserfaultfd, dupUserfaultfdComplete, type ForkCtx } from './fs/userfaultfd-events';
import type { Kernel } from './kernel';
import { PAGE_SIZE } from './mm/page';
import { PTE } from './mm/pgtable';
import { userfaultfdWp, VM, type Vma } from './mm/vma';
import type { Process } from './sched';

/**
 * vma_needs_copy(): PTEs are copied where a later fault could not rebuild them: anonymous pages
 * (a private mapping with an anon_vma) and uffd-wp state. A private mapping only ever read has no
 * anon_vma: its zero-page PTEs are not copied, the child faults them in again.
 */
function vmaNeedsCopy(dst: Vma, src: Vma): boolean {
  return userfaultfdWp(dst) || src.anonVma !== 0;
}

/** copy_page_range(): copy_present_pte() and copy_nonpresent_pte() for markers. */
function copyPageRange(k: Kernel, dst: Vma, src: Vma): void {
  const cow = !(src.flags & VM.SHARED) && (src.flags & VM.MAYWRITE) !== 0;
  const keepWp = userfaultfdWp(dst);
  const spt = src.mm.pt;
  const entries: [number, number, number][] = [];
  spt.forEach(src.start / PAGE_SIZE, src.end / PAGE_SIZE, (pn, bits, page) => entries.push([pn, bits, page]));
  for (const [pn, bits, page] of entries) {
    let child = bits;
    if (!(bits & PTE.PRESENT)) {
      // Poison markers always follow; uffd-wp markers only into a vma still registered for WP.
      if (!(bits & PTE.POISON) && !keepWp) continue;
      dst.mm.pt.set(pn, keepWp ? bits : bits & ~PTE.UFFD_WP);
      continue;
    }
    if (cow) {
      const parent = bits & ~(PTE.WRITE | PTE.EXCL);
      spt.set(pn, parent, page);
      child = parent;
    }
    if (!keepWp) child &= ~PTE.UFFD_WP;
    if (!(bits & PTE.ZERO)) k.pages.get(page);
    dst.mm.pt.set(pn, child, page);
  }
}

/** dup_mmap() and then, once the child exists, the FORK events (the parent blocks on each). */
export function* copyProcess(k: Kernel, parent: Process, child: Process): Generator<Sleep, number, void> {
  const fcs: ForkCtx[] = [];
  for (const vma of parent.mm.vmas) {
    const copy: Vma = { ...vma, mm: child.mm };
    child.mm.vmas.push(copy);
    dupUserfaultfd(copy, fcs);
    if (vmaNeedsCopy(copy, vma)) copyPageRange(k, copy, vma);
  }
  child.mm.changed();
  parent.mm.changed();
  yield* dupUserfaultfdComplete(k, fcs);
  child.started = true;
  return child.pid;
}
