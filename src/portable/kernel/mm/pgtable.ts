// A process's page table: one byte of PTE bits and one page id per base page, in tables of 512
// entries (one PMD's worth) allocated on first use, like the kernel's PTE tables. A hugetlb page is
// one entry, at the index of its first base page.

/** PTE bits. A marker is an entry that is not PRESENT but has UFFD_WP or POISON. */
export const PTE = {
  /** Maps a page: the shared zero page (ZERO) or the page id beside it. */
  PRESENT: 1 << 0,
  ZERO: 1 << 1,
  /** Writable. Never together with UFFD_WP: on x86 the uffd-wp bit write-protects. */
  WRITE: 1 << 2,
  /** The uffd-wp bit of a present PTE, or (not PRESENT) a PTE_MARKER_UFFD_WP. */
  UFFD_WP: 1 << 3,
  /** PTE_MARKER_POISONED (UFFDIO_POISON). */
  POISON: 1 << 4,
  /** PageAnonExclusive: an anonymous page mapped only here (not COW-shared after fork). */
  EXCL: 1 << 5,
} as const;

export const PTRS_PER_PTE = 512;

/** pte_none(): nothing at all, not even a marker. */
export const pteNone = (bits: number): boolean => bits === 0;
/** pte_none_mostly(): nothing, or only a marker (what COPY and CONTINUE may overwrite). */
export const pteNoneMostly = (bits: number): boolean => (bits & PTE.PRESENT) === 0;

interface PteTable {
  readonly bits: Uint8Array;
  readonly pages: Uint32Array;
  used: number;
}

export class PageTable {
  private readonly tables = new Map<number, PteTable>();
  /** The table last looked up, and its index: accesses come in runs on the same table. */
  private lastIndex = -1;
  private last: PteTable | undefined;
  /** Bumped on every change, so snapshots can reuse what did not change. */
  version = 0;

  private table(ti: number): PteTable | undefined {
    if (ti !== this.lastIndex) {
      this.last = this.tables.get(ti);
      this.lastIndex = ti;
    }
    return this.last;
  }

  // Page numbers pass 2^31: the index in the table is pn - ti * 512, not a (slow) double modulo.

  bits(pn: number): number {
    const ti = Math.floor(pn / PTRS_PER_PTE);
    const t = this.table(ti);
    return t ? t.bits[pn - ti * PTRS_PER_PTE]! : 0;
  }

  page(pn: number): number {
    const ti = Math.floor(pn / PTRS_PER_PTE);
    const t = this.table(ti);
    return t ? t.pages[pn - ti * PTRS_PER_PTE]! : 0;
  }

  /** Sets an entry; the caller owns the page references. Bits 0 clears it. */
  set(pn: number, bits: number, page = 0): void {
    this.version++;
    const ti = Math.floor(pn / PTRS_PER_PTE);
    const i = pn - ti * PTRS_PER_PTE;
    let t = this.table(ti);
    if (!t) {
      if (bits === 0) return;
      t = { bits: new Uint8Array(PTRS_PER_PTE), pages: new Uint32Array(PTRS_PER_PTE), used: 0 };
      this.tables.set(ti, t);
      this.last = t;
    }
    if (t.bits[i] === 0 && bits !== 0) t.used++;
    else if (t.bits[i] !== 0 && bits === 0 && --t.used === 0) {
      this.tables.delete(ti);
      this.last = undefined;
      return;
    }
    t.bits[i] = bits;
    t.pages[i] = bits & PTE.PRESENT ? page : 0;
  }

  /** Calls fn for every entry that is not none in [from, to) (page numbers), in order. */
  forEach(from: number, to: number, fn: (pn: number, bits: number, page: number) => void): void {
    this.forEachTable(from, to, (base, bits, pages, lo, hi) => {
      for (let i = lo; i < hi; i++) if (bits[i] !== 0) fn(base + i, bits[i]!, pages[i]!);
    });
  }

  /**
   * Calls fn for every allocated table overlapping [from, to), in order, with its first page number
   * and the index range [lo, hi) inside it: for loops over many entries (snapshots).
   */
  forEachTable(
    from: number,
    to: number,
    fn: (base: number, bits: Uint8Array, pages: Uint32Array, lo: number, hi: number) => void,
  ): void {
    const first = Math.floor(from / PTRS_PER_PTE);
    const last = Math.ceil(to / PTRS_PER_PTE);
    // A wide range over a sparse table walks the tables that exist rather than every index.
    const indexes =
      last - first > this.tables.size * 4
        ? [...this.tables.keys()].filter((ti) => ti >= first && ti < last).sort((a, b) => a - b)
        : undefined;
    for (let k = 0, ti = first; indexes ? k < indexes.length : ti < last; k++, ti++) {
      if (indexes) ti = indexes[k]!;
      const t = this.tables.get(ti);
      if (!t) continue;
      const base = ti * PTRS_PER_PTE;
      fn(base, t.bits, t.pages, Math.max(from - base, 0), Math.min(to - base, PTRS_PER_PTE));
    }
  }

  /** How many PTE tables are allocated; for the memory benchmark. */
  get tableCount(): number {
    return this.tables.size;
  }
}
