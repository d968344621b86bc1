// The state after a step, the same shape from both engines: areas and their pages, registered
// ranges, every uffd's queues, every thread. Addresses are absolute; see normalise.ts for comparing.

import type { AreaKind, AreaName, FdName, Prot, ProcessName, ThreadName } from './operation';

/**
 * A page's state as bits, one byte a page (a 1M-page area is 1 MB).
 * The user-facing state names come from pageStateName().
 */
export const PAGE = {
  /** A vma covers the page. Without it the page is "not mapped". */
  MAPPED: 1 << 0,
  /** The page table maps a page. */
  PRESENT: 1 << 1,
  /** ... and that page is the shared zero page. */
  ZERO: 1 << 2,
  /** Write-protected by uffd: the PTE's uffd-wp bit, or a uffd-wp marker on an empty PTE. */
  UFFD_WP: 1 << 3,
  /** shmem/hugetlbfs: the file has the page in its page cache (a minor fault if not PRESENT). */
  CACHED: 1 << 4,
  /** A UFFDIO_POISON marker: touching it raises SIGBUS. */
  POISONED: 1 << 5,
} as const;

export type PageStateName =
  'not-mapped' | 'missing' | 'present' | 'zero' | 'write-protected' | 'cache-only' | 'poisoned';

/** The one state a page is shown as. Write protection wins over present/zero; wp on an empty PTE is a marker. */
export function pageStateName(bits: number): PageStateName {
  if (!(bits & PAGE.MAPPED)) return 'not-mapped';
  if (bits & PAGE.POISONED) return 'poisoned';
  if (bits & PAGE.UFFD_WP) return 'write-protected';
  if (bits & PAGE.PRESENT) return bits & PAGE.ZERO ? 'zero' : 'present';
  if (bits & PAGE.CACHED) return 'cache-only';
  return 'missing';
}

export interface AreaSnapshot {
  readonly name: AreaName;
  readonly process: ProcessName;
  readonly kind: AreaKind;
  readonly shared: boolean;
  readonly prot: readonly Prot[];
  readonly start: bigint;
  readonly len: bigint;
  /** 4096, or the huge page size for hugetlb; `pages` has one entry per unit. */
  readonly pageSize: number;
  /** PAGE bits per page. */
  readonly pages: Uint8Array;
  /**
   * Content of present or cached pages, by page index: the fill byte as two hex digits, then each byte
   * that differs as ` @offset=xx` (offsets in hex, ascending): `41`, `00 @7b=01`.
   */
  readonly content: ReadonlyMap<number, string>;
}

/** One registered vma (or part of one): what UFFDIO_REGISTER left. */
export interface RegistrationSnapshot {
  readonly process: ProcessName;
  readonly start: bigint;
  readonly end: bigint;
  readonly uffd: FdName;
  /** UFFDIO_REGISTER_MODE_* bits. */
  readonly mode: bigint;
}

export interface FaultEntry {
  readonly thread: ThreadName;
  /** As the message carries it: page-aligned, or exact with UFFD_FEATURE_EXACT_ADDRESS. */
  readonly address: bigint;
  /** UFFD_PAGEFAULT_FLAG_* bits. */
  readonly flags: number;
}

export interface EventEntry {
  /** The thread blocked until the event is read. */
  readonly thread: ThreadName;
  /** UFFD_EVENT_* */
  readonly event: number;
}

export interface UffdSnapshot {
  readonly name: FdName;
  readonly fd: number;
  /** The mm whose faults this uffd handles (a forked child's uffd handles the child's). */
  readonly mm: ProcessName;
  /** O_NONBLOCK, O_CLOEXEC, UFFD_USER_MODE_ONLY as the fd has them now. */
  readonly flags: number;
  /** UFFDIO_API succeeded. */
  readonly initialized: boolean;
  /** The features enabled by UFFDIO_API (as requested). */
  readonly features: bigint;
  /** Faults not yet read, oldest first. */
  readonly pending: readonly FaultEntry[];
  /** Faults read but not yet woken. */
  readonly waiting: readonly FaultEntry[];
  /** Non-cooperative events not yet read, oldest first. */
  readonly events: readonly EventEntry[];
}

/** Any other open fd (the /dev/userfaultfd device). */
export interface FdSnapshot {
  readonly name: FdName;
  readonly fd: number;
  readonly path: string;
}

export type ThreadState =
  'idle' | 'running' | 'blocked-fault' | 'blocked-event' | 'done' | 'sigbus' | 'exited';

export interface ThreadSnapshot {
  readonly name: ThreadName;
  readonly process: ProcessName;
  /** The kernel's thread id (ptid in fault messages); the simulator numbers its own. */
  readonly tid: number;
  readonly state: ThreadState;
  /** blocked-fault: where; sigbus: the signal's si_addr. */
  readonly address?: bigint;
  /** blocked-*: the uffd it waits on. */
  readonly uffd?: FdName;
  /** blocked-*: the step at which it blocked. */
  readonly since?: number;
  /** What it is doing: `read a+1p`, `munmap`, `fork`. */
  readonly doing?: string;
  /** done after a read: the byte it read. */
  readonly value?: number;
  /** sigbus: si_code (BUS_ADRERR 2, BUS_MCEERR_AR 4). */
  readonly sigbusCode?: number;
}

export interface ProcessSnapshot {
  readonly name: ProcessName;
  readonly pid: number;
  readonly alive: boolean;
}

export interface Snapshot {
  readonly pageSize: number;
  readonly hugePageSize: number;
  readonly processes: readonly ProcessSnapshot[];
  readonly areas: readonly AreaSnapshot[];
  readonly registrations: readonly RegistrationSnapshot[];
  readonly uffds: readonly UffdSnapshot[];
  readonly fds: readonly FdSnapshot[];
  readonly threads: readonly ThreadSnapshot[];
}

/** A machine with nothing in it: no area, no fd, no thread. */
export const emptySnapshot = (pageSize: number, hugePageSize: number): Snapshot => ({
  pageSize,
  hugePageSize,
  processes: [],
  areas: [],
  registrations: [],
  uffds: [],
  fds: [],
  threads: [],
});
