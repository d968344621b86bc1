// include/uapi/linux/userfaultfd.h (Linux 6.8 and later), in TypeScript.
// 64-bit values are bigint, as the header types them (__u64); smaller ones are numbers.

import { _IO, _IOR, _IOWR } from './ioctl';
import { STRUCT_SIZE } from './sizes';

/** The ioctl type of the /dev/userfaultfd misc device. */
export const USERFAULTFD_IOC = 0xaa;
/** On /dev/userfaultfd: create a userfaultfd; the argument is the flags of userfaultfd(2). */
export const USERFAULTFD_IOC_NEW = _IO(USERFAULTFD_IOC, 0x00);

/** The only API version there is; UFFDIO_API refuses any other. */
export const UFFD_API = 0xaan;

/** Register mode: report faults on pages that are not present (missing). */
export const UFFDIO_REGISTER_MODE_MISSING = 1n << 0n;
/** Register mode: report writes to write-protected pages (5.7). */
export const UFFDIO_REGISTER_MODE_WP = 1n << 1n;
/** Register mode: report faults on pages in the page cache but not mapped (5.13). */
export const UFFDIO_REGISTER_MODE_MINOR = 1n << 2n;
/** Every register mode the current API knows. */
export const UFFD_API_REGISTER_MODES =
  UFFDIO_REGISTER_MODE_MISSING | UFFDIO_REGISTER_MODE_WP | UFFDIO_REGISTER_MODE_MINOR;

/** Fault messages carry UFFD_PAGEFAULT_FLAG_WP for write-protect faults (5.7). */
export const UFFD_FEATURE_PAGEFAULT_FLAG_WP = 1n << 0n;
/** Report fork() as UFFD_EVENT_FORK with a new uffd for the child (4.11; needs CAP_SYS_PTRACE since 5.5). */
export const UFFD_FEATURE_EVENT_FORK = 1n << 1n;
/** Report mremap() of a registered range as UFFD_EVENT_REMAP (4.11). */
export const UFFD_FEATURE_EVENT_REMAP = 1n << 2n;
/** Report madvise(MADV_DONTNEED/MADV_REMOVE) of a registered range as UFFD_EVENT_REMOVE (4.11). */
export const UFFD_FEATURE_EVENT_REMOVE = 1n << 3n;
/** MISSING registration works on hugetlbfs (4.11); informational. */
export const UFFD_FEATURE_MISSING_HUGETLBFS = 1n << 4n;
/** MISSING registration works on shmem (4.11); informational. */
export const UFFD_FEATURE_MISSING_SHMEM = 1n << 5n;
/** Report munmap() of a registered range as UFFD_EVENT_UNMAP (4.11). */
export const UFFD_FEATURE_EVENT_UNMAP = 1n << 6n;
/** Faults raise SIGBUS in the faulting thread instead of queueing a message (4.14). */
export const UFFD_FEATURE_SIGBUS = 1n << 7n;
/** Fault messages carry the faulting thread's id in feat.ptid (4.14). */
export const UFFD_FEATURE_THREAD_ID = 1n << 8n;
/** MINOR registration works on hugetlbfs (5.13). */
export const UFFD_FEATURE_MINOR_HUGETLBFS = 1n << 9n;
/** MINOR registration works on shmem (5.14). */
export const UFFD_FEATURE_MINOR_SHMEM = 1n << 10n;
/** Fault messages carry the exact faulting address, not the page's (5.18). */
export const UFFD_FEATURE_EXACT_ADDRESS = 1n << 11n;
/** WP registration works on shmem and hugetlbfs, through PTE markers (5.19). */
export const UFFD_FEATURE_WP_HUGETLBFS_SHMEM = 1n << 12n;
/** Write-protecting anonymous memory also protects pages not yet populated (6.4). */
export const UFFD_FEATURE_WP_UNPOPULATED = 1n << 13n;
/** UFFDIO_POISON exists (6.6). */
export const UFFD_FEATURE_POISON = 1n << 14n;
/** Write-protect faults are resolved by the kernel itself, with no message (6.7); implies WP_UNPOPULATED. */
export const UFFD_FEATURE_WP_ASYNC = 1n << 15n;
/** UFFDIO_MOVE exists (6.8). */
export const UFFD_FEATURE_MOVE = 1n << 16n;
/** Every feature the newest API knows. */
export const UFFD_API_FEATURES =
  UFFD_FEATURE_PAGEFAULT_FLAG_WP |
  UFFD_FEATURE_EVENT_FORK |
  UFFD_FEATURE_EVENT_REMAP |
  UFFD_FEATURE_EVENT_REMOVE |
  UFFD_FEATURE_EVENT_UNMAP |
  UFFD_FEATURE_MISSING_HUGETLBFS |
  UFFD_FEATURE_MISSING_SHMEM |
  UFFD_FEATURE_SIGBUS |
  UFFD_FEATURE_THREAD_ID |
  UFFD_FEATURE_MINOR_HUGETLBFS |
  UFFD_FEATURE_MINOR_SHMEM |
  UFFD_FEATURE_EXACT_ADDRESS |
  UFFD_FEATURE_WP_HUGETLBFS_SHMEM |
  UFFD_FEATURE_WP_UNPOPULATED |
  UFFD_FEATURE_POISON |
  UFFD_FEATURE_WP_ASYNC |
  UFFD_FEATURE_MOVE;
/** Kernel-internal (fs/userfaultfd.c, 5.15+): set in ctx->features once UFFDIO_API succeeded; shown in fdinfo only. */
export const UFFD_FEATURE_INITIALIZED = 1n << 31n;

/** ioctl numbers (the `nr` of the request), also the bits of the `ioctls` masks. */
export const _UFFDIO_REGISTER = 0x00;
export const _UFFDIO_UNREGISTER = 0x01;
export const _UFFDIO_WAKE = 0x02;
export const _UFFDIO_COPY = 0x03;
export const _UFFDIO_ZEROPAGE = 0x04;
export const _UFFDIO_MOVE = 0x05;
export const _UFFDIO_WRITEPROTECT = 0x06;
export const _UFFDIO_CONTINUE = 0x07;
export const _UFFDIO_POISON = 0x08;
export const _UFFDIO_API = 0x3f;

const bit = (nr: number): bigint => 1n << BigInt(nr);

/** The ioctls every initialised uffd has: what UFFDIO_API reports. */
export const UFFD_API_IOCTLS = bit(_UFFDIO_REGISTER) | bit(_UFFDIO_UNREGISTER) | bit(_UFFDIO_API);
/** The ioctls a registered range has (before masking by register mode). */
export const UFFD_API_RANGE_IOCTLS =
  bit(_UFFDIO_WAKE) |
  bit(_UFFDIO_COPY) |
  bit(_UFFDIO_ZEROPAGE) |
  bit(_UFFDIO_MOVE) |
  bit(_UFFDIO_WRITEPROTECT) |
  bit(_UFFDIO_CONTINUE) |
  bit(_UFFDIO_POISON);
/** The ioctls a range with a hugetlb vma has: no ZEROPAGE, no MOVE. */
export const UFFD_API_RANGE_IOCTLS_BASIC =
  bit(_UFFDIO_WAKE) |
  bit(_UFFDIO_COPY) |
  bit(_UFFDIO_WRITEPROTECT) |
  bit(_UFFDIO_CONTINUE) |
  bit(_UFFDIO_POISON);

/** The ioctl type of every UFFDIO_* request. */
export const UFFDIO = 0xaa;
export const UFFDIO_API = _IOWR(UFFDIO, _UFFDIO_API, STRUCT_SIZE.uffdio_api);
export const UFFDIO_REGISTER = _IOWR(UFFDIO, _UFFDIO_REGISTER, STRUCT_SIZE.uffdio_register);
/** _IOR although the kernel reads it: a historical slip the header keeps (see its comment). */
export const UFFDIO_UNREGISTER = _IOR(UFFDIO, _UFFDIO_UNREGISTER, STRUCT_SIZE.uffdio_range);
/** _IOR although the kernel reads it, like UFFDIO_UNREGISTER. */
export const UFFDIO_WAKE = _IOR(UFFDIO, _UFFDIO_WAKE, STRUCT_SIZE.uffdio_range);
export const UFFDIO_COPY = _IOWR(UFFDIO, _UFFDIO_COPY, STRUCT_SIZE.uffdio_copy);
export const UFFDIO_ZEROPAGE = _IOWR(UFFDIO, _UFFDIO_ZEROPAGE, STRUCT_SIZE.uffdio_zeropage);
export const UFFDIO_MOVE = _IOWR(UFFDIO, _UFFDIO_MOVE, STRUCT_SIZE.uffdio_move);
export const UFFDIO_WRITEPROTECT = _IOWR(UFFDIO, _UFFDIO_WRITEPROTECT, STRUCT_SIZE.uffdio_writeprotect);
export const UFFDIO_CONTINUE = _IOWR(UFFDIO, _UFFDIO_CONTINUE, STRUCT_SIZE.uffdio_continue);
export const UFFDIO_POISON = _IOWR(UFFDIO, _UFFDIO_POISON, STRUCT_SIZE.uffdio_poison);

/** Event of a page fault message. Events start at 0x12 "to be more strict against bugs". */
export const UFFD_EVENT_PAGEFAULT = 0x12;
/** fork() of a process with a registered range; arg.fork.ufd is the child's new uffd. */
export const UFFD_EVENT_FORK = 0x13;
/** mremap() moved a registered range: arg.remap.from, .to, .len (the old length). */
export const UFFD_EVENT_REMAP = 0x14;
/** madvise() dropped pages of a registered range: arg.remove.start, .end. */
export const UFFD_EVENT_REMOVE = 0x15;
/** munmap() of a registered range: arg.remove.start, .end. */
export const UFFD_EVENT_UNMAP = 0x16;

/** The fault was a write. */
export const UFFD_PAGEFAULT_FLAG_WRITE = 1 << 0;
/** The fault's reason is write protection (VM_UFFD_WP). */
export const UFFD_PAGEFAULT_FLAG_WP = 1 << 1;
/** The fault's reason is a minor fault (VM_UFFD_MINOR). */
export const UFFD_PAGEFAULT_FLAG_MINOR = 1 << 2;

/** UFFDIO_COPY: do not wake the threads blocked on the range. */
export const UFFDIO_COPY_MODE_DONTWAKE = 1n << 0n;
/** UFFDIO_COPY: map the new page write-protected (5.7). */
export const UFFDIO_COPY_MODE_WP = 1n << 1n;
/** UFFDIO_ZEROPAGE: do not wake the threads blocked on the range. */
export const UFFDIO_ZEROPAGE_MODE_DONTWAKE = 1n << 0n;
/** UFFDIO_WRITEPROTECT: protect the range; without it, un-protect (and wake). */
export const UFFDIO_WRITEPROTECT_MODE_WP = 1n << 0n;
/** UFFDIO_WRITEPROTECT: do not wake after un-protecting; invalid together with MODE_WP. */
export const UFFDIO_WRITEPROTECT_MODE_DONTWAKE = 1n << 1n;
/** UFFDIO_CONTINUE: do not wake the threads blocked on the range. */
export const UFFDIO_CONTINUE_MODE_DONTWAKE = 1n << 0n;
/** UFFDIO_CONTINUE: map the page write-protected (6.4). */
export const UFFDIO_CONTINUE_MODE_WP = 1n << 1n;
/** UFFDIO_POISON: do not wake the threads blocked on the range. */
export const UFFDIO_POISON_MODE_DONTWAKE = 1n << 0n;
/** UFFDIO_MOVE: do not wake the threads blocked on the destination. */
export const UFFDIO_MOVE_MODE_DONTWAKE = 1n << 0n;
/** UFFDIO_MOVE: count holes in the source as moved instead of failing with ENOENT. */
export const UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES = 1n << 1n;

/** userfaultfd(2) flag: handle only faults from user mode (5.11); kernel-mode faults get EFAULT. */
export const UFFD_USER_MODE_ONLY = 1;

/** include/uapi/asm-generic/fcntl.h, the other flags userfaultfd(2) accepts. */
export const O_NONBLOCK = 0o4000;
export const O_CLOEXEC = 0o2000000;
