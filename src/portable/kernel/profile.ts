// What one kernel release had and how it answered: the simulator asks its profile rather than
// comparing versions in the handlers. Sources: reference/kernel-semantics.md section 3 and the
// uapi history table (SINCE); where a behaviour changed without a new constant, the release is
// named here with the commit that changed it.

import { atLeast, NEWEST_KERNEL, OLDEST_KERNEL, parseVersion, SINCE } from '../uapi/history';
import { FEATURES } from '../uapi/names';
import * as U from '../uapi/userfaultfd';
import { ERRNO } from '../uapi/errno';

const bit = (nr: number): bigint => 1n << BigInt(nr);

export interface KernelProfile {
  readonly version: string;
  /** Whether this release has the named constant, ioctl or device (uapi/history.ts). */
  has(name: string): boolean;
  /** UFFD_API_FEATURES: what UFFDIO_API reports (0 before 4.11). */
  readonly apiFeatures: bigint;
  readonly rangeIoctls: bigint;
  readonly rangeIoctlsBasic: bigint;
  /** 4.11–4.13 gave every non-anonymous vma the BASIC mask; later only hugetlb. */
  readonly basicForShmem: boolean;
  /** UFFD_API_REGISTER_MODES that register accepts. */
  readonly registerModes: bigint;
  /** MISSING on shmem and hugetlbfs (4.11). */
  readonly missingShmemHugetlb: boolean;
  /** WP on shmem and hugetlbfs through PTE markers (5.19). */
  readonly wpShmemHugetlb: boolean;
  readonly minorHugetlb: boolean;
  readonly minorShmem: boolean;
  /** UFFDIO_ZEROPAGE on shmem (4.14). */
  readonly zeropageShmem: boolean;
  /** COPY/ZEROPAGE: no vma, unregistered vma or a range crossing it: EINVAL before 4.11, then ENOENT. */
  readonly noVmaErrno: number;
  /** The fill ioctls when the mm is gone: none before 4.11, ENOSPC in 4.11–4.12, then ESRCH. */
  readonly mmGoneErrno: number | undefined;
  /** COPY & co fail with EAGAIN while a non-cooperative event is unread (4.18). */
  readonly mmapChanging: boolean;
  /** ... and write -EAGAIN into the result field (6.15). */
  readonly mmapChangingWritesResult: boolean;
  /** REGISTER refuses a vma without VM_MAYWRITE with EPERM (4.20). */
  readonly registerNeedsMaywrite: boolean;
  /** vm.unprivileged_userfaultfd exists (5.2); its default (1, then 0 from 5.11). */
  readonly unprivilegedSysctl: boolean;
  readonly unprivilegedDefault: 0 | 1;
  /** UFFDIO_API refuses EVENT_FORK without CAP_SYS_PTRACE (5.5, commit 3c1c24d91ffd). */
  readonly eventForkNeedsPtrace: boolean;
  /** UFFDIO_API: the ctx state machine (before 5.15): a second call is EINVAL with the struct untouched. */
  readonly apiStateMachine: boolean;
  /** 6.0–6.3 (commit 914eedcb9ba0, reverted in 6.4): unknown features and the api value are ignored. */
  readonly apiIgnoresUnknown: boolean;
  /** UFFDIO_API checks the api, then EPERM, then the features (6.10); before, api and features first. */
  readonly apiEpermFirst: boolean;
  /** COPY validates src with validate_unaligned_range (6.6); before, only the wrap check. */
  readonly copyValidatesSrc: boolean;
  /** UNREGISTER refuses a vma registered with another uffd (6.17, commit "prevent unregistering VMAs through a different userfaultfd"). */
  readonly unregisterChecksCtx: boolean;
  /** Fault addresses are page-aligned (4.10, commit 1a29d85eb0f1); before, the exact address. */
  readonly maskedFaultAddress: boolean;
  /** UFFDIO_WRITEPROTECT answers ESRCH when the mm is gone (5.16, "fix a race between writeprotect and exit_mmap()"). */
  readonly writeprotectChecksMm: boolean;
  /** UFFDIO_COPY_MODE_WP (5.7). */
  readonly copyModeWp: boolean;
  /** WP_UNPOPULATED and CONTINUE_MODE_WP (6.4). */
  readonly continueModeWp: boolean;
  readonly devUserfaultfd: boolean;
  readonly userModeOnly: boolean;
}

function rangeIoctls(v: string): { full: bigint; basic: bigint } {
  const has = (name: string) => atLeast(v, SINCE[name] ?? OLDEST_KERNEL);
  let full = bit(U._UFFDIO_WAKE) | bit(U._UFFDIO_COPY) | bit(U._UFFDIO_ZEROPAGE);
  let basic = bit(U._UFFDIO_WAKE) | bit(U._UFFDIO_COPY);
  if (has('UFFDIO_WRITEPROTECT')) full |= bit(U._UFFDIO_WRITEPROTECT);
  if (has('UFFDIO_CONTINUE')) {
    full |= bit(U._UFFDIO_CONTINUE);
    basic |= bit(U._UFFDIO_CONTINUE);
  }
  // The BASIC mask gained WRITEPROTECT with WP on hugetlbfs (5.19).
  if (atLeast(v, '5.19')) basic |= bit(U._UFFDIO_WRITEPROTECT);
  if (has('UFFDIO_POISON')) {
    full |= bit(U._UFFDIO_POISON);
    basic |= bit(U._UFFDIO_POISON);
  }
  if (has('UFFDIO_MOVE')) full |= bit(U._UFFDIO_MOVE);
  return { full, basic };
}

/** Versions are `major.minor`; anything after is ignored (`6.18.44` is 6.18). */
export function kernelProfile(version: string = NEWEST_KERNEL): KernelProfile {
  const parsed = parseVersion(version);
  if (!parsed || !atLeast(version, OLDEST_KERNEL) || atLeast(version, bumpMinor(NEWEST_KERNEL))) {
    throw new RangeError(
      `unknown kernel version '${version}': the simulator models ${OLDEST_KERNEL} to ${NEWEST_KERNEL}`,
    );
  }
  const v = `${parsed[0]}.${parsed[1]}`;
  const at = (since: string) => atLeast(v, since);
  // Asked on every ioctl: answered once per name.
  const known = new Map<string, boolean>();
  const has = (name: string): boolean => {
    let yes = known.get(name);
    if (yes === undefined) known.set(name, (yes = at(SINCE[name] ?? OLDEST_KERNEL)));
    return yes;
  };
  const features = FEATURES.filter((f) => has(f.name)).reduce((m, f) => m | f.value, 0n);
  const ranges = rangeIoctls(v);
  const modes =
    U.UFFDIO_REGISTER_MODE_MISSING |
    (has('UFFDIO_REGISTER_MODE_WP') ? U.UFFDIO_REGISTER_MODE_WP : 0n) |
    (has('UFFDIO_REGISTER_MODE_MINOR') ? U.UFFDIO_REGISTER_MODE_MINOR : 0n);
  return {
    version: v,
    has,
    apiFeatures: features,
    rangeIoctls: ranges.full,
    rangeIoctlsBasic: ranges.basic,
    basicForShmem: !at('4.14'),
    registerModes: modes,
    missingShmemHugetlb: at('4.11'),
    wpShmemHugetlb: at('5.19'),
    minorHugetlb: at('5.13'),
    minorShmem: at('5.14'),
    zeropageShmem: at('4.14'),
    noVmaErrno: at('4.11') ? ERRNO.ENOENT : ERRNO.EINVAL,
    mmGoneErrno: !at('4.11') ? undefined : at('4.13') ? ERRNO.ESRCH : ERRNO.ENOSPC,
    mmapChanging: at('4.18'),
    mmapChangingWritesResult: at('6.15'),
    registerNeedsMaywrite: at('4.20'),
    unprivilegedSysctl: at('5.2'),
    unprivilegedDefault: at('5.11') ? 0 : 1,
    eventForkNeedsPtrace: at('5.5'),
    apiStateMachine: !at('5.15'),
    apiIgnoresUnknown: at('6.0') && !at('6.4'),
    apiEpermFirst: at('6.10'),
    copyValidatesSrc: at('6.6'),
    unregisterChecksCtx: at('6.17'),
    maskedFaultAddress: at('4.10'),
    writeprotectChecksMm: at('5.16'),
    copyModeWp: has('UFFDIO_COPY_MODE_WP'),
    continueModeWp: at('6.4'),
    devUserfaultfd: has('/dev/userfaultfd'),
    userModeOnly: has('UFFD_USER_MODE_ONLY'),
  };
}

function bumpMinor(v: string): string {
  const [major, minor] = parseVersion(v)!;
  return `${major}.${minor + 1}`;
}
