// The auto monitor: what the selftests' monitor thread (uffd-common.c, uffd_poll_thread and
// uffd_handle_page_fault) would do next. One step at a time: read what is readable; else resolve the
// oldest read fault — UFFDIO_COPY for a missing page, UFFDIO_CONTINUE for a minor fault, un-protect for
// a write-protect fault. Reading an event acknowledges it (the thread that caused it continues).

import { areaOf, relativeAddress } from '../../portable/console/address';
import type { Operation } from '../../portable/model/operation';
import type { FaultEntry, Snapshot, UffdSnapshot } from '../../portable/model/snapshot';
import { UFFD_PAGEFAULT_FLAG_MINOR, UFFD_PAGEFAULT_FLAG_WP } from '../../portable/uapi/userfaultfd';

/** The byte the auto monitor fills copied pages with ('A'), as the console's `copy` does. */
export const AUTO_FILL = 0x41;

function resolve(uffd: UffdSnapshot, fault: FaultEntry, snap: Snapshot): Operation {
  // Addresses of the uffd's own process; another process's areas may carry the same names.
  const mine = snap.areas.filter((a) => a.process === uffd.mm);
  const area = areaOf(fault.address, mine);
  const pageSize = BigInt(area?.pageSize ?? snap.pageSize);
  const start = (fault.address / pageSize) * pageSize;
  const named = uffd.mm === 'main' || !snap.areas.some((a) => a.process !== uffd.mm && a.name === area?.name);
  const at = named ? relativeAddress(start, mine, snap.pageSize) : `0x${start.toString(16)}`;
  const len = pageSize > BigInt(snap.pageSize) ? '1h' : '1p';
  if (fault.flags & UFFD_PAGEFAULT_FLAG_MINOR) {
    return {
      op: 'ioctl',
      fd: uffd.name,
      request: 'UFFDIO_CONTINUE',
      arg: { range: { start: at, len }, mode: 0 },
    };
  }
  if (fault.flags & UFFD_PAGEFAULT_FLAG_WP) {
    return {
      op: 'ioctl',
      fd: uffd.name,
      request: 'UFFDIO_WRITEPROTECT',
      arg: { range: { start: at, len }, mode: 0 },
    };
  }
  return {
    op: 'ioctl',
    fd: uffd.name,
    request: 'UFFDIO_COPY',
    arg: { dst: at, src: { fill: AUTO_FILL }, len, mode: 0 },
  };
}

/** The monitor's next call, or undefined when there is nothing to do. */
export function nextMonitorStep(snap: Snapshot): Operation | undefined {
  const live = snap.uffds.filter((u) => u.initialized);
  const readable = live.find((u) => u.pending.length > 0 || u.events.length > 0);
  if (readable) return { op: 'read', fd: readable.name };
  for (const u of live) {
    const fault = u.waiting[0];
    if (fault) return resolve(u, fault, snap);
  }
  return undefined;
}
