// read() and poll() of a uffd (userfaultfd_read_iter, userfaultfd_ctx_read, userfaultfd_poll).
// Pending faults come before events; a fault read moves to the waiting queue until woken; a
// non-FORK event is completed by the read itself, a FORK one once its new fd is installed.

import { msgFields, UFFD_MSG_SIZE } from '../../uapi/msg';
import type { FieldValue } from '../../uapi/structs';
import { O_NONBLOCK, UFFD_EVENT_FORK, UFFD_EVENT_PAGEFAULT } from '../../uapi/userfaultfd';
import { E, type Kernel } from '../kernel';
import { storeField, storeU32, storeU64 } from './user-bytes';
import type { UserfaultfdCtx } from './userfaultfd-ctx';
import { userfaultfdEventComplete } from './userfaultfd-events';

export const POLLIN = 0x1;
export const POLLERR = 0x8;

/** Installs the fd for a FORK event's new ctx in the reader's table: its number, or -errno. */
export type InstallFork = (ctx: UserfaultfdCtx, flags: number) => number;

/** The message of an event at `at`: zeroed (msg_init), its event, its fields. */
function eventMsg(
  msg: Uint8Array,
  at: number,
  event: number,
  fields: Readonly<Record<string, FieldValue>>,
): void {
  msg.fill(0, at, at + UFFD_MSG_SIZE);
  msg[at] = event;
  for (const f of msgFields(event)) {
    const v = fields[f.name];
    if (v !== undefined && f.name !== 'event') storeField(msg, at, f, v);
  }
}

/**
 * userfaultfd_ctx_read(): one message into `msg` at `at`, or why there is none: -EAGAIN
 * (non-blocking) or 'block'.
 */
export function userfaultfdCtxRead(
  k: Kernel,
  ctx: UserfaultfdCtx,
  noWait: boolean,
  msg: Uint8Array,
  at: number,
  installFork: InstallFork,
): number | 'block' {
  const fault = ctx.faultPending.shift();
  if (fault) {
    ctx.faultWaiting.push(fault);
    // Every byte, as msg_init() zeroes what the pagefault member does not cover.
    storeU32(msg, at, UFFD_EVENT_PAGEFAULT);
    storeU32(msg, at + 4, 0);
    storeU64(msg, at + 8, fault.flags);
    storeU64(msg, at + 16, fault.address);
    storeU32(msg, at + 24, fault.ptid);
    storeU32(msg, at + 28, 0);
    return 0;
  }
  const ewq = ctx.events[0];
  if (ewq) {
    if (ewq.event === UFFD_EVENT_FORK) {
      // resolve_userfault_fork(): a new fd for the child's ctx; on failure the event stays queued.
      const fd = installFork(ewq.forkCtx!, ewq.forkCtx!.flags);
      if (fd < 0) return fd;
      eventMsg(msg, at, ewq.event, { 'arg.fork.ufd': fd });
    } else {
      eventMsg(msg, at, ewq.event, ewq.fields);
    }
    userfaultfdEventComplete(k, ewq);
    return 0;
  }
  return noWait ? -E.EAGAIN : 'block';
}

/** Where a message bound for memory that is not the caller's goes: reads never nest. */
const LOST = new Uint8Array(UFFD_MSG_SIZE);

/**
 * userfaultfd_read_iter(): as many whole messages as fit in `count` bytes, copied into `buf`; it
 * would block only for the first. Bytes of `count` past the end of `buf` are not the caller's
 * memory: a message copied there is lost and the read ends with EFAULT (or what it had read).
 * Returns the bytes read, -errno, or 'block'.
 */
export function userfaultfdRead(
  k: Kernel,
  ctx: UserfaultfdCtx,
  fFlags: number,
  buf: Uint8Array,
  count: number,
  installFork: InstallFork,
): number | 'block' {
  if (!ctx.initialized) return -E.EINVAL;
  let noWait = (fFlags & O_NONBLOCK) !== 0;
  let ret = 0;
  for (;;) {
    if (count - ret < UFFD_MSG_SIZE) return ret || -E.EINVAL;
    // The kernel fills its own msg and copies it out; written in place here when it fits.
    const fits = ret + UFFD_MSG_SIZE <= buf.length;
    const got = userfaultfdCtxRead(k, ctx, noWait, fits ? buf : LOST, fits ? ret : 0, installFork);
    if (got !== 0) return ret || got;
    if (!fits) return ret || -E.EFAULT;
    ret += UFFD_MSG_SIZE;
    noWait = true;
  }
}

/** userfaultfd_poll(): POLLERR before the handshake or on a blocking fd; POLLIN with anything unread. */
export function userfaultfdPoll(ctx: UserfaultfdCtx, fFlags: number): number {
  if (!ctx.initialized) return POLLERR;
  if (!(fFlags & O_NONBLOCK)) return POLLERR;
  return ctx.faultPending.length || ctx.events.length ? POLLIN : 0;
}
