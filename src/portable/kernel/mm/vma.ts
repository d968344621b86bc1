// struct vm_area_struct and the maple-tree operations the simulator needs: lookup, the vmas of a
// range, split at an address and merge with compatible neighbours (include/linux/mm.h, mm/vma.c).

import type { UserfaultfdCtx } from '../fs/userfaultfd-ctx';
import type { Inode } from './filemap';
import type { Mm } from './mm';
import { PAGE_SIZE } from './page';

/** vm_flags, as include/linux/mm.h names them (values are the simulator's own). */
export const VM = {
  READ: 1 << 0,
  WRITE: 1 << 1,
  EXEC: 1 << 2,
  SHARED: 1 << 3,
  MAYWRITE: 1 << 4,
  HUGETLB: 1 << 5,
  UFFD_MISSING: 1 << 6,
  UFFD_WP: 1 << 7,
  UFFD_MINOR: 1 << 8,
} as const;

export const VM_UFFD_FLAGS = VM.UFFD_MISSING | VM.UFFD_WP | VM.UFFD_MINOR;
export const VM_ACCESS_FLAGS = VM.READ | VM.WRITE | VM.EXEC;

export interface Vma {
  readonly mm: Mm;
  start: number;
  end: number;
  flags: number;
  /** The mapped file; null for private anonymous memory (vma_is_anonymous). */
  readonly file: Inode | null;
  /** Offset of `start` in the file, in base pages (vm_pgoff). */
  pgoff: number;
  /** vm_userfaultfd_ctx.ctx */
  ctx: UserfaultfdCtx | null;
  /** The anon_vma's identity (0: none yet); private mappings get one with their first anonymous page. */
  anonVma: number;
}

export const vmaIsAnonymous = (v: Vma): boolean => v.file === null;
export const vmaIsShmem = (v: Vma): boolean => v.file?.type === 'shmem';
export const isVmHugetlbPage = (v: Vma): boolean => (v.flags & VM.HUGETLB) !== 0;
/** vma_kernel_pagesize() */
export const vmaPageSize = (v: Vma): number => (v.file ? v.file.pageSize : PAGE_SIZE);
export const userfaultfdMissing = (v: Vma): boolean => (v.flags & VM.UFFD_MISSING) !== 0;
export const userfaultfdWp = (v: Vma): boolean => (v.flags & VM.UFFD_WP) !== 0;
export const userfaultfdMinor = (v: Vma): boolean => (v.flags & VM.UFFD_MINOR) !== 0;

/** The file page index (in the file's page size) that `addr` maps: linear_page_index(). */
export function linearPageIndex(v: Vma, addr: number): number {
  const byte = v.pgoff * PAGE_SIZE + (addr - v.start);
  return Math.floor(byte / vmaPageSize(v));
}

/** The UFFDIO_REGISTER_MODE_* bits of a vma's flags. */
export function vmaUffdModes(v: Vma): number {
  return (
    (v.flags & VM.UFFD_MISSING ? 1 : 0) | (v.flags & VM.UFFD_WP ? 2 : 0) | (v.flags & VM.UFFD_MINOR ? 4 : 0)
  );
}

/** The vma containing addr (vma_lookup), or undefined. */
export function vmaLookup(mm: Mm, addr: number): Vma | undefined {
  const vmas = mm.vmas;
  let lo = 0;
  let hi = vmas.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = vmas[mid]!;
    if (addr < v.start) hi = mid - 1;
    else if (addr >= v.end) lo = mid + 1;
    else return v;
  }
  return undefined;
}

/** The vmas intersecting [start, end), in address order (vma_find + for_each_vma_range). */
export function vmasInRange(mm: Mm, start: number, end: number): Vma[] {
  return mm.vmas.filter((v) => v.end > start && v.start < end);
}

function insert(mm: Mm, v: Vma): void {
  let i = mm.vmas.findIndex((x) => x.start > v.start);
  if (i < 0) i = mm.vmas.length;
  mm.vmas.splice(i, 0, v);
}

export function insertVma(mm: Mm, v: Vma): void {
  insert(mm, v);
  mm.changed();
}

export function removeVma(mm: Mm, v: Vma): void {
  const i = mm.vmas.indexOf(v);
  if (i >= 0) mm.vmas.splice(i, 1);
  mm.changed();
}

/** __split_vma: `v` keeps [start, addr); the returned vma is [addr, end). */
export function splitVma(v: Vma, addr: number): Vma {
  const tail: Vma = { ...v, start: addr, pgoff: v.pgoff + (addr - v.start) / PAGE_SIZE };
  v.end = addr;
  insert(v.mm, tail);
  v.mm.changed();
  return tail;
}

/** The part of `v` inside [start, end), split off from the rest (what vma_modify does first). */
export function isolateVma(v: Vma, start: number, end: number): Vma {
  let mid = v;
  if (start > mid.start) mid = splitVma(mid, start);
  if (end < mid.end) splitVma(mid, end);
  return mid;
}

function mergeable(a: Vma, b: Vma): boolean {
  return (
    a.end === b.start &&
    a.flags === b.flags &&
    a.file === b.file &&
    a.ctx === b.ctx &&
    a.pgoff + (a.end - a.start) / PAGE_SIZE === b.pgoff &&
    (a.anonVma === b.anonVma || a.anonVma === 0 || b.anonVma === 0)
  );
}

/** vma_merge around `v` after its flags changed: joins it with compatible neighbours. */
export function vmaMerge(v: Vma): Vma {
  const vmas = v.mm.vmas;
  let i = vmas.indexOf(v);
  let cur = v;
  const prev = vmas[i - 1];
  if (prev && mergeable(prev, cur)) {
    prev.end = cur.end;
    prev.anonVma ||= cur.anonVma;
    vmas.splice(i, 1);
    i--;
    cur = prev;
  }
  const next = vmas[i + 1];
  if (next && mergeable(cur, next)) {
    cur.end = next.end;
    cur.anonVma ||= next.anonVma;
    vmas.splice(i + 1, 1);
  }
  v.mm.changed();
  return cur;
}
