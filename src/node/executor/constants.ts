// Linux constants the executor passes to mmap, madvise, mremap, fcntl and friends (x86_64 and
// arm64 share them), by the names operations use.

import type { Advice, MremapFlag, Prot } from '../../portable/model/operation';

export const PAGE_SIZE = 4096;
export const HUGE_PAGE = 2 << 20;

export const PROT: Record<Prot, number> = { PROT_NONE: 0, PROT_READ: 1, PROT_WRITE: 2, PROT_EXEC: 4 };

export const MAP_SHARED = 0x01;
export const MAP_PRIVATE = 0x02;
export const MAP_ANONYMOUS = 0x20;
export const MAP_NORESERVE = 0x4000;
export const MAP_HUGETLB = 0x40000;
export const MAP_FIXED_NOREPLACE = 0x100000;

export const ADVICE: Record<Advice, number> = {
  MADV_DONTNEED: 4,
  MADV_FREE: 8,
  MADV_REMOVE: 9,
  MADV_COLD: 20,
  MADV_PAGEOUT: 21,
  MADV_DONTNEED_LOCKED: 24,
};

export const MREMAP: Record<MremapFlag, number> = { MREMAP_MAYMOVE: 1, MREMAP_FIXED: 2, MREMAP_DONTUNMAP: 4 };

export const F_GETFD = 1;
export const F_GETFL = 3;
export const F_SETFL = 4;
export const FD_CLOEXEC = 1;
export const O_RDONLY = 0;
export const O_RDWR = 2;
export const O_NONBLOCK = 0o4000;
export const O_CLOEXEC = 0o2000000;

export const EBADF = 9;
export const EAGAIN = 11;

/** The PAGEMAP_SCAN ioctl on /proc/<pid>/pagemap (6.7+): _IOWR('f', 16, struct pm_scan_arg). */
export const PAGEMAP_SCAN = 0xc0606610;
export const PAGE_IS_WRITTEN = 1 << 1;
export const PAGE_IS_PRESENT = 1 << 3;
export const PAGE_IS_SWAPPED = 1 << 4;
export const PAGE_IS_PFNZERO = 1 << 5;
