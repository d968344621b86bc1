// The uffd_msg a queued fault is, or was when read: the fault queue shows it before anyone reads it.
// Built as the kernel builds it (userfault_msg): zeroed, PAGEFAULT, flags, the address as queued, and
// the thread id only with UFFD_FEATURE_THREAD_ID.

import type { FaultEntry, Snapshot, UffdSnapshot } from '../../portable/model/snapshot';
import { decodeMsg, encodeMsg, type UffdMsg } from '../../portable/uapi/msg';
import { UFFD_EVENT_PAGEFAULT, UFFD_FEATURE_THREAD_ID } from '../../portable/uapi/userfaultfd';

export function faultMsg(fault: FaultEntry, uffd: UffdSnapshot, snap: Snapshot): UffdMsg {
  const tid = snap.threads.find((t) => t.name === fault.thread)?.tid ?? 0;
  return decodeMsg(
    encodeMsg(UFFD_EVENT_PAGEFAULT, {
      'arg.pagefault.flags': BigInt(fault.flags),
      'arg.pagefault.address': fault.address,
      'arg.pagefault.feat.ptid': uffd.features & UFFD_FEATURE_THREAD_ID ? tid : 0,
    }),
  );
}
