// The state of pages from the kernel: PAGEMAP_SCAN on /proc/<pid>/pagemap (present, zero page,
// uffd-wp, swap-type entries) and the 8-byte pagemap entries of swap-type pages, which say whether
// a non-present PTE is a uffd-wp marker or a UFFDIO_POISON marker; page contents through
// /proc/<pid>/mem (only of pages known present: reading a missing registered page would fault
// into the uffd).

import { PAGE } from '../../portable/model/snapshot';
import {
  O_CLOEXEC,
  O_RDONLY,
  PAGE_IS_PFNZERO,
  PAGE_IS_PRESENT,
  PAGE_IS_SWAPPED,
  PAGE_IS_WRITTEN,
  PAGE_SIZE,
  PAGEMAP_SCAN,
} from './constants';
import { os, ptr } from './os';

const SCAN_ARG_SIZE = 96;
const REGION_SIZE = 24;
const VEC_LEN = 512;

/** pagemap entry bits (Documentation/admin-guide/mm/pagemap.rst). */
const PM_PRESENT = 1n << 63n;
const PM_SWAP = 1n << 62n;
const PM_UFFD_WP = 1n << 57n;
/** Bits 0-54: the pfn, or a swap entry's type (0-4) and offset (5-54). */
const PM_FRAME = (1n << 55n) - 1n;
const SWP_TYPE_MASK = 0x1fn;
/** include/linux/swapops.h: the swap type of PTE markers is the last one (MAX_SWAPFILES_SHIFT = 5). */
const SWP_PTE_MARKER = 0x1fn;
/** include/linux/swapops.h: PTE_MARKER_UFFD_WP and PTE_MARKER_POISONED, in the entry's offset. */
const PTE_MARKER_UFFD_WP = 1n;
const PTE_MARKER_POISONED = 2n;

export class ProcessPages {
  readonly pid: number;
  private pagemap: number | undefined;
  private mem: number | undefined;
  private readonly arg = Buffer.alloc(SCAN_ARG_SIZE);
  private readonly vec = Buffer.alloc(REGION_SIZE * VEC_LEN);
  /** PAGEMAP_SCAN failed once (a kernel before 6.7): use plain pagemap reads. */
  private noScan = false;

  constructor(pid: number) {
    this.pid = pid;
  }

  private fds(): boolean {
    if (this.pagemap === undefined) {
      const fd = os.open(`/proc/${this.pid}/pagemap`, O_RDONLY | O_CLOEXEC);
      if (fd < 0) return false;
      this.pagemap = fd;
    }
    if (this.mem === undefined) {
      const fd = os.open(`/proc/${this.pid}/mem`, O_RDONLY | O_CLOEXEC);
      if (fd < 0) return false;
      this.mem = fd;
    }
    return true;
  }

  /**
   * PAGE bits (PRESENT, ZERO, UFFD_WP, POISONED) of each 4 KiB page of [start, start + n pages).
   * MAPPED and CACHED come from elsewhere.
   */
  states(start: bigint, n: number): Uint8Array {
    const out = new Uint8Array(n);
    if (!n || !this.fds()) return out;
    const swapped: [number, number][] = [];
    if (!this.noScan && this.scan(start, n, out, swapped)) {
      if (swapped.length) this.markers(start, swapped, out);
      return out;
    }
    this.noScan = true;
    this.fromPagemap(start, n, out);
    return out;
  }

  private scan(start: bigint, n: number, out: Uint8Array, swapped: [number, number][]): boolean {
    const end = start + BigInt(n * PAGE_SIZE);
    let at = start;
    while (at < end) {
      const a = this.arg;
      a.fill(0);
      a.writeBigUInt64LE(BigInt(SCAN_ARG_SIZE), 0);
      a.writeBigUInt64LE(at, 16);
      a.writeBigUInt64LE(end, 24);
      a.writeBigUInt64LE(ptr(this.vec), 40);
      a.writeBigUInt64LE(BigInt(VEC_LEN), 48);
      a.writeBigUInt64LE(BigInt(PAGE_IS_PRESENT | PAGE_IS_SWAPPED | PAGE_IS_PFNZERO | PAGE_IS_WRITTEN), 88);
      const got = os.ioctl(this.pagemap!, PAGEMAP_SCAN, a);
      if (got < 0) return false;
      for (let i = 0; i < got; i++) {
        const rs = this.vec.readBigUInt64LE(i * REGION_SIZE);
        const re = this.vec.readBigUInt64LE(i * REGION_SIZE + 8);
        const cat = Number(this.vec.readBigUInt64LE(i * REGION_SIZE + 16));
        let bits = 0;
        if (cat & PAGE_IS_PRESENT) {
          bits = PAGE.PRESENT;
          if (cat & PAGE_IS_PFNZERO) bits |= PAGE.ZERO;
          if (!(cat & PAGE_IS_WRITTEN)) bits |= PAGE.UFFD_WP;
        }
        const from = Number((rs - start) / BigInt(PAGE_SIZE));
        const to = Number((re - start) / BigInt(PAGE_SIZE));
        if (bits) out.fill(bits, from, to);
        if (cat & PAGE_IS_SWAPPED) for (let p = from; p < to; p++) swapped.push([p, cat]);
      }
      const walkEnd = a.readBigUInt64LE(32);
      if (walkEnd <= at) break;
      at = walkEnd;
    }
    return true;
  }

  /**
   * Which swap-type entries are PTE markers, and of what: the pagemap entry says (swap type and
   * marker bits). hugetlb entries show no marker there; PAGEMAP_SCAN still calls them swapped, and
   * "written" (no uffd-wp bit) means a UFFDIO_POISON marker.
   */
  private markers(start: bigint, pages: readonly [number, number][], out: Uint8Array): void {
    const e = Buffer.alloc(8);
    for (const [p, cat] of pages) {
      const off = ((start + BigInt(p * PAGE_SIZE)) / BigInt(PAGE_SIZE)) * 8n;
      const entry = os.pread(this.pagemap!, e, 8, off) === 8 ? e.readBigUInt64LE(0) : 0n;
      if (entry & PM_SWAP) out[p] = entryBits(entry);
      else out[p] = cat & PAGE_IS_WRITTEN ? PAGE.POISONED : PAGE.UFFD_WP;
    }
  }

  private fromPagemap(start: bigint, n: number, out: Uint8Array): void {
    const buf = Buffer.alloc(n * 8);
    const off = (start / BigInt(PAGE_SIZE)) * 8n;
    if (os.pread(this.pagemap!, buf, buf.length, off) !== buf.length) return;
    for (let p = 0; p < n; p++) out[p] = entryBits(buf.readBigUInt64LE(p * 8));
  }

  /** The bytes at [addr, addr+len) of pages the caller knows are present (or undefined). */
  read(addr: bigint, len: number): Uint8Array | undefined {
    if (!this.fds()) return undefined;
    const buf = Buffer.alloc(len);
    return os.pread(this.mem!, buf, len, addr) === len ? buf : undefined;
  }

  close(): void {
    if (this.pagemap !== undefined) os.close(this.pagemap);
    if (this.mem !== undefined) os.close(this.mem);
    this.pagemap = this.mem = undefined;
  }
}

/** PAGE bits from one pagemap entry (no zero-page bit: the pfn is hidden without root). */
export function entryBits(e: bigint): number {
  if (e & PM_PRESENT) return PAGE.PRESENT | (e & PM_UFFD_WP ? PAGE.UFFD_WP : 0);
  if (!(e & PM_SWAP)) return e & PM_UFFD_WP ? PAGE.UFFD_WP : 0;
  // Without CAP_SYS_ADMIN the kernel zeroes a swap entry's type and offset (a real one is never
  // all zero: offset 0 is the swap header). With no swap, a swap entry is a PTE marker, and only
  // the uffd-wp bit still tells which; taking it for a swapped page would read its content through
  // /proc/<pid>/mem, which faults a zero page in under a uffd-wp marker.
  if (!(e & PM_FRAME)) return e & PM_UFFD_WP ? PAGE.UFFD_WP : PAGE.POISONED;
  const type = e & SWP_TYPE_MASK;
  const offset = (e & PM_FRAME) >> 5n;
  if (type === SWP_PTE_MARKER) {
    if (offset & PTE_MARKER_POISONED) return PAGE.POISONED;
    if (offset & PTE_MARKER_UFFD_WP) return PAGE.UFFD_WP;
    return 0;
  }
  // A page swapped out still holds its data: shown as present (these machines have no swap).
  return PAGE.PRESENT | (e & PM_UFFD_WP ? PAGE.UFFD_WP : 0);
}

/** mincore over [addr, addr + n pages): 1 per page in memory (for a file mapping: in its page cache). */
export function residency(addr: bigint, n: number): Uint8Array | undefined {
  const vec = new Uint8Array(n);
  return os.mincore(addr, BigInt(n * PAGE_SIZE), vec) === 0 ? vec : undefined;
}
