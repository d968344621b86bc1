// The faulting side of fs/userfaultfd.c: handle_userfault() queues the thread with its message and
// sleeps; userfaultfd_wake_function() and wake_userfault() wake the threads whose message address
// lies in a range, on both the pending and the read-but-waiting queue.

import {
  UFFD_FEATURE_EXACT_ADDRESS,
  UFFD_FEATURE_SIGBUS,
  UFFD_FEATURE_THREAD_ID,
  UFFD_PAGEFAULT_FLAG_MINOR,
  UFFD_PAGEFAULT_FLAG_WP,
  UFFD_PAGEFAULT_FLAG_WRITE,
  UFFD_USER_MODE_ONLY,
} from '../../uapi/userfaultfd';
import type { Kernel } from '../kernel';
import { VM_FAULT, type VmFault } from '../mm/fault';
import { alignDown } from '../mm/page';
import { VM, vmaPageSize } from '../mm/vma';
import type { FaultWaiter, UserfaultfdCtx } from './userfaultfd-ctx';

const SIGBUS = Number(UFFD_FEATURE_SIGBUS);
const EXACT_ADDRESS = Number(UFFD_FEATURE_EXACT_ADDRESS);
const THREAD_ID = Number(UFFD_FEATURE_THREAD_ID);

/** userfault_msg(): the flags a fault message carries. */
function userfaultMsgFlags(vmf: VmFault, reason: number): number {
  let flags = 0;
  if (vmf.write) flags |= UFFD_PAGEFAULT_FLAG_WRITE;
  if (reason & VM.UFFD_WP) flags |= UFFD_PAGEFAULT_FLAG_WP;
  if (reason & VM.UFFD_MINOR) flags |= UFFD_PAGEFAULT_FLAG_MINOR;
  return flags;
}

/**
 * handle_userfault(): deliver the fault to the uffd and sleep until woken; then VM_FAULT_RETRY, and
 * the access is tried again from the start. The sleep itself happens in the access loop: this
 * queues the thread and answers VM_FAULT.SLEEP with the entry in vmf.waiter. A monitor access
 * (vmf.noWait) never sleeps here.
 */
export function handleUserfault(k: Kernel, vmf: VmFault, reason: number): number {
  const ctx = vmf.vma.ctx;
  if (!ctx) return VM_FAULT.SIGBUS;
  if (ctx.hasFeature(SIGBUS)) return VM_FAULT.SIGBUS;
  if (!vmf.user && ctx.flags & UFFD_USER_MODE_ONLY) return VM_FAULT.SIGBUS;
  if (vmf.noWait) return VM_FAULT.WOULD_BLOCK;
  if (ctx.released) return VM_FAULT.RETRY;
  const task = k.current;
  if (!task) throw new Error('handle_userfault without a faulting thread');
  // userfault_msg(): the address is the page's unless the exact one was asked for (or before 4.10).
  const exact = ctx.hasFeature(EXACT_ADDRESS) || !k.profile.maskedFaultAddress;
  const waiter: FaultWaiter = {
    kind: 'fault',
    task,
    ctx,
    pageAddress: alignDown(vmf.realAddress, vmaPageSize(vmf.vma)),
    flags: userfaultMsgFlags(vmf, reason),
    address: exact ? vmf.realAddress : vmf.address,
    ptid: ctx.hasFeature(THREAD_ID) ? task.tid : 0,
  };
  ctx.faultPending.push(waiter);
  vmf.waiter = waiter;
  return VM_FAULT.SLEEP;
}

const inRange = (w: FaultWaiter, start: number, len: number): boolean =>
  len === 0 || (w.address >= start && w.address < start + len);

/** wake_userfault(): wakes every waiter whose message address is in [start, start+len); len 0 wakes all. */
export function wakeUserfault(k: Kernel, ctx: UserfaultfdCtx, start: number, len: number): number {
  return wakeQueue(k, ctx.faultPending, start, len) + wakeQueue(k, ctx.faultWaiting, start, len);
}

function wakeQueue(k: Kernel, queue: FaultWaiter[], start: number, len: number): number {
  let woken = 0;
  for (let i = 0; i < queue.length;) {
    const w = queue[i]!;
    if (!inRange(w, start, len)) {
      i++;
      continue;
    }
    queue.splice(i, 1);
    k.sched.wakeUp(w.task);
    woken++;
  }
  return woken;
}

/** Takes a thread's fault off whichever queue holds it (a signal or a kill woke it). */
export function removeFaultWaiter(w: FaultWaiter): void {
  for (const queue of [w.ctx.faultPending, w.ctx.faultWaiting]) {
    const i = queue.indexOf(w);
    if (i >= 0) queue.splice(i, 1);
  }
}
