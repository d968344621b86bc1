// Files that can be mapped: shmem (memfd, shared anonymous memory), hugetlbfs, and a regular file on
// disk. Each has a size (i_size) and a page cache from page index to page id, kept in tables of
// 512 like the page table so a large file costs bytes per page, not objects.

import { HPAGE_SIZE, PAGE_SIZE, type PageStore } from './page';

export type InodeType = 'shmem' | 'hugetlbfs' | 'regular';

const TABLE = 512;

export class Inode {
  readonly type: InodeType;
  readonly name: string;
  /** i_size in bytes. */
  private bytes: number;
  /** Bumped on every change of size or page cache, so snapshots can reuse what did not change. */
  version = 0;
  private readonly tables = new Map<number, Uint32Array>();

  constructor(type: InodeType, name: string, size: number) {
    this.type = type;
    this.name = name;
    this.bytes = size;
  }

  get size(): number {
    return this.bytes;
  }

  set size(n: number) {
    this.bytes = n;
    this.version++;
  }

  /** The unit of the page cache: 4 KiB, or 2 MiB for hugetlbfs. */
  get pageSize(): number {
    return this.type === 'hugetlbfs' ? HPAGE_SIZE : PAGE_SIZE;
  }

  /** DIV_ROUND_UP(i_size, page size): the first index past the end of the file. */
  get pages(): number {
    return Math.ceil(this.size / this.pageSize);
  }

  /** The page cached at this index, or 0. */
  find(index: number): number {
    return this.tables.get(Math.floor(index / TABLE))?.[index % TABLE] ?? 0;
  }

  /** Adds a page (the cache takes the caller's reference). */
  add(index: number, page: number): void {
    this.version++;
    const ti = Math.floor(index / TABLE);
    let t = this.tables.get(ti);
    if (!t) {
      t = new Uint32Array(TABLE);
      this.tables.set(ti, t);
    }
    t[index % TABLE] = page;
  }

  /** Drops the pages at indexes [from, to) from the cache (a hole punch, a truncate). */
  remove(from: number, to: number, pages: PageStore): void {
    this.version++;
    for (const [ti, t] of [...this.tables]) {
      for (let i = 0; i < TABLE; i++) {
        const index = ti * TABLE + i;
        if (t[i] && index >= from && index < to) {
          pages.put(t[i]!);
          t[i] = 0;
        }
      }
      if (t.every((p) => p === 0)) this.tables.delete(ti);
    }
  }
}
