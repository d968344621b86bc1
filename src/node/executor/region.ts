// Each session's own slice of the address space, and the rule that keeps the executor inside it.
//
// Regions start at 80 TiB: above the 46-bit range where V8 places its heap at random hints (so a
// garbage collection cannot land in a gap between areas) and far below where mmap(NULL) allocates
// (it grows down from near the 128 TiB top). A region is claimed only if /proc/self/maps shows
// nothing in it, and areas are mapped with MAP_FIXED_NOREPLACE, so nothing of Node's is ever
// overwritten or handed to the kernel as a session address.

import { AreaPlacer } from '../../portable/model/layout';
import { parseMaps, readProc, type Vma } from './proc';

export const REGION_BASE = 0x500000000000n;
export const REGION_SIZE = 1n << 40n;
export const MAX_REGIONS = 32;
/** The top of this slice of each region holds the executor's own mappings (file shadows). */
const INTERNAL_SIZE = 1n << 36n;
/** x86_64 with 4-level page tables: user addresses are below this. */
export const TASK_SIZE = 0x7ffffffff000n;

const claimed = new Set<number>();

export class Region {
  readonly index: number;
  readonly base: bigint;
  readonly end: bigint;
  readonly placer: AreaPlacer;
  private internalNext: bigint;

  private constructor(index: number) {
    this.index = index;
    this.base = REGION_BASE + BigInt(index) * REGION_SIZE;
    this.end = this.base + REGION_SIZE;
    this.placer = new AreaPlacer(this.base);
    this.internalNext = this.end - INTERNAL_SIZE;
  }

  /** The lowest free region of this process, or an error saying why there is none. */
  static claim(): Region {
    const maps = readProc('/proc/self/maps') ?? '';
    for (let i = 0; i < MAX_REGIONS; i++) {
      if (claimed.has(i)) continue;
      const r = new Region(i);
      if (parseMaps(maps, r.base, r.end).length) continue;
      claimed.add(i);
      return r;
    }
    throw new Error(`no free session region: ${MAX_REGIONS} sessions at most in one process`);
  }

  release(): void {
    claimed.delete(this.index);
  }

  /** Room for the executor's own mapping of `len` bytes (never an area, never in the placer's way). */
  placeInternal(len: bigint): bigint {
    const at = this.internalNext;
    this.internalNext += ((len + (2n << 20n) - 1n) / (2n << 20n)) * (2n << 20n) + (2n << 20n);
    return at;
  }

  /** [start, start+len) lies in the part where areas go. */
  holds(start: bigint, len: bigint): boolean {
    return start >= this.base && len >= 0n && start + len <= this.end - INTERNAL_SIZE;
  }

  /** Mappings in the region that the session did not make (none, unless something went wrong). */
  foreign(vmas: readonly Vma[], ours: (v: Vma) => boolean): Vma[] {
    return vmas.filter((v) => v.end > this.base && v.start < this.end && !ours(v));
  }
}

const PAGE = 4096n;

/**
 * validate_range() of fs/userfaultfd.c refuses these before it looks at any memory (EINVAL): an
 * address the kernel rejects this way is safe to pass whatever it points at.
 */
export function kernelRefusesRange(start: bigint, len: bigint): boolean {
  return (
    start % PAGE !== 0n || len % PAGE !== 0n || len === 0n || start >= TASK_SIZE || len > TASK_SIZE - start
  );
}

/** An address the kernel refuses before use in mmap-family calls: unaligned, or past user space. */
export function kernelRefusesMemRange(start: bigint): boolean {
  return start % PAGE !== 0n || start >= TASK_SIZE;
}
