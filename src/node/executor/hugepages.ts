// Huge pages for hugetlb areas. The machines reserve none by default; as root the executor adds
// what an mmap needs to vm.nr_hugepages and takes exactly that back when the session ends (by
// difference, not by restoring an old value: another session may have added its own meanwhile).

import { writeFileSync } from 'node:fs';
import { readProc } from './proc';

const NR_HUGEPAGES = '/proc/sys/vm/nr_hugepages';

export interface HugePageInfo {
  /** Bytes; 0 when the kernel has no hugetlb. */
  readonly size: number;
  readonly total: number;
  readonly free: number;
  /** Reserved by mappings, not yet faulted in. */
  readonly reserved: number;
}

export function hugePageInfo(): HugePageInfo {
  const m = readProc('/proc/meminfo') ?? '';
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s*(\\d+)`, 'm').exec(m)?.[1] ?? 0);
  return {
    size: field('Hugepagesize') * 1024,
    total: field('HugePages_Total'),
    free: field('HugePages_Free'),
    reserved: field('HugePages_Rsvd'),
  };
}

/** Whether this process may change vm.nr_hugepages (it is root, or the file is writable). */
export function canReserve(): boolean {
  try {
    writeFileSync(NR_HUGEPAGES, readProc(NR_HUGEPAGES) ?? '');
    return true;
  } catch {
    return false;
  }
}

export class HugePageReservation {
  private added = 0;
  private readonly cap: number;
  constructor(cap: number) {
    this.cap = cap;
  }

  /**
   * Makes sure `pages` more huge pages are free for a new mapping. Returns undefined when they are,
   * else why not (in words for the user).
   */
  ensure(pages: number): string | undefined {
    const info = hugePageInfo();
    if (!info.size) return 'this kernel has no hugetlb pages';
    const available = info.free - info.reserved;
    const missing = pages - available;
    if (missing <= 0) return undefined;
    if (this.added + missing > this.cap) {
      return `needs ${missing} more huge pages; a session may add ${this.cap} and has added ${this.added}`;
    }
    const before = info.total;
    try {
      writeFileSync(NR_HUGEPAGES, String(before + missing));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return code === 'EACCES' || code === 'EPERM'
        ? `needs ${missing} huge pages and only root can reserve them (vm.nr_hugepages)`
        : `could not reserve huge pages: ${(e as Error).message}`;
    }
    const got = hugePageInfo().total - before;
    this.added += Math.max(0, got);
    if (got < missing)
      return `the kernel could reserve only ${got} of ${missing} huge pages (memory is fragmented?)`;
    return undefined;
  }

  /** Gives back what this session added. */
  release(): void {
    if (!this.added) return;
    const total = hugePageInfo().total;
    try {
      writeFileSync(NR_HUGEPAGES, String(Math.max(0, total - this.added)));
    } catch {
      // Nothing more to do: the pages stay in the pool.
    }
    this.added = 0;
  }
}
