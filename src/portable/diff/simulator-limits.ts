// What the simulated kernel leaves out on purpose. These entries excuse no difference (they list no
// path): they tell the user what the simulator does not show. A scenario that reaches one of them
// still fails the differential test where the engines differ.

import type { ModelLimit } from './model-limits';

const documents = (id: string, title: string, reason: string): ModelLimit => ({
  id: `simulator-${id}`,
  title,
  reason,
  paths: [],
});

export const SIMULATOR_LIMITS: readonly ModelLimit[] = [
  documents(
    'no-transparent-huge-pages',
    'No transparent huge pages',
    'Every anonymous and shmem page is 4 KiB: the simulator never maps a transparent huge page, so none ' +
      'is split or collapsed and UFFDIO_MOVE never moves a whole PMD. These machines run THP in madvise ' +
      'mode (never for shmem) and no operation asks for it.',
  ),
  documents(
    'no-reclaim',
    'No swap and no reclaim: MADV_PAGEOUT, MADV_COLD and MADV_FREE change nothing',
    'There is no swap and no memory pressure here, so the real kernel keeps anonymous and shmem pages as ' +
      'they are too. A clean page of a regular file could be dropped by MADV_PAGEOUT; the simulator keeps it.',
  ),
  documents(
    'hugetlb-pool-unlimited',
    'The hugetlb pool never runs out',
    'A huge page is always there when a hugetlb fault or fill needs one (the agent reserves them). The ' +
      'SIGBUS of a MAP_NORESERVE mapping with no huge page left, and the ENOMEM of a fill, do not happen.',
  ),
  documents(
    'no-sigsegv',
    'A touch that would raise SIGSEGV is refused',
    'Touching an address that is not mapped, writing without PROT_WRITE or reading without PROT_READ ' +
      'would kill the process: it is refused with a usage error, on both engines. A thread that meets ' +
      'SIGSEGV after it slept (its page was unmapped meanwhile) is shown exited.',
  ),
  documents(
    'touch-1gib',
    'A touch covers at most 1 GiB',
    'So that one operation is answered at once; a larger access is several touches. The source buffer ' +
      'of UFFDIO_COPY with {fill} holds at most 1 GiB too.',
  ),
  documents(
    'copy-source-missing',
    'UFFDIO_COPY from a missing page of a registered range is refused',
    "The kernel's copy_from_user() of the source would fault into a uffd and put the monitor to sleep " +
      'for good (unless SIGBUS or UFFD_USER_MODE_ONLY answers the fault): refused with a usage error.',
  ),
  documents(
    'not-operations',
    '/proc/self/fdinfo, mprotect, mlock and MAP_DROPPABLE are not operations',
    'So a protection never changes after mmap, no vma is VM_LOCKED (which UFFDIO_MOVE compares) or ' +
      'VM_DROPPABLE (which UFFDIO_REGISTER refuses), and the pending and total counts of fdinfo show ' +
      'only as the queues of the snapshot.',
  ),
  documents(
    'mremap-old-size-0',
    'mremap() with old size 0 fails with EINVAL',
    'The kernel makes a second mapping of a shared area that way; the simulator does not.',
  ),
  documents(
    'wake-order',
    'Woken threads run oldest first, and nothing races',
    'Everything happens in one order: threads woken together run in the order they were woken, each ' +
      'until it finishes or sleeps again. The real scheduler may run them otherwise, so their next ' +
      'faults may queue in another order; races (two fills of one page, a fault during a MOVE) do not happen.',
  ),
  documents(
    'memory-never-short',
    'Memory never runs out, and no fill is interrupted',
    "The kernel's ENOMEM paths (a page table, an anon_vma, a memory cgroup charge, shmem blocks) and the " +
      'EINTR of a fatal signal in the middle of a fill do not happen.',
  ),
  documents(
    'older-releases',
    'Releases other than 6.18 come from the kernel’s history, not from a running kernel',
    'Only 6.18 runs on these machines: what an older profile answers is taken from the uapi history and ' +
      'the commits that changed each behaviour. Re-registering a range before 5.5 OR-ed the modes; with ' +
      'only MISSING then, that is not observable and not modelled.',
  ),
];
