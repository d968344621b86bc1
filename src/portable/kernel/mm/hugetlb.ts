// mm/hugetlb.c: hugetlb_fault() on 2 MiB pages, with its userfaultfd hooks in hugetlb_no_page()
// (MISSING on a hole, MINOR on a cached page) and hugetlb_wp() (WP).

import type { Kernel } from '../kernel';
import { handleUserfault } from '../fs/userfaultfd-fault';
import { VM_FAULT, type VmFault } from './fault';
import { anonVmaPrepare, fileMapBits, userfaultfdWpAsync, wpPage } from './memory';
import { PTE } from './pgtable';
import { linearPageIndex, userfaultfdMinor, userfaultfdMissing, userfaultfdWp, VM } from './vma';

export function hugetlbFault(k: Kernel, vmf: VmFault): number {
  const { vma } = vmf;
  const pt = vma.mm.pt;
  let bits = pt.bits(vmf.pn);
  vmf.origPte = bits;
  if (!(bits & PTE.PRESENT)) {
    if (bits & PTE.POISON) return VM_FAULT.HWPOISON;
    return hugetlbNoPage(k, vmf);
  }
  if (!vmf.write || bits & PTE.WRITE) return 0;
  if (bits & PTE.UFFD_WP && userfaultfdWp(vma)) {
    if (!userfaultfdWpAsync(vma)) return handleUserfault(k, vmf, VM.UFFD_WP);
    bits &= ~PTE.UFFD_WP;
  }
  wpPage(k, vma, vmf.pn, bits);
  return 0;
}

function hugetlbNoPage(k: Kernel, vmf: VmFault): number {
  const { vma } = vmf;
  const file = vma.file!;
  const index = linearPageIndex(vma, vmf.address);
  if (index >= file.pages) return VM_FAULT.SIGBUS;
  const shared = (vma.flags & VM.SHARED) !== 0;
  const wp = vmf.origPte & PTE.UFFD_WP && userfaultfdWp(vma) ? PTE.UFFD_WP : 0;
  const pt = vma.mm.pt;
  let page = file.find(index);
  if (page) {
    if (userfaultfdMinor(vma)) return handleUserfault(k, vmf, VM.UFFD_MINOR);
    const bits = fileMapBits(vma, vmf.write) | wp;
    pt.set(vmf.pn, wp ? bits & ~PTE.WRITE : bits, k.pages.get(page));
    // A write to a private mapping of a cached page copies it at once (no second fault).
    if (vmf.write && !shared && !wp) wpPage(k, vma, vmf.pn, pt.bits(vmf.pn));
    return 0;
  }
  if (userfaultfdMissing(vma)) return handleUserfault(k, vmf, VM.UFFD_MISSING);
  anonVmaPrepare(k, vma);
  page = k.pages.alloc(0, true);
  if (shared) {
    file.add(index, page);
    pt.set(vmf.pn, wp ? PTE.PRESENT | wp : fileMapBits(vma, vmf.write), k.pages.get(page));
    return 0;
  }
  const writable = vma.flags & VM.WRITE && !wp ? PTE.WRITE : 0;
  pt.set(vmf.pn, PTE.PRESENT | PTE.EXCL | writable | wp, page);
  return 0;
}
