// The one module that touches the OS: every foreign call of the executor goes through here.
// libc through koffi, with every argument an integer (pointers are the addresses of Buffers the
// caller keeps alive for the call), so a call is exactly the C call and nothing is copied behind
// our back. Each call returns what the syscall returned, or -errno, read at once with koffi.errno().
// The C helper (native/uffd_helper.c) is loaded here too, when it could be built.

import koffi from 'koffi';
import { arch } from 'node:process';
import { helperLibrary } from './native';

type Int = number | bigint;
type Fn = (...args: Int[]) => number | bigint;

const libc = koffi.load('libc.so.6');

function bind(decl: string): Fn {
  return libc.func(decl) as unknown as Fn;
}

const C = {
  syscall: bind('long syscall(long, long, long, long, long, long, long)'),
  read: bind('intptr_t read(int, uintptr_t, size_t)'),
  pread: bind('intptr_t pread(int, uintptr_t, size_t, int64_t)'),
  preadv2: bind('intptr_t preadv2(int, uintptr_t, int, int64_t, int)'),
  write: bind('intptr_t write(int, uintptr_t, size_t)'),
  open: bind('int open(uintptr_t, int, int)'),
  close: bind('int close(int)'),
  flock: bind('int flock(int, int)'),
  ioctl: bind('int ioctl(int, unsigned long, uintptr_t)'),
  fcntl: bind('int fcntl(int, int, long)'),
  poll: bind('int poll(uintptr_t, unsigned long, int)'),
  mmap: bind('intptr_t mmap(uintptr_t, size_t, int, int, int, int64_t)'),
  munmap: bind('int munmap(uintptr_t, size_t)'),
  mremap: bind('intptr_t mremap(uintptr_t, size_t, size_t, int, uintptr_t)'),
  madvise: bind('int madvise(uintptr_t, size_t, int)'),
  mincore: bind('int mincore(uintptr_t, size_t, uintptr_t)'),
  memfd_create: bind('int memfd_create(uintptr_t, unsigned int)'),
  ftruncate: bind('int ftruncate(int, int64_t)'),
  pipe2: bind('int pipe2(uintptr_t, int)'),
  kill: bind('int kill(int, int)'),
  tgkill: bind('int tgkill(int, int, int)'),
  waitpid: bind('int waitpid(int, uintptr_t, int)'),
  getpid: bind('int getpid(void)'),
  memset: bind('uintptr_t memset(uintptr_t, int, size_t)'),
  eventfd: bind('int eventfd(unsigned int, int)'),
  gettid: bind('int gettid(void)'),
  sched_getcpu: bind('int sched_getcpu(void)'),
  sched_yield: bind('int sched_yield(void)'),
  sched_getaffinity: bind('int sched_getaffinity(int, size_t, uintptr_t)'),
  sched_setaffinity: bind('int sched_setaffinity(int, size_t, uintptr_t)'),
};

/** SYS_userfaultfd: the one syscall libc has no wrapper for; SYS_futex, which glibc does not export. */
const SYS_userfaultfd = ({ x64: 323, arm64: 282 } as Record<string, number>)[arch];
const SYS_futex = ({ x64: 202, arm64: 98 } as Record<string, number>)[arch] ?? -1;
const FUTEX_WAKE_PRIVATE = 129;

/** The address of a Buffer's bytes, for a pointer argument. */
export const ptr = (buf: Uint8Array): bigint => koffi.address(buf);

/** A NUL-terminated C string the caller keeps alive during the call. */
export const cstring = (s: string): Buffer => Buffer.from(`${s}\0`, 'utf8');

/** A call's return value, or -errno when it failed (returned -1). */
function ret(v: number | bigint): number {
  const n = Number(v);
  return n === -1 ? -koffi.errno() : n;
}

/** A returned address as an unsigned bigint, or -errno as a negative one. */
function retAddr(v: number | bigint): bigint {
  const n = BigInt(v);
  return n === -1n ? -BigInt(koffi.errno()) : BigInt.asUintN(64, n);
}

export const os = {
  userfaultfd(flags: Int): number {
    if (SYS_userfaultfd === undefined) return -38; // ENOSYS: an architecture this table does not know
    return ret(C.syscall(SYS_userfaultfd, flags, 0, 0, 0, 0, 0));
  },
  read: (fd: number, buf: Uint8Array, len: number): number => ret(C.read(fd, ptr(buf), len)),
  pread: (fd: number, buf: Uint8Array, len: number, off: Int): number => ret(C.pread(fd, ptr(buf), len, off)),
  /** preadv2 with one iovec at the file's position (-1): RWF_NOWAIT reads without blocking. */
  readNowait(fd: number, buf: Uint8Array, len: number): number {
    const iov = new BigUint64Array([ptr(buf), BigInt(len)]);
    return ret(C.preadv2(fd, ptr(new Uint8Array(iov.buffer)), 1, -1, RWF_NOWAIT));
  },
  write: (fd: number, buf: Uint8Array, len: number): number => ret(C.write(fd, ptr(buf), len)),
  open: (path: string, flags: Int, mode = 0): number => ret(C.open(ptr(cstring(path)), flags, mode)),
  close: (fd: number): number => ret(C.close(fd)),
  flock: (fd: number, operation: number): number => ret(C.flock(fd, operation)),
  ioctl: (fd: number, request: Int, arg: Uint8Array): number => ret(C.ioctl(fd, request, ptr(arg))),
  /** ioctl whose argument is a number, not a pointer (USERFAULTFD_IOC_NEW takes the flags). */
  ioctlValue: (fd: number, request: Int, arg: Int): number => ret(C.ioctl(fd, request, arg)),
  fcntl: (fd: number, cmd: number, arg: Int = 0): number => ret(C.fcntl(fd, cmd, arg)),
  /** poll of one fd for POLLIN, never waiting; returns revents, or -errno. */
  pollIn(fd: number): number {
    const pfd = Buffer.alloc(8);
    pfd.writeInt32LE(fd, 0);
    pfd.writeInt16LE(POLLIN, 4);
    const r = ret(C.poll(ptr(pfd), 1, 0));
    return r < 0 ? r : pfd.readInt16LE(6);
  },
  /** Waits up to `ms` for any of the fds to be readable (or in error); returns how many are, or -errno. */
  pollAny(fds: readonly number[], ms: number): number {
    return os.pollEach(fds, ms).ready;
  },
  /** poll() for POLLIN on each fd, waiting up to `ms`: how many are ready, and each one's revents. */
  pollEach(fds: readonly number[], ms: number): { ready: number; revents: number[] } {
    if (pollBuf.length < 8 * fds.length) pollBuf = Buffer.alloc(8 * fds.length);
    const pfd = pollBuf;
    fds.forEach((fd, i) => {
      pfd.writeInt32LE(fd, i * 8);
      pfd.writeInt16LE(POLLIN, i * 8 + 4);
    });
    const ready = ret(C.poll(ptr(pfd), fds.length, ms));
    return { ready, revents: fds.map((_, i) => pfd.readInt16LE(i * 8 + 6)) };
  },
  eventfd: (flags: number): number => ret(C.eventfd(0, flags)),
  mmap: (addr: bigint, len: bigint, prot: number, flags: number, fd: number, off: bigint): bigint =>
    retAddr(C.mmap(addr, len, prot, flags, fd, off)),
  munmap: (addr: bigint, len: bigint): number => ret(C.munmap(addr, len)),
  mremap: (addr: bigint, oldLen: bigint, newLen: bigint, flags: number, newAddr: bigint): bigint =>
    retAddr(C.mremap(addr, oldLen, newLen, flags, newAddr)),
  madvise: (addr: bigint, len: bigint, advice: number): number => ret(C.madvise(addr, len, advice)),
  mincore: (addr: bigint, len: bigint, vec: Uint8Array): number => ret(C.mincore(addr, len, ptr(vec))),
  memfdCreate: (name: string, flags: number): number => ret(C.memfd_create(ptr(cstring(name)), flags)),
  ftruncate: (fd: number, len: bigint): number => ret(C.ftruncate(fd, len)),
  /** pipe2: [read end, write end], or -errno. */
  pipe(flags: number): [number, number] | number {
    const fds = new Int32Array(2);
    const r = ret(C.pipe2(ptr(new Uint8Array(fds.buffer)), flags));
    return r < 0 ? r : [fds[0]!, fds[1]!];
  },
  kill: (pid: number, sig: number): number => ret(C.kill(pid, sig)),
  tgkill: (tgid: number, tid: number, sig: number): number => ret(C.tgkill(tgid, tid, sig)),
  /** waitpid: [pid, status] (pid 0 with WNOHANG when it has not changed), or -errno. */
  waitpid(pid: number, options: number): [number, number] | number {
    const status = new Int32Array(1);
    const r = ret(C.waitpid(pid, ptr(new Uint8Array(status.buffer)), options));
    return r < 0 ? r : [r, status[0]!];
  },
  getpid: (): number => Number(C.getpid()),
  gettid: (): number => Number(C.gettid()),
  /** The CPU the calling thread runs on now. */
  currentCpu: (): number => ret(C.sched_getcpu()),
  yieldCpu: (): void => void C.sched_yield(),
  /** A thread's CPU affinity mask (tid 0: the calling thread), or -errno. */
  getAffinity(tid: number): Buffer | number {
    const mask = Buffer.alloc(CPU_MASK_BYTES);
    const r = ret(C.sched_getaffinity(tid, CPU_MASK_BYTES, ptr(mask)));
    return r < 0 ? r : mask;
  },
  setAffinity: (tid: number, mask: Buffer): number => ret(C.sched_setaffinity(tid, mask.length, ptr(mask))),
  /** A mask of one CPU. */
  cpuMask(cpu: number): Buffer {
    const mask = Buffer.alloc(CPU_MASK_BYTES);
    mask[cpu >> 3] = 1 << (cpu & 7);
    return mask;
  },
  /** FUTEX_WAKE_PRIVATE on an int32 (of a SharedArrayBuffer): wakes a thread waiting there in C. */
  futexWake: (addr: bigint): number => ret(C.syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0)),
  /** Fills memory of the executor's own (never registered) buffers. */
  memset: (addr: bigint, byte: number, len: bigint): void => void C.memset(addr, byte, len),
};

export const POLLIN = 0x1;
let pollBuf = Buffer.alloc(8 * 16);

/** cpu_set_t: 1024 CPUs. */
const CPU_MASK_BYTES = 128;
export const RWF_NOWAIT = 0x8;
export const WNOHANG = 1;
export const SIGKILL = 9;
export const SIGUSR1 = 10;

/** uh_touch's outcome (native/uffd_helper.c UH_OUT_*). */
export interface TouchOutcome {
  /** 0 done, 1 SIGBUS, 2 SIGSEGV. */
  readonly status: number;
  readonly value: number;
  readonly siCode: number;
  readonly siAddr: bigint;
}

export const TOUCH_DONE = 0;
export const TOUCH_SIGBUS = 1;
export const TOUCH_SIGSEGV = 2;

/** The child's command as native/uffd_helper.c reads it from its pipe (struct uh_cmd: op, arg[6]). */
export const CHILD_CMD_SIZE = 56;
export const ChildCmd = { TOUCH: 1n, EXIT: 2n, MADVISE: 3n, MUNMAP: 4n, MREMAP: 5n, MMAP: 6n } as const;
/** The child's reply: int64_t out[4], as TouchOutcome; status CHILD_RET carries a call's return in `value`. */
export const CHILD_OUT_SIZE = 32;
export const CHILD_HELLO = 3;
export const CHILD_RET = 4;

export interface Helper {
  /** Marks the calling thread as the executor's and returns its tid. */
  adoptThread(): number;
  /** Accesses memory as a thread would; `progress` (one int64) shows the address being accessed. */
  touch(addr: bigint, len: bigint, write: boolean, value: number, progress: BigInt64Array): TouchOutcome;
  /** fork(2) into a child that runs the helper's command loop on the two pipe ends; pid or -errno. */
  fork(cmdFd: number, resFd: number): number;
  /** Where the child's progress slot is (the same address in the child). */
  readonly childProgressAddr: bigint;
  /** Runs the calling thread's command loop on its shared slots (thread-protocol.ts) until QUIT. */
  serve(slots: SharedArrayBuffer): void;
}

export type HelperStatus =
  { readonly ok: true; readonly helper: Helper } | { readonly ok: false; readonly why: string };

let helperStatus: HelperStatus | undefined;

/** The C helper, built and loaded on first use; or why it is not available. */
export function loadHelper(): HelperStatus {
  if (helperStatus) return helperStatus;
  const lib = helperLibrary();
  if (!lib.ok) return (helperStatus = lib);
  const h = koffi.load(lib.path);
  const fn = (decl: string): Fn => h.func(decl) as unknown as Fn;
  const init = fn('int32_t uh_init(void)');
  const adopt = fn('int32_t uh_adopt_thread(void)');
  const touch = fn('int64_t uh_touch(uint64_t, uint64_t, int32_t, int32_t, uintptr_t, uintptr_t)');
  const fork = fn('int64_t uh_fork(int32_t, int32_t)');
  const progressAddr = fn('uint64_t uh_child_progress_addr(void)');
  const serve = fn('int32_t uh_serve(uintptr_t)');
  const r = Number(init());
  if (r < 0)
    return (helperStatus = {
      ok: false,
      why: `the C helper could not install its signal handlers (errno ${-r})`,
    });
  const out = new BigInt64Array(4);
  const outPtr = ptr(new Uint8Array(out.buffer));
  helperStatus = {
    ok: true,
    helper: {
      adoptThread: () => Number(adopt()),
      touch(addr, len, write, value, progress) {
        touch(
          addr,
          len,
          write ? 1 : 0,
          value,
          ptr(new Uint8Array(progress.buffer, progress.byteOffset, 8)),
          outPtr,
        );
        return {
          status: Number(out[0]),
          value: Number(out[1]),
          siCode: Number(out[2]),
          siAddr: BigInt.asUintN(64, out[3]!),
        };
      },
      fork: (cmdFd, resFd) => Number(fork(cmdFd, resFd)),
      childProgressAddr: BigInt(progressAddr()),
      serve: (slots) => void serve(ptr(new Uint8Array(slots))),
    },
  };
  return helperStatus;
}
