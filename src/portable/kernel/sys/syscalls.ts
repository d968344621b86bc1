// The simulated kernel's system calls as a C program makes them: fds and addresses are numbers,
// ioctl arguments and read buffers are the caller's bytes, and each call returns what the syscall
// does — a value >= 0 or -errno. The operations (sys/*-ops.ts) are built on these calls, so an
// operation and the same call made here run the same kernel code. After each call the threads it
// woke run until they finish or sleep again, as every operation does.
//
// Two answers are not the kernel's: BLOCKED, for a call that sleeps (a touch whose thread waits in
// a fault; a read on a blocking uffd with nothing to read, which is not performed: the monitor
// never blocks), and UsageFailure thrown for what the playground refuses (a touch that would
// raise SIGSEGV, a busy thread, a name already open).

import { hex } from '../../model/expr';
import type { ThreadName } from '../../model/operation';
import { O_NONBLOCK, USERFAULTFD_IOC_NEW } from '../../uapi/userfaultfd';
import { O_DIRECT, O_LARGEFILE, O_RDWR, SETFL_MASK, uffdFile, type File } from '../fs/file';
import { userfaultfdRelease } from '../fs/userfaultfd-events';
import { POLLIN, userfaultfdPoll, userfaultfdRead } from '../fs/userfaultfd-read';
import type { UserfaultfdCtx } from '../fs/userfaultfd-ctx';
import { sysUserfaultfd, userfaultfdDevIoctl, userfaultfdIoctl } from '../fs/userfaultfd';
import { E } from '../kernel';
import type { Mm } from '../mm/mm';
import { accessError, UserAccess } from '../mm/uaccess';
import { alignDown } from '../mm/page';
import { VM, vmaLookup, vmaPageSize } from '../mm/vma';
import type { FdEntry } from './fdtable';
import type { Session } from './session';
import { UsageFailure } from './usage';

/** Not an errno: the call sleeps (see above). */
export const BLOCKED = -0x10000;

export const F_GETFL = 3;
export const F_SETFL = 4;
export const POLLNVAL = 0x20;
/** DEFAULT_POLLMASK: what a file without a poll method (the device) reports. */
const DEFAULT_POLLMASK = POLLIN | 0x4 | 0x40 | 0x100;
/** poll() reports these whether asked or not. */
const POLL_ALWAYS = 0x8 | 0x10;

/** A touch covers at most this much: enough to show anything, small enough to answer at once. */
export const TOUCH_MAX = 1 << 30;

export class Syscalls {
  private readonly s: Session;
  /** The fd read() is reading, for the name of the fd a FORK event installs. */
  private reading: FdEntry | null = null;
  private readonly installFork = (ctx: UserfaultfdCtx, flags: number): number =>
    this.s.fds.install(`${this.reading!.name}@${ctx.mm.owner}`, uffdFile(ctx, flags));

  constructor(s: Session) {
    this.s = s;
  }

  /** The name a new fd gets: the caller's (which must not be open), or `fd<n>`. */
  private newFdName(as: string | undefined): string {
    return as === undefined ? this.s.fds.freeName(this.s.fds.lowestFree()) : this.s.checkNewFd(as);
  }

  private file(fd: number): File | undefined {
    return this.s.fds.byNumber(fd)?.file ?? undefined;
  }

  /** userfaultfd(2): the new fd, or -errno. */
  userfaultfd(flags: number, as?: string): number {
    const name = this.newFdName(as);
    const f = sysUserfaultfd(this.s.k, flags);
    return typeof f === 'number' ? f : this.s.fds.install(name, f);
  }

  /** open(path, O_RDWR | flags): only /dev/userfaultfd exists. */
  open(path: string, flags: number, as?: string): number {
    const name = this.newFdName(as);
    const k = this.s.k;
    if (path !== '/dev/userfaultfd' || !k.profile.devUserfaultfd) return -E.ENOENT;
    // crw------- root: without root (the simulator's capSysPtrace: false) the open is refused.
    if (!k.capSysPtrace) return -E.EACCES;
    return this.s.fds.install(name, {
      kind: 'dev',
      fFlags: O_RDWR | O_LARGEFILE | (flags & O_NONBLOCK),
      cloexec: (flags & 0o2000000) !== 0,
    });
  }

  /**
   * ioctl(fd, request, arg). For a uffd, `arg` is the memory the struct lies in, written back in
   * place (a number or null is a pointer to no memory: EFAULT); for /dev/userfaultfd's
   * USERFAULTFD_IOC_NEW it is the flags, and `as` names the new fd.
   */
  ioctl(fd: number, request: number, arg: Uint8Array | number | null, as?: string): number {
    const file = this.file(fd);
    if (!file) return -E.EBADF;
    const k = this.s.k;
    if (file.kind === 'dev') {
      // A buffer passed as the flags is an address: bits no flag set allows.
      const flags = typeof arg === 'number' ? arg : arg === null ? 0 : -1;
      const name = request === USERFAULTFD_IOC_NEW ? this.newFdName(as) : '';
      const f = userfaultfdDevIoctl(k, request, flags);
      return typeof f === 'number' ? f : this.s.fds.install(name, f);
    }
    const ret = userfaultfdIoctl(k, file, request, typeof arg === 'number' ? null : arg);
    k.sched.settle();
    return ret;
  }

  /**
   * read(fd, buf, count): whole uffd_msgs into buf; the bytes read, -errno, or BLOCKED. `count`
   * past the end of `buf` is memory that is not the caller's (EFAULT when a message lands there).
   */
  read(fd: number, buf: Uint8Array, count = buf.length): number {
    const e = this.s.fds.byNumber(fd);
    const file = e?.file;
    if (!e || !file) return -E.EBADF;
    if (file.kind !== 'uffd') return -E.EINVAL;
    this.reading = e;
    const got = userfaultfdRead(this.s.k, file.ctx, file.fFlags, buf, count, this.installFork);
    this.reading = null;
    this.s.k.sched.settle();
    return got === 'block' ? BLOCKED : got;
  }

  /** poll() of one fd with timeout 0: its revents (POLLNVAL for a number not open). */
  poll(fd: number, events = POLLIN): number {
    const file = this.file(fd);
    if (!file) return POLLNVAL;
    const mask = file.kind === 'uffd' ? userfaultfdPoll(file.ctx, file.fFlags) : DEFAULT_POLLMASK;
    return mask & (events | POLL_ALWAYS);
  }

  close(fd: number): number {
    const e = this.s.fds.byNumber(fd);
    const file = e?.file;
    if (!e || !file) return -E.EBADF;
    this.s.fds.close(e);
    if (file.kind === 'uffd') userfaultfdRelease(this.s.k, file.ctx);
    this.s.k.sched.settle();
    return 0;
  }

  /** fcntl(fd, F_GETFL) or fcntl(fd, F_SETFL, flags). */
  fcntl(fd: number, cmd: number, arg = 0): number {
    const file = this.file(fd);
    if (!file) return -E.EBADF;
    if (cmd === F_GETFL) return file.fFlags;
    if (cmd !== F_SETFL) return -E.EINVAL;
    if (arg & O_DIRECT) return -E.EINVAL;
    file.fFlags = (file.fFlags & ~SETFL_MASK) | (arg & SETFL_MASK);
    return 0;
  }

  /**
   * A thread reads `len` bytes at addr, or memsets `value` over them: 0 once the access is over
   * (the thread is done, or met SIGBUS), BLOCKED while the thread sleeps in a fault. A new name is
   * a new thread of process main.
   */
  touch(thread: ThreadName, addr: number, write: boolean, len = 1, value = 1): number {
    if (!Number.isInteger(value) || value < 0 || value > 255) {
      throw new UsageFailure(`value must be a byte (0..255), got ${value}`, 'value');
    }
    if (!(len > 0 && len <= TOUCH_MAX))
      throw new UsageFailure(`len must be 1 byte to 1 GiB, got ${len}`, 'len');
    const s = this.s;
    // The thread exists from here on, whether or not the touch is refused (as in the executor).
    const task = s.task(thread);
    const mm = task.process.mm;
    checkAccessible(mm, addr, len, write);
    const k = s.k;
    const body = new UserAccess(k, mm, addr, len, write, value);
    k.sched.start(task, body, body);
    k.sched.settle();
    return task.busy ? BLOCKED : 0;
  }
}

/** The whole range must be mapped with the access allowed: a touch that would SIGSEGV is refused. */
function checkAccessible(mm: Mm, addr: number, len: number, write: boolean): void {
  for (let a = addr; a < addr + len;) {
    const vma = vmaLookup(mm, a);
    // Stricter than x86 (where a write-only mapping reads too): both engines refuse what is not PROT_READ.
    if (!vma || accessError(vma, write) || !(vma.flags & VM.READ)) {
      const why = vma ? `does not allow a ${write ? 'write' : 'read'}` : 'is not mapped';
      throw new UsageFailure(`${hex(a)} ${why}: the touch would raise SIGSEGV and kill the process`, 'addr');
    }
    const size = vmaPageSize(vma);
    a = alignDown(a, size) + size;
  }
}
