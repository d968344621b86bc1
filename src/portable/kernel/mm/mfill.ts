// mm/userfaultfd.c: mfill_atomic() and the per-page fills behind UFFDIO_COPY, ZEROPAGE, CONTINUE
// and POISON, with shmem_mfill_atomic_pte() (mm/shmem.c) and the hugetlb path. It returns the
// bytes filled before the first error, or the error when nothing was filled.

import type { UserfaultfdCtx } from '../fs/userfaultfd-ctx';
import { E, type Kernel } from '../kernel';
import { anonVmaPrepare } from './memory';
import { HPAGE_SIZE, PAGE_SIZE } from './page';
import { pteNone, pteNoneMostly, PTE } from './pgtable';
import { copyFromUser, ZERO_PAGE } from './uaccess';
import {
  isVmHugetlbPage,
  linearPageIndex,
  userfaultfdWp,
  VM,
  vmaIsAnonymous,
  vmaIsShmem,
  vmaLookup,
  type Vma,
} from './vma';

export const MFILL_ATOMIC = {
  COPY: 'copy',
  ZEROPAGE: 'zeropage',
  CONTINUE: 'continue',
  POISON: 'poison',
} as const;
export type MfillMode = (typeof MFILL_ATOMIC)[keyof typeof MFILL_ATOMIC];

interface Fill {
  readonly k: Kernel;
  readonly vma: Vma;
  readonly mode: MfillMode;
  readonly wp: boolean;
}

/** mfill_file_over_size(): a file page at or past i_size. */
function overSize(vma: Vma, addr: number): boolean {
  return vma.file !== null && linearPageIndex(vma, addr) >= vma.file.pages;
}

/** copy_from_user() of one source unit, as a new page; an errno when the source faults. */
function sourcePage(k: Kernel, src: number, size: number): number {
  const got = copyFromUser(k, k.currentMm, src, size);
  if (typeof got === 'number') {
    if (got < 0) return got;
    return got === ZERO_PAGE ? k.pages.alloc(0, size > PAGE_SIZE) : k.pages.copy(got);
  }
  const page = k.pages.alloc(0, size > PAGE_SIZE);
  k.pages.setBytes(page, got);
  return page;
}

/** mfill_atomic_install_pte(): maps `page` (one reference is the PTE's) unless the PTE is taken. */
function installPte(f: Fill, addr: number, page: number, inCache: boolean): number {
  const { k, vma } = f;
  const pn = addr / PAGE_SIZE;
  if (overSize(vma, addr)) return -E.EFAULT;
  if (!pteNoneMostly(vma.mm.pt.bits(pn))) return -E.EEXIST;
  const shared = (vma.flags & VM.SHARED) !== 0;
  const writable = vma.flags & VM.WRITE && !(inCache && !shared);
  let bits = PTE.PRESENT | (inCache ? 0 : PTE.EXCL) | (writable ? PTE.WRITE : 0);
  if (f.wp) bits = (bits | PTE.UFFD_WP) & ~PTE.WRITE;
  vma.mm.pt.set(pn, bits, inCache ? k.pages.get(page) : page);
  return 0;
}

function mfillAtomicPteCopy(f: Fill, dst: number, src: number): number {
  const page = sourcePage(f.k, src, PAGE_SIZE);
  if (page < 0) return page;
  const err = installPte(f, dst, page, false);
  if (err) f.k.pages.put(page);
  return err;
}

function mfillAtomicPteZeropage(f: Fill, dst: number): number {
  const pn = dst / PAGE_SIZE;
  if (overSize(f.vma, dst)) return -E.EFAULT;
  if (!pteNone(f.vma.mm.pt.bits(pn))) return -E.EEXIST;
  f.vma.mm.pt.set(pn, PTE.PRESENT | PTE.ZERO);
  return 0;
}

function mfillAtomicPteContinue(f: Fill, dst: number): number {
  const file = f.vma.file!;
  const index = linearPageIndex(f.vma, dst);
  // shmem_get_folio(SGP_NOALLOC): past i_size is -EINVAL, a hole -EFAULT.
  if (index >= file.pages) return -E.EINVAL;
  const page = file.find(index);
  if (!page) return -E.EFAULT;
  return installPte(f, dst, page, true);
}

function mfillAtomicPtePoison(f: Fill, dst: number): number {
  const pn = dst / PAGE_SIZE;
  if (overSize(f.vma, dst)) return -E.EFAULT;
  if (!pteNone(f.vma.mm.pt.bits(pn))) return -E.EEXIST;
  f.vma.mm.pt.set(pn, PTE.POISON);
  return 0;
}

/** shmem_mfill_atomic_pte(): COPY or ZEROPAGE into a shared shmem mapping fills the page cache. */
function shmemMfillAtomicPte(f: Fill, dst: number, src: number): number {
  const { k, vma } = f;
  const page = f.mode === MFILL_ATOMIC.COPY ? sourcePage(k, src, PAGE_SIZE) : k.pages.alloc(0);
  if (page < 0) return page;
  const file = vma.file!;
  const index = linearPageIndex(vma, dst);
  let err = 0;
  if (index >= file.pages) err = -E.EFAULT;
  else if (file.find(index)) err = -E.EEXIST;
  if (err) {
    k.pages.put(page);
    return err;
  }
  file.add(index, page);
  err = installPte(f, dst, page, true);
  if (err) file.remove(index, index + 1, k.pages);
  return err;
}

function mfillAtomicPte(f: Fill, dst: number, src: number): number {
  switch (f.mode) {
    case 'continue':
      return mfillAtomicPteContinue(f, dst);
    case 'poison':
      return mfillAtomicPtePoison(f, dst);
  }
  if (!(f.vma.flags & VM.SHARED)) {
    return f.mode === 'copy' ? mfillAtomicPteCopy(f, dst, src) : mfillAtomicPteZeropage(f, dst);
  }
  return shmemMfillAtomicPte(f, dst, src);
}

/** hugetlb_mfill_atomic_pte() for one huge page. */
function hugetlbMfillAtomicPte(f: Fill, dst: number, src: number): number {
  const { k, vma } = f;
  const pn = dst / PAGE_SIZE;
  const bits = vma.mm.pt.bits(pn);
  if (f.mode !== 'continue' && !pteNoneMostly(bits)) return -E.EEXIST;
  const file = vma.file!;
  const index = linearPageIndex(vma, dst);
  if (f.mode === 'poison') {
    vma.mm.pt.set(pn, PTE.POISON);
    return 0;
  }
  if (f.mode === 'continue') {
    const page = index < file.pages ? file.find(index) : 0;
    if (!page) return -E.EFAULT;
    if (!pteNoneMostly(bits)) return -E.EEXIST;
    return installPte(f, dst, page, true);
  }
  const page = sourcePage(k, src, HPAGE_SIZE);
  if (page < 0) return page;
  const shared = (vma.flags & VM.SHARED) !== 0;
  let err = index >= file.pages ? -E.EFAULT : 0;
  if (!err && shared && file.find(index)) err = -E.EEXIST;
  if (!err && shared) file.add(index, page);
  if (!err) err = installPte(f, dst, page, shared);
  if (err && !(shared && file.find(index) === page)) k.pages.put(page);
  return err;
}

/** mfill_atomic_hugetlb(): whole huge pages only, and no zero huge page. */
function mfillAtomicHugetlb(f: Fill, dst: number, src: number, len: number): number {
  if (f.mode === 'zeropage') return -E.EINVAL;
  if (dst % HPAGE_SIZE || len % HPAGE_SIZE) return -E.EINVAL;
  let done = 0;
  let err = 0;
  while (done < len) {
    err = hugetlbMfillAtomicPte(f, dst + done, src + done);
    if (err) break;
    done += HPAGE_SIZE;
  }
  return done || err;
}

/**
 * mfill_atomic(): [dst, dst+len) must lie in one vma registered with some uffd (any mode, any
 * ctx); then page by page until the first error.
 */
export function mfillAtomic(
  k: Kernel,
  ctx: UserfaultfdCtx,
  dst: number,
  src: number,
  len: number,
  mode: MfillMode,
  wp = false,
): number {
  const p = k.profile;
  const vma = vmaLookup(ctx.mm, dst);
  if (!vma) return -p.noVmaErrno;
  anonVmaPrepare(k, vma);
  if (dst + len > vma.end || !vma.ctx) return -p.noVmaErrno;
  if (p.mmapChanging && ctx.mmapChanging) return -E.EAGAIN;
  if (wp && !userfaultfdWp(vma)) return -E.EINVAL;
  const f: Fill = { k, vma, mode, wp };
  if (isVmHugetlbPage(vma)) return mfillAtomicHugetlb(f, dst, src, len);
  if (!vmaIsAnonymous(vma) && !vmaIsShmem(vma)) return -E.EINVAL;
  if (mode === 'continue' && !vmaIsShmem(vma)) return -E.EINVAL;
  if (mode === 'zeropage' && vmaIsShmem(vma) && !p.zeropageShmem) return -E.EINVAL;
  let done = 0;
  let err = 0;
  while (done < len) {
    err = mfillAtomicPte(f, dst + done, src + done);
    if (err) break;
    done += PAGE_SIZE;
  }
  return done || err;
}
