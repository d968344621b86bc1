// What the executor knows about one session beyond what /proc shows: names, the areas it mapped,
// the threads and children it runs, which uffd registered what, and the queue entries it has
// reconstructed from its threads and the messages it has read.

import type {
  AreaKind,
  AreaName,
  FdName,
  ProcessName,
  Prot,
  ThreadName,
} from '../../portable/model/operation';
import type { AreaSnapshot, RegistrationSnapshot, ThreadState } from '../../portable/model/snapshot';
import type { ResolveEnv } from '../../portable/model/resolve';
import { HUGE_PAGE, PAGE_SIZE } from './constants';
import { usage, type ExecutorOptions } from './caps';
import type { ChildProc } from './child';
import type { FileObj } from './files';
import type { Region } from './region';
import type { Outcome } from './outcome';
import type { OsThread } from './thread';

export interface Area {
  readonly name: AreaName;
  readonly process: ProcessName;
  readonly kind: AreaKind;
  readonly shared: boolean;
  readonly prot: readonly Prot[];
  readonly start: bigint;
  len: bigint;
  readonly pageSize: number;
  readonly file?: FileObj;
  /** The file offset of `start`. */
  readonly offset: bigint;
}

export interface UffdFd {
  readonly kind: 'uffd';
  readonly name: FdName;
  readonly fd: number;
  closed: boolean;
  /** The process whose faults it handles. */
  readonly mm: ProcessName;
  /** UFFD_USER_MODE_ONLY as it was created (fdinfo does not show it). */
  readonly userModeOnly: boolean;
  /** Faults and events, oldest first. */
  queue: QueueEntry[];
  /** ctx->features once UFFDIO_API has succeeded (they never change after). */
  features?: bigint;
  /** The file's status flags (F_GETFL) once read, until an F_SETFL. */
  flags?: number;
}

export interface DevFd {
  readonly kind: 'dev';
  readonly name: FdName;
  readonly fd: number;
  closed: boolean;
  readonly path: string;
  flags?: number;
}

export type FdEntry = UffdFd | DevFd;

export interface QueueEntry {
  readonly thread: ThreadName;
  readonly kind: 'fault' | 'event';
  /** A fault read by the monitor (now waiting to be woken). */
  read: boolean;
  address: bigint;
  /** UFFD_PAGEFAULT_FLAG_*: the message's once read; before, inferred when a snapshot needs it. */
  flags?: number;
  /** A fault: the byte accessed, and whether it was a write (to infer the flags). */
  at?: bigint;
  write?: boolean;
  /** UFFD_EVENT_* */
  readonly event: number;
}

/** A memory operation a thread is in the middle of. */
export interface Job {
  readonly kind: 'touch' | 'mmap' | 'munmap' | 'mremap' | 'madvise' | 'fork';
  readonly step: number;
  readonly doing: string;
  readonly write?: boolean;
  /** Events it will wait for, in order, with the uffd each goes to. */
  events: { uffd: FdName; event: number }[];
  /** fork: the child's name. */
  readonly child?: ProcessName;
  /** The operation's outcome, which gets the call's return when the thread finishes (finishJob). */
  readonly outcome: Outcome;
  /** Called when the thread finishes, with what the call returned. */
  readonly finish: (ret: bigint) => void;
}

export interface Thread {
  readonly name: ThreadName;
  readonly process: ProcessName;
  /** The worker of a thread of `main`; a child's thread is its ChildProc. */
  os?: OsThread;
  child?: ChildProc;
  state: ThreadState;
  address?: bigint;
  uffd?: FdName;
  since?: number;
  doing?: string;
  value?: number;
  sigbusCode?: number;
  job?: Job;
  /** voluntary_ctxt_switches when it was last seen blocked: a change means it woke and blocked again. */
  switches?: number;
}

export interface Proc {
  readonly name: ProcessName;
  pid: number;
  alive: boolean;
  readonly child?: ChildProc;
  /**
   * A child whose fork still waits for its FORK message has no pid and cannot be read: its
   * areas and registrations are main's as they were at fork().
   */
  unborn?: {
    readonly areas: readonly AreaSnapshot[];
    readonly registrations: readonly RegistrationSnapshot[];
  };
}

/** Which uffd registered what: the kernel says which vmas are registered, not to whom. */
export interface Owner {
  readonly process: ProcessName;
  readonly start: bigint;
  readonly end: bigint;
  readonly uffd: FdName;
}

export class Session {
  readonly region: Region;
  readonly options: ExecutorOptions;
  /**
   * Areas by `process:name`. A forked child has its own copy of each of its parent's areas, under
   * the same name and range (and areas it maps or moves itself).
   */
  readonly areas = new Map<string, Area>();
  readonly fds = new Map<FdName, FdEntry>();
  /** The uffds a fork made for the child, before their FORK message is read and they become fds. */
  readonly unborn = new Map<FdName, UffdFd>();
  /** Duplicates of closed uffds a thread may still wait on for an event (see cleanup.ts). */
  readonly zombies: number[] = [];
  readonly threads = new Map<ThreadName, Thread>();
  readonly processes = new Map<ProcessName, Proc>();
  owners: Owner[] = [];
  /** The operation being run, counted from 1. */
  step = 0;
  /** Remarks on the current operation, for its result. */
  notes: string[] = [];
  /** The thread the current operation started: while it is inside the call, the result is `blocked`. */
  started: Thread | undefined;
  /** Bytes mapped so far (caps). */
  mappedBytes = 0n;
  areasMapped = 0;

  constructor(region: Region, options: ExecutorOptions) {
    this.region = region;
    this.options = options;
  }

  readonly env: ResolveEnv = {
    pageSize: PAGE_SIZE,
    hugePageSize: HUGE_PAGE,
    areaStart: (name) => this.area(name)?.start,
  };

  /** A new operation: its number, no notes, no thread started yet. */
  beginStep(): void {
    this.step++;
    this.notes = [];
    this.started = undefined;
  }

  note(text: string): void {
    this.notes.push(text);
  }

  fd(name: FdName, field = 'fd'): FdEntry {
    return this.fds.get(name) ?? usage(`no fd named '${name}'`, field);
  }

  /** The open uffds, as fds. */
  uffds(): UffdFd[] {
    return [...this.fds.values()].filter((f): f is UffdFd => f.kind === 'uffd' && !f.closed);
  }

  /** The open uffds and those a fork made whose FORK message is still unread. */
  allUffds(): UffdFd[] {
    return [...this.uffds(), ...this.unborn.values()];
  }

  thread(name: ThreadName, field = 'thread'): Thread {
    return this.threads.get(name) ?? usage(`no thread named '${name}'`, field);
  }

  /** A thread that can take a new operation: not blocked, not gone. */
  freeThread(t: Thread, field = 'thread'): Thread {
    if (t.state === 'blocked-fault' || t.state === 'blocked-event') {
      const where = t.state === 'blocked-fault' ? 'in a fault' : 'waiting for an event to be read';
      usage(
        `thread '${t.name}' is blocked ${where} (${t.doing ?? 'busy'}) and cannot take a new operation`,
        field,
      );
    }
    if (t.state === 'running') usage(`thread '${t.name}' is still running (${t.doing ?? 'busy'})`, field);
    if (t.state === 'exited') usage(`thread '${t.name}' has exited with its process`, field);
    return t;
  }

  /** The area of that name in a process (`main`'s, or any process's when it has none). */
  area(name: AreaName, process?: ProcessName): Area | undefined {
    if (process) return this.areas.get(`${process}:${name}`);
    return this.areas.get(`main:${name}`) ?? [...this.areas.values()].find((a) => a.name === name);
  }

  areasOf(process: ProcessName): Area[] {
    return [...this.areas.values()].filter((a) => a.process === process);
  }

  /** The area containing addr in a process, if any. */
  areaAt(addr: bigint, process: ProcessName = 'main'): Area | undefined {
    for (const a of this.areas.values()) {
      if (a.process === process && addr >= a.start && addr < a.start + a.len) return a;
    }
    return undefined;
  }

  /** Removes a thread's queue entries (it woke, finished, blocked somewhere new, or exited). */
  dropEntries(thread: ThreadName): void {
    for (const u of this.allUffds()) {
      if (u.queue.some((e) => e.thread === thread)) u.queue = u.queue.filter((e) => e.thread !== thread);
    }
  }

  /** The uffd that owns (registered) the vma at addr, by this session's bookkeeping. */
  ownerAt(process: ProcessName, addr: bigint): UffdFd | undefined {
    for (let i = this.owners.length - 1; i >= 0; i--) {
      const o = this.owners[i]!;
      if (o.process === process && addr >= o.start && addr < o.end) {
        const f = this.fds.get(o.uffd) ?? this.unborn.get(o.uffd);
        return f?.kind === 'uffd' && !f.closed ? f : undefined;
      }
    }
    return undefined;
  }

  setOwner(process: ProcessName, start: bigint, end: bigint, uffd: FdName | undefined): void {
    const kept: Owner[] = [];
    for (const o of this.owners) {
      if (o.process !== process || o.end <= start || o.start >= end) kept.push(o);
      else {
        if (o.start < start) kept.push({ ...o, end: start });
        if (o.end > end) kept.push({ ...o, start: end });
      }
    }
    if (uffd !== undefined) kept.push({ process, start, end, uffd });
    this.owners = kept;
  }
}
