// mm/madvise.c: the advice userfaultfd cares about. DONTNEED, DONTNEED_LOCKED and FREE send REMOVE
// (clipped to each vma) before acting; REMOVE punches a hole in the file behind a shared mapping.
// PAGEOUT and COLD change nothing visible here: there is no swap.

import type { Advice } from '../../model/operation';
import type { Sleep } from '../fs/userfaultfd-ctx';
import { userfaultfdRemove } from '../fs/userfaultfd-events';
import { E, type Kernel } from '../kernel';
import type { Mm } from './mm';
import { pageAlign } from './mmap';
import { PAGE_SIZE } from './page';
import { isVmHugetlbPage, VM, vmaIsAnonymous, vmaLookup, vmaPageSize, vmasInRange, type Vma } from './vma';
import { zapPageRange } from './zap';

type MadviseGen = Generator<Sleep, number, void>;

/** madvise_dontneed_free_valid_vma(): on hugetlb only DONTNEED, from a huge page boundary. */
function dontneedFreeRange(vma: Vma, start: number, end: number, advice: Advice): number | undefined {
  if (!isVmHugetlbPage(vma)) return end;
  if (advice !== 'MADV_DONTNEED' && advice !== 'MADV_DONTNEED_LOCKED') return undefined;
  const size = vmaPageSize(vma);
  if (start % size) return undefined;
  return end - (end % size);
}

function* madviseDontneedFree(k: Kernel, vma: Vma, start: number, endIn: number, advice: Advice): MadviseGen {
  let end = dontneedFreeRange(vma, start, endIn, advice);
  if (end === undefined) return -E.EINVAL;
  const noEvent = yield* userfaultfdRemove(k, vma, start, end);
  let v = vma;
  if (!noEvent) {
    // The event dropped the mmap lock: look the vma up again.
    const again = vmaLookup(vma.mm, start);
    if (!again) return -E.ENOMEM;
    v = again;
    end = dontneedFreeRange(v, start, Math.min(end, v.end), advice);
    if (end === undefined) return -E.EINVAL;
  }
  if (advice === 'MADV_FREE') return vmaIsAnonymous(v) ? 0 : -E.EINVAL;
  if (end > start) zapPageRange(k, v, start, end, false);
  return 0;
}

/** madvise_remove(): REMOVE, then fallocate(PUNCH_HOLE) on the file: every mapping of it loses the pages. */
function* madviseRemove(k: Kernel, vma: Vma, start: number, end: number): MadviseGen {
  const file = vma.file;
  if (!file) return -E.EINVAL;
  if (!(vma.flags & VM.SHARED) || !(vma.flags & VM.MAYWRITE)) return -E.EACCES;
  const offset = vma.pgoff * PAGE_SIZE + (start - vma.start);
  yield* userfaultfdRemove(k, vma, start, end);
  const unit = file.pageSize;
  const from = Math.ceil(offset / unit);
  const to = Math.floor((offset + (end - start)) / unit);
  if (to <= from) return 0;
  for (const p of k.processes.values()) {
    for (const v of p.mm.vmas) {
      if (v.file !== file) continue;
      const s = Math.max(v.start, v.start + (from * unit - v.pgoff * PAGE_SIZE));
      const e = Math.min(v.end, v.start + (to * unit - v.pgoff * PAGE_SIZE));
      if (e > s) zapPageRange(k, v, s, e, false, { file, from, to });
    }
  }
  file.remove(from, to, k.pages);
  return 0;
}

function* madviseVmaBehavior(k: Kernel, vma: Vma, start: number, end: number, advice: Advice): MadviseGen {
  switch (advice) {
    case 'MADV_DONTNEED':
    case 'MADV_DONTNEED_LOCKED':
    case 'MADV_FREE':
      return yield* madviseDontneedFree(k, vma, start, end, advice);
    case 'MADV_REMOVE':
      return yield* madviseRemove(k, vma, start, end);
    case 'MADV_PAGEOUT':
    case 'MADV_COLD':
      // can_madv_lru_vma(): not on hugetlb.
      return isVmHugetlbPage(vma) ? -E.EINVAL : 0;
  }
}

/** do_madvise(): each vma of the range in turn; a hole in the range makes the result ENOMEM. */
export function* doMadvise(k: Kernel, mm: Mm, start: number, lenIn: number, advice: Advice): MadviseGen {
  if (start % PAGE_SIZE) return -E.EINVAL;
  const len = pageAlign(lenIn);
  if (lenIn !== 0 && len === 0) return -E.EINVAL;
  const end = start + len;
  let unmapped = 0;
  for (let addr = start; addr < end;) {
    const vma = vmasInRange(mm, addr, end)[0];
    if (!vma) {
      unmapped = -E.ENOMEM;
      break;
    }
    if (vma.start > addr) unmapped = -E.ENOMEM;
    const s = Math.max(addr, vma.start);
    const e = Math.min(end, vma.end);
    const ret = yield* madviseVmaBehavior(k, vma, s, e, advice);
    if (ret) return ret;
    addr = e;
  }
  return unmapped;
}
