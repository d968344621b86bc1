// mm/memory.c: handle_mm_fault() and the handlers behind it, with the userfaultfd hooks where the
// kernel has them: do_anonymous_page() (MISSING), the shmem fault (MISSING, MINOR), do_wp_page()
// (WP), PTE markers (uffd-wp, poison), and fault-around for file reads. When handle_userfault()
// has queued the thread, VM_FAULT.SLEEP travels back up and the access loop sleeps (uaccess.ts).

import { handleUserfault } from '../fs/userfaultfd-fault';
import { UFFD_FEATURE_WP_ASYNC } from '../../uapi/userfaultfd';
import type { Kernel } from '../kernel';
import { VM_FAULT, type VmFault } from './fault';
import { hugetlbFault } from './hugetlb';
import { PAGE_SIZE } from './page';
import { PTE, PTRS_PER_PTE } from './pgtable';
import {
  isVmHugetlbPage,
  linearPageIndex,
  userfaultfdMinor,
  userfaultfdMissing,
  userfaultfdWp,
  VM,
  vmaIsAnonymous,
  type Vma,
} from './vma';

/** anon_vma_prepare(): a private mapping gets its anon_vma with its first anonymous page. */
export function anonVmaPrepare(k: Kernel, vma: Vma): void {
  if (!(vma.flags & VM.SHARED) && vma.anonVma === 0) vma.anonVma = k.newAnonVma();
}

export const userfaultfdWpAsync = (vma: Vma): boolean =>
  vma.ctx !== null && vma.ctx.hasFeature(UFFD_FEATURE_WP_ASYNC);

/** The bits of a newly installed PTE when the one it replaces was a uffd-wp marker. */
function withOrigWp(vmf: VmFault, bits: number): number {
  return vmf.origPte & PTE.UFFD_WP ? (bits | PTE.UFFD_WP) & ~PTE.WRITE : bits;
}

export function handleMmFault(k: Kernel, vmf: VmFault): number {
  if (isVmHugetlbPage(vmf.vma)) return hugetlbFault(k, vmf);
  const bits = vmf.vma.mm.pt.bits(vmf.pn);
  vmf.origPte = bits;
  if (bits === 0) return doPteMissing(k, vmf);
  if (!(bits & PTE.PRESENT)) return handlePteMarker(k, vmf);
  if (vmf.write && !(bits & PTE.WRITE)) return doWpPage(k, vmf);
  return 0;
}

function doPteMissing(k: Kernel, vmf: VmFault): number {
  if (vmaIsAnonymous(vmf.vma)) return doAnonymousPage(k, vmf);
  return doFault(k, vmf);
}

function handlePteMarker(k: Kernel, vmf: VmFault): number {
  if (vmf.origPte & PTE.POISON) return VM_FAULT.HWPOISON;
  // A uffd-wp marker left in a vma no longer registered for WP is simply dropped.
  if (!userfaultfdWp(vmf.vma)) {
    vmf.vma.mm.pt.set(vmf.pn, 0);
    return 0;
  }
  return doPteMissing(k, vmf);
}

function doAnonymousPage(k: Kernel, vmf: VmFault): number {
  const { vma } = vmf;
  // Reads map the shared zero page; either way a MISSING registration hands the fault to the uffd.
  if (userfaultfdMissing(vma)) return handleUserfault(k, vmf, VM.UFFD_MISSING);
  if (!vmf.write) {
    vma.mm.pt.set(vmf.pn, withOrigWp(vmf, PTE.PRESENT | PTE.ZERO));
    return 0;
  }
  anonVmaPrepare(k, vma);
  const page = k.pages.alloc(0);
  const bits = PTE.PRESENT | PTE.EXCL | (vma.flags & VM.WRITE ? PTE.WRITE : 0);
  vma.mm.pt.set(vmf.pn, withOrigWp(vmf, bits), page);
  return 0;
}

/** do_wp_page(): a write to a present, write-protected PTE. */
function doWpPage(k: Kernel, vmf: VmFault): number {
  const { vma } = vmf;
  const pt = vma.mm.pt;
  let bits = vmf.origPte;
  if (bits & PTE.UFFD_WP && userfaultfdWp(vma)) {
    if (!userfaultfdWpAsync(vma)) return handleUserfault(k, vmf, VM.UFFD_WP);
    // WP_ASYNC: the kernel drops the uffd-wp bit itself and the write goes on.
    bits &= ~PTE.UFFD_WP;
    pt.set(vmf.pn, bits, pt.page(vmf.pn));
  }
  wpPage(k, vma, vmf.pn, bits);
  return 0;
}

/** The copy-on-write or reuse that makes a write-protected PTE writable. */
export function wpPage(k: Kernel, vma: Vma, pn: number, bits: number): void {
  const pt = vma.mm.pt;
  const page = pt.page(pn);
  bits &= ~PTE.UFFD_WP;
  if (vma.flags & VM.SHARED) {
    pt.set(pn, bits | PTE.WRITE, page);
    return;
  }
  const addr = pn * PAGE_SIZE;
  const cachePage = vma.file !== null && vma.file.find(linearPageIndex(vma, addr)) === page;
  if (!(bits & PTE.ZERO) && !cachePage && (bits & PTE.EXCL || k.pages.refcount(page) === 1)) {
    pt.set(pn, bits | PTE.WRITE | PTE.EXCL, page);
    return;
  }
  anonVmaPrepare(k, vma);
  const copy = bits & PTE.ZERO ? k.pages.alloc(0) : k.pages.copy(page);
  if (!(bits & PTE.ZERO)) k.pages.put(page);
  pt.set(pn, PTE.PRESENT | PTE.EXCL | PTE.WRITE, copy);
}

/** do_fault() for file mappings: read, copy-on-write (private) or shared write. */
function doFault(k: Kernel, vmf: VmFault): number {
  const { vma } = vmf;
  if (!vmf.write && shouldFaultAround(vma)) {
    doFaultAround(k, vmf);
    if (vma.mm.pt.bits(vmf.pn) & PTE.PRESENT) return 0;
  }
  const got = fileFault(k, vmf);
  if (got.ret) return got.ret;
  const page = got.page;
  const pt = vma.mm.pt;
  if (vmf.write && !(vma.flags & VM.SHARED)) {
    anonVmaPrepare(k, vma);
    const copy = k.pages.copy(page);
    const bits = PTE.PRESENT | PTE.EXCL | (vma.flags & VM.WRITE ? PTE.WRITE : 0);
    pt.set(vmf.pn, withOrigWp(vmf, bits), copy);
    return 0;
  }
  pt.set(vmf.pn, withOrigWp(vmf, fileMapBits(vma, vmf.write)), k.pages.get(page));
  return 0;
}

/** A file page mapped into a vma: writable in a shared writable mapping, read-only in a private one. */
export function fileMapBits(vma: Vma, write: boolean): number {
  const writable = vma.flags & VM.SHARED && vma.flags & VM.WRITE && (write || !userfaultfdWp(vma));
  return PTE.PRESENT | (writable ? PTE.WRITE : 0);
}

/**
 * The page cache side of a file fault: shmem_get_folio_gfp() with its userfaultfd hooks (a cached
 * page in a MINOR vma, or a hole in a MISSING vma, goes to the uffd), or filemap_fault() for a
 * regular file. Past the end of the file: SIGBUS.
 */
function fileFault(k: Kernel, vmf: VmFault): { ret: number; page: number } {
  const { vma } = vmf;
  const file = vma.file!;
  const index = linearPageIndex(vma, vmf.address);
  if (index >= file.pages) return { ret: VM_FAULT.SIGBUS, page: 0 };
  let page = file.find(index);
  if (file.type === 'shmem') {
    if (page && userfaultfdMinor(vma)) {
      return { ret: handleUserfault(k, vmf, VM.UFFD_MINOR), page: 0 };
    }
    if (!page && userfaultfdMissing(vma)) {
      return { ret: handleUserfault(k, vmf, VM.UFFD_MISSING), page: 0 };
    }
  }
  if (!page) {
    page = k.pages.alloc(0);
    file.add(index, page);
  }
  return { ret: 0, page };
}

/** fault_around_bytes (64 KiB): a file read maps up to 16 cached neighbours too. */
const FAULT_AROUND_PAGES = 16;

/** should_fault_around(): files with map_pages, unless registered for WP or MINOR. */
function shouldFaultAround(vma: Vma): boolean {
  return vma.file !== null && !isVmHugetlbPage(vma) && !(vma.flags & (VM.UFFD_WP | VM.UFFD_MINOR));
}

/** do_fault_around() + filemap_map_pages(): maps cached, in-size pages whose PTE is none. */
function doFaultAround(k: Kernel, vmf: VmFault): void {
  const { vma } = vmf;
  const file = vma.file!;
  const pteOff = vmf.pn % PTRS_PER_PTE;
  const vmaOff = (vmf.address - vma.start) / PAGE_SIZE;
  const vmaPages = (vma.end - vma.start) / PAGE_SIZE;
  const from = Math.max(
    Math.floor(pteOff / FAULT_AROUND_PAGES) * FAULT_AROUND_PAGES,
    pteOff - Math.min(pteOff, vmaOff),
  );
  const to = Math.min(from + FAULT_AROUND_PAGES, PTRS_PER_PTE, pteOff + vmaPages - vmaOff);
  const pt = vma.mm.pt;
  for (let i = from; i < to; i++) {
    const pn = vmf.pn - pteOff + i;
    if (pt.bits(pn) !== 0) continue;
    const index = linearPageIndex(vma, pn * PAGE_SIZE);
    const page = index < file.pages ? file.find(index) : 0;
    if (page) pt.set(pn, fileMapBits(vma, false), k.pages.get(page));
  }
}
