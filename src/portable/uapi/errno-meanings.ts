// What an errno means for each call, from the ERRORS sections of ioctl_userfaultfd(2) and
// userfaultfd(2), completed for the ioctls added after that page (WRITEPROTECT, CONTINUE, POISON, MOVE)
// from fs/userfaultfd.c and mm/userfaultfd.c as reference/kernel-semantics.md sections 1-2 records them.
// A list, because one errno often has several causes; the kernel does not say which one it was.

import type { ErrnoName } from './errno';
import { errnoName } from './errno';
import type { IoctlName } from './names';

export type CallName =
  | IoctlName
  | 'USERFAULTFD_IOC_NEW'
  | 'userfaultfd'
  | 'open'
  | 'read'
  | 'poll'
  | 'close'
  | 'fcntl'
  | 'mmap'
  | 'munmap'
  | 'mremap'
  | 'madvise';

type Meanings = Partial<Record<ErrnoName, readonly string[]>>;

/** The errors every ioctl on a uffd can give (the man page's general ERRORS). */
const EVERY_IOCTL: Meanings = {
  EFAULT: ['argp does not point to a valid memory address.'],
  EINVAL: [
    'The userfaultfd has not yet been enabled with UFFDIO_API (every ioctl but UFFDIO_API fails until then).',
    'The request is not a userfaultfd ioctl, or this kernel does not have it.',
  ],
  EBADF: ['fd is not an open file descriptor.'],
};

const RANGE_INVALID =
  'range.start or range.len is not a multiple of the page size, range.len is zero, or the range is otherwise invalid (below mmap_min_addr, past the end of the address space, or wrapping).';
const EVENT_PENDING =
  'A non-cooperative event (fork, mremap, madvise, munmap) is waiting to be read: the layout may be changing, so the monitor must read the event and retry (since 4.18).';
const MM_GONE = 'The faulting process has exited (its mm is gone) (since 4.13; ENOSPC in 4.11 and 4.12).';
const NO_VMA_REGISTERED =
  'The destination is not inside one registered mapping: no vma there, the range crosses the end of the vma, or the vma is not registered with any userfaultfd (since 4.11; EINVAL before).';
const PARTIAL = (field: string) =>
  `Only part of the range was done: ${field} holds the bytes done, less than len. The error that stopped it is not reported; retry from the first page not done to see it.`;
const ALREADY_MAPPED = (field: string) =>
  `The first page of the range is already mapped (a page, or a page already in the page cache for shared memory); ${field} is -EEXIST.`;

export const ERRNO_MEANINGS: Record<CallName, Meanings> = {
  UFFDIO_API: {
    EINVAL: [
      'The API version requested in api is not supported by this kernel (only UFFD_API, 0xaa, is), or features has bits this kernel does not support; the struct is zeroed.',
      'The userfaultfd has already been enabled by a previous UFFDIO_API (since 5.15 the struct is zeroed too).',
      'Before 4.11: features was not zero.',
    ],
    EPERM: ['UFFD_FEATURE_EVENT_FORK was requested without CAP_SYS_PTRACE (since 5.5).'],
    EFAULT: EVERY_IOCTL.EFAULT!,
  },
  UFFDIO_REGISTER: {
    EBUSY: ['A mapping in the range is registered with another userfaultfd object.'],
    EINVAL: [
      'mode is zero, or has an invalid or unsupported bit.',
      'There is no mapping in the range.',
      RANGE_INVALID,
      'There is an incompatible mapping in the range: MINOR on memory that is not shmem or hugetlbfs, a regular file mapping, or a hugetlb range not aligned to the huge page size.',
    ],
    EPERM: [
      'A mapping in the range cannot be made writable (no VM_MAYWRITE: a shared mapping of a file opened read-only, or a sealed memfd) (since 4.20).',
    ],
    ENOMEM: ['The process that created the userfaultfd has exited.'],
  },
  UFFDIO_UNREGISTER: {
    EINVAL: [
      RANGE_INVALID,
      'There is an incompatible mapping in the range, or a mapping registered with another userfaultfd.',
      'There is no mapping in the range.',
    ],
    ENOMEM: ['The process that created the userfaultfd has exited.'],
  },
  UFFDIO_WAKE: {
    EINVAL: [RANGE_INVALID],
  },
  UFFDIO_COPY: {
    EAGAIN: [PARTIAL('copy'), EVENT_PENDING],
    EEXIST: [ALREADY_MAPPED('copy')],
    EINVAL: [
      'dst or len is not a multiple of the page size, or the range given by src and len or by dst and len is invalid.',
      'An invalid bit was given in mode.',
      'UFFDIO_COPY_MODE_WP on a range not registered with UFFDIO_REGISTER_MODE_WP.',
      'A hugetlb range whose dst or len is not a multiple of the huge page size.',
    ],
    ENOENT: [NO_VMA_REGISTERED],
    ENOSPC: ['The faulting process has exited (4.11 and 4.12).'],
    ESRCH: [MM_GONE],
    EFAULT: [
      'src (or argp) is not readable memory, or the destination lies beyond the end of the file (shmem).',
    ],
    ENOMEM: ['The kernel could not allocate the page.'],
  },
  UFFDIO_ZEROPAGE: {
    EAGAIN: [PARTIAL('zeropage'), EVENT_PENDING],
    EEXIST: [ALREADY_MAPPED('zeropage')],
    EINVAL: [
      RANGE_INVALID,
      'An invalid bit was given in mode.',
      'The range is hugetlb: there is no huge zero page.',
    ],
    ENOENT: [NO_VMA_REGISTERED],
    ESRCH: [MM_GONE],
    EFAULT: ['argp is not readable, or the destination lies beyond the end of the file (shmem).'],
  },
  UFFDIO_WRITEPROTECT: {
    EAGAIN: [EVENT_PENDING],
    EINVAL: [
      RANGE_INVALID,
      'An invalid bit was given in mode, or both UFFDIO_WRITEPROTECT_MODE_WP and UFFDIO_WRITEPROTECT_MODE_DONTWAKE.',
      'A hugetlb range not aligned to the huge page size.',
    ],
    ENOENT: [
      'A mapping in the range is not registered with UFFDIO_REGISTER_MODE_WP, or there is no mapping in the range at all.',
    ],
    ESRCH: [MM_GONE],
  },
  UFFDIO_CONTINUE: {
    EAGAIN: [PARTIAL('mapped'), EVENT_PENDING],
    EEXIST: [ALREADY_MAPPED('mapped')],
    EINVAL: [
      RANGE_INVALID,
      'An invalid bit was given in mode (UFFDIO_CONTINUE_MODE_WP exists since 6.4), or MODE_WP on a range not registered for WP.',
      'The range is private anonymous memory: CONTINUE needs shmem or hugetlbfs.',
    ],
    ENOENT: [NO_VMA_REGISTERED],
    EFAULT: ['The page is not in the page cache (a hole), or lies beyond the end of the file.'],
    EIO: ['The page in the page cache is hardware-poisoned.'],
    ESRCH: [MM_GONE],
  },
  UFFDIO_POISON: {
    EAGAIN: [PARTIAL('updated'), EVENT_PENDING],
    EEXIST: ['The first page of the range is not empty (a page, or a marker); updated is -EEXIST.'],
    EINVAL: [
      RANGE_INVALID,
      'An invalid bit was given in mode.',
      'The memory is not anonymous, shmem or hugetlb.',
    ],
    ENOENT: [NO_VMA_REGISTERED],
    EFAULT: ['The destination lies beyond the end of the file.'],
    ESRCH: [MM_GONE],
  },
  UFFDIO_MOVE: {
    EAGAIN: [PARTIAL('move'), EVENT_PENDING],
    EEXIST: ['A destination page is already mapped; move is -EEXIST if it is the first.'],
    EINVAL: [
      'dst, src or len is not a multiple of the page size, or a range is otherwise invalid.',
      'An invalid bit was given in mode.',
      'The source or destination is not private anonymous memory, the two mappings differ in protection or mlock, the source is not writable, or a range crosses the end of its vma.',
      'The destination is not registered with this userfaultfd.',
      'The ioctl was called from another process than the one the userfaultfd belongs to.',
    ],
    ENOENT: [
      'There is no mapping at dst or src, or a source page is missing (without UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES).',
    ],
    EBUSY: ['A source page is shared (copy-on-write after fork, KSM, or pinned) and cannot be moved.'],
    EFAULT: ['A source page table entry is a marker (write-protect or poison) that cannot be moved.'],
    ESRCH: [MM_GONE],
  },
  USERFAULTFD_IOC_NEW: {
    EINVAL: ['The flags have a bit other than O_CLOEXEC, O_NONBLOCK and UFFD_USER_MODE_ONLY.'],
  },
  userfaultfd: {
    EINVAL: ['flags has a bit other than O_CLOEXEC, O_NONBLOCK and UFFD_USER_MODE_ONLY.'],
    EPERM: [
      'The caller lacks CAP_SYS_PTRACE and vm.unprivileged_userfaultfd is 0; since 5.11 such a caller may still pass UFFD_USER_MODE_ONLY.',
    ],
    EMFILE: ['The per-process limit on open file descriptors has been reached.'],
    ENFILE: ['The system-wide limit on open files has been reached.'],
    ENOMEM: ['Not enough kernel memory.'],
    ENOSYS: ['This kernel has no userfaultfd(2).'],
  },
  open: {
    EACCES: ['/dev/userfaultfd is readable and writable by root only by default.'],
    ENOENT: ['This kernel has no /dev/userfaultfd (it appeared in 6.1).'],
  },
  read: {
    EAGAIN: ['Nothing to read and the userfaultfd is non-blocking (O_NONBLOCK).'],
    EINVAL: [
      'The userfaultfd has not yet been enabled with UFFDIO_API.',
      'The buffer is smaller than one struct uffd_msg (32 bytes).',
    ],
    EFAULT: ['The buffer is not writable memory.'],
    EINTR: ['A signal arrived while read waited.'],
    EBADF: ['fd is not an open file descriptor.'],
  },
  poll: {
    EBADF: ['fd is not an open file descriptor.'],
  },
  close: {
    EBADF: ['fd is not an open file descriptor.'],
  },
  fcntl: {
    EBADF: ['fd is not an open file descriptor.'],
    EINVAL: ['The command or flags are invalid.'],
  },
  mmap: {
    EINVAL: [
      'The length is zero, or the flags or the file do not allow this mapping (hugetlb needs huge-page-aligned lengths).',
    ],
    ENOMEM: ['No memory, or no free huge pages for a hugetlb mapping.'],
    EACCES: ['The file was not opened for the access asked.'],
  },
  munmap: {
    EINVAL: ['The address is not page aligned, the length is zero, or the range is invalid.'],
  },
  mremap: {
    EINVAL: ['An address is not page aligned, the flags are invalid, or the ranges overlap.'],
    EFAULT: ['The old range is not all mapped.'],
    ENOMEM: ['The mapping cannot grow in place and MREMAP_MAYMOVE was not given.'],
  },
  madvise: {
    EINVAL: [
      'The address is not page aligned, the advice is invalid, or does not apply to this memory (MADV_REMOVE on private memory).',
    ],
    ENOMEM: ['Part of the range is not mapped.'],
  },
};

/**
 * What `errno` means for `call`: the call's own causes, then those every uffd ioctl shares.
 * An errno the table does not list for the call gives an empty list.
 */
export function errnoMeanings(call: string, errno: number | string): readonly string[] {
  const name = (typeof errno === 'number' ? errnoName(errno) : errno) as ErrnoName;
  const own = (ERRNO_MEANINGS as Record<string, Meanings | undefined>)[call]?.[name] ?? [];
  const isIoctl = call.startsWith('UFFDIO_') && call !== 'UFFDIO_API';
  const shared = isIoctl ? (EVERY_IOCTL[name] ?? []) : [];
  return [...own, ...shared.filter((s) => !own.includes(s))];
}
