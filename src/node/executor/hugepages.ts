// Huge pages for hugetlb areas. The machines reserve none by default. As root, a session adds to
// vm.nr_hugepages the huge pages it needs, keeps them as its own share while it runs (reused when
// it maps again), and takes exactly that share back when it ends. Without root it can only use
// what is free in the pool.
//
// Several processes may change the pool together (agents, test files in parallel workers). Each
// change is read-modify-write of one number, so every one happens under an exclusive flock() of
// the sysctl file itself: no process loses another's pages or leaves its own behind.

import { accessSync, constants, writeFileSync } from 'node:fs';
import { os } from './os';
import { readProc } from './proc';
import { O_CLOEXEC, O_RDONLY } from './constants';

const NR_HUGEPAGES = '/proc/sys/vm/nr_hugepages';
const LOCK_EX = 2;
const LOCK_UN = 8;

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
    accessSync(NR_HUGEPAGES, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `f` holding the pool's lock: an exclusive flock() of the sysctl file, which every process of
 * this project takes before it changes the pool. Where the file cannot be opened, without the lock.
 */
export function withPoolLock<T>(f: () => T): T {
  const fd = os.open(NR_HUGEPAGES, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return f();
  try {
    os.flock(fd, LOCK_EX);
    return f();
  } finally {
    os.flock(fd, LOCK_UN);
    os.close(fd);
  }
}

/** vm.nr_hugepages: the persistent pool (HugePages_Total also counts surplus pages). */
const poolSize = (): number => Number((readProc(NR_HUGEPAGES) ?? '0').trim());

/** One change of the pool, as it happened. */
export interface PoolChange {
  readonly before: number;
  readonly after: number;
}

/** Grows (or shrinks) the pool by `delta` in one hold of the lock. Throws what the write threw. */
export function changePool(delta: number): PoolChange {
  return withPoolLock(() => {
    const before = poolSize();
    writeFileSync(NR_HUGEPAGES, String(Math.max(0, before + delta)));
    return { before, after: poolSize() };
  });
}

export class HugePageReservation {
  private added = 0;
  private readonly cap: number;
  /** The pool change of the last release, for whoever wants to check it. */
  lastRelease: PoolChange | undefined;
  constructor(cap: number) {
    this.cap = cap;
  }

  /** The huge pages this session added to the pool, and will take back. */
  get share(): number {
    return this.added;
  }

  /**
   * Makes sure the session can hold `total` huge pages, `fresh` of them new: as root its share of
   * the pool grows to `total`; else `fresh` must be free in the pool. Returns undefined when they
   * are there, else why not (in words for the user).
   */
  ensure(total: number, fresh = total): string | undefined {
    const info = hugePageInfo();
    if (!info.size) return 'this kernel has no hugetlb pages';
    if (!canReserve()) {
      const available = info.free - info.reserved;
      if (fresh <= available) return undefined;
      return `needs ${fresh} huge pages, ${Math.max(0, available)} are free, and only root can reserve more (vm.nr_hugepages)`;
    }
    const missing = total - this.added;
    if (missing <= 0) return undefined;
    if (this.added + missing > this.cap) {
      return `needs ${missing} more huge pages; a session may add ${this.cap} and has added ${this.added}`;
    }
    let change: PoolChange;
    try {
      change = changePool(missing);
    } catch (e) {
      return `could not reserve huge pages: ${(e as Error).message}`;
    }
    const got = change.after - change.before;
    this.added += Math.max(0, got);
    if (got < missing)
      return `the kernel could reserve only ${got} of ${missing} huge pages (memory is fragmented?)`;
    return undefined;
  }

  /** Gives back what this session added. */
  release(): void {
    if (!this.added) return;
    try {
      this.lastRelease = changePool(-this.added);
    } catch {
      // Nothing more to do: the pages stay in the pool.
    }
    this.added = 0;
  }
}
