// struct userfaultfd_ctx and the wait-queue entries that sit on its queues
// (include/linux/userfaultfd_k.h, fs/userfaultfd.c).

import type { FieldValue } from '../../uapi/structs';
import type { Mm } from '../mm/mm';
import type { Task } from '../sched';

/** A thread blocked in handle_userfault(): struct userfaultfd_wait_queue with its uffd_msg. */
export interface FaultWaiter {
  readonly kind: 'fault';
  readonly task: Task;
  readonly ctx: UserfaultfdCtx;
  /** UFFD_PAGEFAULT_FLAG_* */
  readonly flags: number;
  /** As the message carries it: page-aligned, or exact with EXACT_ADDRESS. */
  readonly address: number;
  /** feat.ptid: the faulting thread's tid with THREAD_ID, else 0. */
  readonly ptid: number;
  /** The start of the page it waits on, in the area's page size: the thread's address in a snapshot. */
  readonly pageAddress: number;
}

/** A thread blocked in userfaultfd_event_wait_completion() until its event is read. */
export interface EventWaiter {
  readonly kind: 'event';
  readonly task: Task;
  readonly ctx: UserfaultfdCtx;
  /** UFFD_EVENT_* */
  readonly event: number;
  /** The message's fields by C member path (arg.remove.start, ...). */
  readonly fields: Record<string, FieldValue>;
  /** FORK: the child's new ctx, handed to the reader as a new fd. */
  readonly forkCtx?: UserfaultfdCtx;
  /** userfaultfd_event_complete() ran: msg.event is 0 now. */
  completed: boolean;
}

export type Sleep = FaultWaiter | EventWaiter;

export class UserfaultfdCtx {
  /** The flags userfaultfd(2) was given: O_CLOEXEC, O_NONBLOCK, UFFD_USER_MODE_ONLY. */
  readonly flags: number;
  private featureSet = 0n;
  /** The same as a number (every feature bit is below 2^31), for the fault path's tests. */
  private featureBits = 0;
  /** UFFDIO_API succeeded (UFFD_FEATURE_INITIALIZED, or the RUNNING state before 5.15). */
  initialized = false;
  released = false;
  /** Non-cooperative events in flight: while above 0 the fill ioctls fail with EAGAIN. */
  mmapChanging = 0;
  readonly mm: Mm;
  /** fault_pending_wqh: faults not yet read, oldest first. */
  readonly faultPending: FaultWaiter[] = [];
  /** fault_wqh: faults read but not woken, in the order they were read. */
  readonly faultWaiting: FaultWaiter[] = [];
  /** event_wqh: events not yet read, oldest first. */
  readonly events: EventWaiter[] = [];

  constructor(mm: Mm, flags: number) {
    this.mm = mm;
    this.flags = flags;
  }

  /** The features UFFDIO_API enabled (ctx->features without UFFD_FEATURE_INITIALIZED). */
  get features(): bigint {
    return this.featureSet;
  }

  set features(f: bigint) {
    this.featureSet = f;
    this.featureBits = Number(BigInt.asUintN(31, f));
  }

  /** The feature is enabled; given as a number on the fault path, where bigints cost. */
  hasFeature(f: bigint | number): boolean {
    return (this.featureBits & (typeof f === 'number' ? f : Number(f))) !== 0;
  }
}
