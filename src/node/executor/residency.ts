// Which pages of a shmem file are in its page cache (PAGE.CACHED: a minor fault when not mapped).
// For a memfd, mincore() on a never-touched read-only "shadow" mapping of the whole file answers
// exactly, whatever the areas' own PTEs hold. An anonymous shared area has no other mapping, so
// mincore() on the area itself answers. hugetlbfs pages are not reported by mincore(); for them
// the executor remembers which pages have been present in any mapping of the file until they are
// punched out (a model limit: it cannot see a page added by another process).

import { MAP_SHARED, PAGE_SIZE, PROT } from './constants';
import type { FileObj } from './files';
import type { Machine } from './machine';
import { os } from './os';
import { residency } from './pages';
import type { Area } from './session';

/** hugetlb files: the huge page indexes known to be in the page cache. */
const hugeCache = new WeakMap<FileObj, Set<bigint>>();

function shadow(m: Machine, f: FileObj): { addr: bigint; len: bigint } | undefined {
  const len = ((f.size + BigInt(PAGE_SIZE) - 1n) / BigInt(PAGE_SIZE)) * BigInt(PAGE_SIZE);
  if (f.shadow && f.shadow.len === len) return f.shadow;
  if (f.shadow) os.munmap(f.shadow.addr, f.shadow.len);
  f.shadow = undefined;
  if (!len) return undefined;
  const at = m.region.placeInternal(len);
  const got = os.mmap(at, len, PROT.PROT_READ, MAP_SHARED | 0x100000, f.fd, 0n);
  if (got !== at) return undefined;
  return (f.shadow = { addr: at, len });
}

/** For each of `n` pages (of `unit` bytes) from `start` in the area: whether the page cache has it. */
export function cachedPages(m: Machine, a: Area, start: bigint, n: number): Uint8Array {
  const out = new Uint8Array(n);
  const unit = BigInt(a.pageSize);
  if (a.kind === 'shmem') {
    const mapped = m.vmas('main');
    for (let i = 0; i < n; i++) {
      const at = start + BigInt(i) * unit;
      if (mapped.covers(at, at + unit)) out[i] = residency(at, 1)?.[0] ?? 0;
    }
    return out;
  }
  const f = a.file;
  if (!f) return out;
  if (f.kind === 'hugetlb') {
    const known = hugeCache.get(f);
    for (let i = 0; i < n; i++) out[i] = known?.has(fileIndex(a, start + BigInt(i) * unit)) ? 1 : 0;
    return out;
  }
  if (f.kind !== 'memfd') return out;
  const sh = shadow(m, f);
  if (!sh) return out;
  const first = a.offset + (start - a.start);
  const pages = Number(unit / BigInt(PAGE_SIZE)) * n;
  const avail = Number((sh.len - first) / BigInt(PAGE_SIZE));
  const count = Math.max(0, Math.min(pages, avail));
  const vec = count ? residency(sh.addr + first, count) : undefined;
  for (let i = 0; i < n && vec; i++) out[i] = vec[i] ?? 0;
  return out;
}

export function cachedAt(m: Machine, process: string, addr: bigint): boolean {
  const a = m.s.areaAt(addr, process) ?? m.s.areaAt(addr);
  if (!a) return false;
  const unit = BigInt(a.pageSize);
  return cachedPages(m, a, (addr / unit) * unit, 1)[0] === 1;
}

function fileIndex(a: Area, addr: bigint): bigint {
  return (a.offset + (addr - a.start)) / BigInt(a.pageSize);
}

/** Notes the huge pages of a hugetlb file seen present (they are in its page cache). */
export function sawHugePages(a: Area, start: bigint, present: readonly boolean[]): void {
  if (!a.file || a.file.kind !== 'hugetlb' || !a.shared) return;
  let set = hugeCache.get(a.file);
  if (!set) hugeCache.set(a.file, (set = new Set()));
  present.forEach((p, i) => p && set.add(fileIndex(a, start + BigInt(i * a.pageSize))));
}

/** MADV_REMOVE punched [start, end) out of the area's hugetlb file. */
export function punchedHugePages(a: Area, start: bigint, end: bigint): void {
  const set = a.file && hugeCache.get(a.file);
  if (!set) return;
  for (let at = start; at < end; at += BigInt(a.pageSize)) set.delete(fileIndex(a, at));
}
