// Which non-cooperative events a memory operation will wait for, in the order the kernel sends
// them (fs/userfaultfd.c): one per uffd with the feature whose registered vmas the range touches,
// in address order — per vma for madvise (userfaultfd_remove is called vma by vma), once per uffd
// for munmap and fork (userfaultfd_unmap_prep and dup_userfaultfd dedup by ctx).

import type { ProcessName } from '../../portable/model/operation';
import { UFFD_FEATURE_INITIALIZED } from '../../portable/uapi';
import type { Machine } from './machine';
import { parseUffdInfo, readProc } from './proc';
import type { Job, UffdFd } from './session';

/** The features a uffd has enabled (read from fdinfo once it is initialized, then kept). */
export function uffdFeatures(u: UffdFd): bigint {
  if (u.features !== undefined) return u.features;
  const f = u.fd < 0 ? 0n : (parseUffdInfo(readProc(`/proc/self/fdinfo/${u.fd}`))?.features ?? 0n);
  if (f & UFFD_FEATURE_INITIALIZED) u.features = f & ~UFFD_FEATURE_INITIALIZED;
  return f & ~UFFD_FEATURE_INITIALIZED;
}

export function planEvents(
  m: Machine,
  process: ProcessName,
  start: bigint,
  end: bigint,
  event: number,
  feature: bigint,
  perVma: boolean,
): Job['events'] {
  const out: Job['events'] = [];
  for (const r of m.vmas(process).registrations()) {
    if (r.end <= start || r.start >= end) continue;
    const owner = m.s.ownerAt(process, r.start);
    if (!owner || !(uffdFeatures(owner) & feature)) continue;
    if (!perVma && out.some((e) => e.uffd === owner.name)) continue;
    out.push({ uffd: owner.name, event });
  }
  return out;
}
