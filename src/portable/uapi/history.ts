// When each piece of the ABI appeared in mainline Linux (x86_64, full config), from
// reference/kernel-semantics.md section 3. The simulator's profiles and the UI's greyed-out
// controls both read this table.

export type KernelVersion = `${number}.${number}`;

/** The newest kernel the simulator models; the default profile. */
export const NEWEST_KERNEL: KernelVersion = '6.18';
/** userfaultfd(2) first appeared in 4.3. */
export const OLDEST_KERNEL: KernelVersion = '4.3';

export function parseVersion(v: string): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)/.exec(v);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** Negative, zero or positive, as a is older, the same as or newer than b (major.minor only). */
export function compareVersions(a: string, b: string): number {
  const [am, an] = parseVersion(a) ?? [0, 0];
  const [bm, bn] = parseVersion(b) ?? [0, 0];
  return am !== bm ? am - bm : an - bn;
}

export const atLeast = (v: string, since: string): boolean => compareVersions(v, since) >= 0;

/** The release that added each named constant (features, ioctls, modes, flags). */
export const SINCE: Record<string, KernelVersion> = {
  UFFDIO_API: '4.3',
  UFFDIO_REGISTER: '4.3',
  UFFDIO_UNREGISTER: '4.3',
  UFFDIO_WAKE: '4.3',
  UFFDIO_COPY: '4.3',
  UFFDIO_ZEROPAGE: '4.3',
  UFFDIO_WRITEPROTECT: '5.7',
  UFFDIO_CONTINUE: '5.13',
  UFFDIO_POISON: '6.6',
  UFFDIO_MOVE: '6.8',
  USERFAULTFD_IOC_NEW: '6.1',
  '/dev/userfaultfd': '6.1',

  UFFDIO_REGISTER_MODE_MISSING: '4.3',
  UFFDIO_REGISTER_MODE_WP: '5.7',
  UFFDIO_REGISTER_MODE_MINOR: '5.13',
  UFFDIO_COPY_MODE_DONTWAKE: '4.3',
  UFFDIO_COPY_MODE_WP: '5.7',
  UFFDIO_ZEROPAGE_MODE_DONTWAKE: '4.3',
  UFFDIO_WRITEPROTECT_MODE_WP: '5.7',
  UFFDIO_WRITEPROTECT_MODE_DONTWAKE: '5.7',
  UFFDIO_CONTINUE_MODE_DONTWAKE: '5.13',
  UFFDIO_CONTINUE_MODE_WP: '6.4',
  UFFDIO_POISON_MODE_DONTWAKE: '6.6',
  UFFDIO_MOVE_MODE_DONTWAKE: '6.8',
  UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES: '6.8',

  UFFD_FEATURE_PAGEFAULT_FLAG_WP: '5.7',
  UFFD_FEATURE_EVENT_FORK: '4.11',
  UFFD_FEATURE_EVENT_REMAP: '4.11',
  UFFD_FEATURE_EVENT_REMOVE: '4.11',
  UFFD_FEATURE_MISSING_HUGETLBFS: '4.11',
  UFFD_FEATURE_MISSING_SHMEM: '4.11',
  UFFD_FEATURE_EVENT_UNMAP: '4.11',
  UFFD_FEATURE_SIGBUS: '4.14',
  UFFD_FEATURE_THREAD_ID: '4.14',
  UFFD_FEATURE_MINOR_HUGETLBFS: '5.13',
  UFFD_FEATURE_MINOR_SHMEM: '5.14',
  UFFD_FEATURE_EXACT_ADDRESS: '5.18',
  UFFD_FEATURE_WP_HUGETLBFS_SHMEM: '5.19',
  UFFD_FEATURE_WP_UNPOPULATED: '6.4',
  UFFD_FEATURE_POISON: '6.6',
  UFFD_FEATURE_WP_ASYNC: '6.7',
  UFFD_FEATURE_MOVE: '6.8',

  UFFD_USER_MODE_ONLY: '5.11',
  UFFD_EVENT_PAGEFAULT: '4.3',
  UFFD_EVENT_FORK: '4.11',
  UFFD_EVENT_REMAP: '4.11',
  UFFD_EVENT_REMOVE: '4.11',
  UFFD_EVENT_UNMAP: '4.11',
  UFFD_PAGEFAULT_FLAG_WRITE: '4.3',
  UFFD_PAGEFAULT_FLAG_WP: '5.7',
  UFFD_PAGEFAULT_FLAG_MINOR: '5.13',
};

/** Whether the named constant exists in this kernel; unknown names are taken as always there. */
export function hasConstant(kernel: string, name: string): boolean {
  const since = SINCE[name];
  return since === undefined || atLeast(kernel, since);
}

/**
 * Releases where something userfaultfd users can see changed; the profile picker offers these.
 * Any version in between behaves as the newest entry not newer than it.
 */
export const NOTABLE_KERNELS: readonly { version: KernelVersion; what: string }[] = [
  {
    version: '4.3',
    what: 'userfaultfd(2): MISSING faults on private anonymous memory; API, REGISTER, COPY, ZEROPAGE, WAKE',
  },
  {
    version: '4.11',
    what: 'features: fork/remap/remove/unmap events, shmem and hugetlbfs; ENOENT for a changed layout; ENOSPC when the mm is gone',
  },
  { version: '4.13', what: 'ESRCH instead of ENOSPC when the faulting process has exited' },
  { version: '4.14', what: 'SIGBUS and THREAD_ID features; ZEROPAGE on shmem' },
  { version: '4.18', what: 'COPY/ZEROPAGE fail with EAGAIN while a non-cooperative event is unread' },
  { version: '4.20', what: 'REGISTER fails with EPERM on a vma without VM_MAYWRITE' },
  { version: '5.2', what: 'vm.unprivileged_userfaultfd sysctl' },
  { version: '5.5', what: 'EVENT_FORK needs CAP_SYS_PTRACE; re-registering replaces the mode' },
  { version: '5.7', what: 'write protection: REGISTER_MODE_WP, UFFDIO_WRITEPROTECT, COPY_MODE_WP' },
  { version: '5.11', what: 'UFFD_USER_MODE_ONLY; unprivileged_userfaultfd defaults to 0' },
  { version: '5.13', what: 'minor faults on hugetlbfs: REGISTER_MODE_MINOR, UFFDIO_CONTINUE' },
  { version: '5.14', what: 'minor faults on shmem' },
  { version: '5.15', what: 'a second UFFDIO_API fails and zeroes the struct' },
  { version: '5.18', what: 'EXACT_ADDRESS' },
  { version: '5.19', what: 'write protection on shmem and hugetlbfs (PTE markers)' },
  { version: '6.0', what: 'regression: UFFDIO_API ignores unknown features and the api value (until 6.4)' },
  { version: '6.1', what: '/dev/userfaultfd and USERFAULTFD_IOC_NEW' },
  { version: '6.4', what: 'WP_UNPOPULATED; CONTINUE_MODE_WP; the 6.0 regression reverted' },
  { version: '6.6', what: 'UFFDIO_POISON; COPY validates the source range' },
  { version: '6.7', what: 'WP_ASYNC' },
  { version: '6.8', what: 'UFFDIO_MOVE' },
  { version: '6.15', what: 'the result field is set to -EAGAIN when an event is pending' },
  { version: '6.18', what: 'the newest modelled: the kernel of the development machines' },
];
