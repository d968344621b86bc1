// Operations: what a C program would do, named as in C. A session is a list of these.
// Names, not numbers, identify things: fds (`uffd`), areas (`a`), threads (`T1`) and processes
// (`main` and forked children), so one scenario runs the same on the simulator and the real kernel.

import type { Expr } from './expr';
import type { IoctlName } from '../uapi/names';

export type FdName = string;
export type AreaName = string;
export type ThreadName = string;
export type ProcessName = string;

/** A mask: an expression (`A|B`, `0x3`) or a list of names and numbers. */
export type MaskExpr = Expr | readonly Expr[];

/** The process the session runs in; it holds every fd and the monitor. */
export const MAIN_PROCESS: ProcessName = 'main';
/** The thread that does memory operations when an operation names none. */
export const MAIN_THREAD: ThreadName = 'main';

/**
 * What an area is backed by, and how it is mapped:
 * - `anon`: MAP_PRIVATE|MAP_ANONYMOUS
 * - `shmem`: MAP_SHARED|MAP_ANONYMOUS (an unnamed shmem file)
 * - `memfd`: a mapping of a memfd (shmem); `shared: false` maps it MAP_PRIVATE ("shmem-private")
 * - `hugetlb`: MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB, or with `shared: true` a MFD_HUGETLB memfd, MAP_SHARED
 * - `file`: a regular file on disk (not shmem): registering it fails, as the kernel refuses
 */
export type AreaKind = 'anon' | 'shmem' | 'memfd' | 'hugetlb' | 'file';

export const AREA_KINDS: readonly AreaKind[] = ['anon', 'shmem', 'memfd', 'hugetlb', 'file'];

export type Prot = 'PROT_NONE' | 'PROT_READ' | 'PROT_WRITE' | 'PROT_EXEC';

export type Advice =
  'MADV_DONTNEED' | 'MADV_REMOVE' | 'MADV_FREE' | 'MADV_DONTNEED_LOCKED' | 'MADV_PAGEOUT' | 'MADV_COLD';

export type MremapFlag = 'MREMAP_MAYMOVE' | 'MREMAP_FIXED' | 'MREMAP_DONTUNMAP';

/** Struct fields by C member path (`range.start`) or nested (`{range: {start}}`). */
export interface StructArg {
  readonly [field: string]: Expr | readonly Expr[] | StructArg;
}

export type Operation =
  /** userfaultfd(flags): a new uffd, named `as`. */
  | { readonly op: 'userfaultfd'; readonly flags?: MaskExpr; readonly as: FdName }
  /** open("/dev/userfaultfd", O_RDWR | flags): the misc device, named `as`. */
  | { readonly op: 'open'; readonly path: '/dev/userfaultfd'; readonly flags?: MaskExpr; readonly as: FdName }
  /**
   * ioctl(fd, request, arg). `request` is a UFFDIO_* name, USERFAULTFD_IOC_NEW or a raw number.
   * For USERFAULTFD_IOC_NEW `arg` is the flags and `as` names the new uffd.
   * Output fields may be given: the kernel leaves some untouched, and that is worth seeing.
   * COPY's `src` may be `{ fill: byte }`: a source buffer the backend owns, filled with that byte.
   */
  | {
      readonly op: 'ioctl';
      readonly fd: FdName;
      readonly request: IoctlName | 'USERFAULTFD_IOC_NEW' | number;
      readonly arg?: StructArg | MaskExpr;
      readonly as?: FdName;
    }
  | { readonly op: 'close'; readonly fd: FdName }
  /** read(fd, buf, size): uffd_msgs. size defaults to one message (32). */
  | { readonly op: 'read'; readonly fd: FdName; readonly size?: Expr }
  /** poll({fd, POLLIN}, 1, 0): never waits. */
  | { readonly op: 'poll'; readonly fd: FdName }
  /** fcntl(fd, F_SETFL, flags): e.g. turn O_NONBLOCK on or off. */
  | {
      readonly op: 'fcntl';
      readonly fd: FdName;
      readonly cmd: 'F_SETFL' | 'F_GETFL';
      readonly flags?: MaskExpr;
    }
  /**
   * mmap of `len` bytes of a new area named `as`. `file` names the memfd/file object so two areas can
   * map the same one (an alias); `offset` is the file offset; `fileSize` its size (default offset+len);
   * `readOnlyFd` maps a shared file through an fd opened O_RDONLY (no VM_MAYWRITE).
   */
  | {
      readonly op: 'mmap';
      readonly as: AreaName;
      readonly kind: AreaKind;
      readonly len: Expr;
      readonly prot?: readonly Prot[];
      readonly shared?: boolean;
      readonly file?: string;
      readonly offset?: Expr;
      readonly fileSize?: Expr;
      readonly readOnlyFd?: boolean;
      readonly thread?: ThreadName;
    }
  | { readonly op: 'munmap'; readonly addr: Expr; readonly len: Expr; readonly thread?: ThreadName }
  /** mremap; when the mapping moves, its new place is the area `as` (the old name stays with what is left). */
  | {
      readonly op: 'mremap';
      readonly addr: Expr;
      readonly oldLen: Expr;
      readonly newLen: Expr;
      readonly flags?: readonly MremapFlag[];
      readonly newAddr?: Expr;
      readonly as?: AreaName;
      readonly thread?: ThreadName;
    }
  | {
      readonly op: 'madvise';
      readonly addr: Expr;
      readonly len: Expr;
      readonly advice: Advice;
      readonly thread?: ThreadName;
    }
  /** fork(): a child process named `child` whose one thread has the same name. */
  | { readonly op: 'fork'; readonly child: ProcessName; readonly thread?: ThreadName }
  /** The child process exits (its mm goes away). */
  | { readonly op: 'exit'; readonly process: ProcessName }
  /**
   * A thread accesses memory: a read of one byte per page, or a write (memset) of `value` over
   * [addr, addr+len) (len defaults to 1 byte). It may block in a fault; it continues when woken.
   */
  | {
      readonly op: 'touch';
      readonly thread: ThreadName;
      readonly addr: Expr;
      readonly access: 'read' | 'write';
      readonly len?: Expr;
      readonly value?: number;
    }
  /** A non-fatal signal (with a handler) to a thread: a thread blocked in a fault leaves and faults again. */
  | { readonly op: 'signal'; readonly thread: ThreadName; readonly signal: 'SIGUSR1' };

export type OpName = Operation['op'];

export const OP_NAMES: readonly OpName[] = [
  'userfaultfd',
  'open',
  'ioctl',
  'close',
  'read',
  'poll',
  'fcntl',
  'mmap',
  'munmap',
  'mremap',
  'madvise',
  'fork',
  'exit',
  'touch',
  'signal',
];

export type OperationOf<N extends OpName> = Extract<Operation, { op: N }>;
