// read() and poll() of a uffd (userfaultfd_read_iter, userfaultfd_ctx_read, userfaultfd_poll).
// Pending faults come before events; a fault read moves to the waiting queue until woken; a
// non-FORK event is completed by the read itself, a FORK one once its new fd is installed.

import { UFFD_MSG_SIZE } from '../../uapi/msg';
import type { FieldValue } from '../../uapi/structs';
import { O_NONBLOCK, UFFD_EVENT_FORK, UFFD_EVENT_PAGEFAULT } from '../../uapi/userfaultfd';
import { E, type Kernel } from '../kernel';
import type { UserfaultfdCtx } from './userfaultfd-ctx';
import { userfaultfdEventComplete } from './userfaultfd-events';

export const POLLIN = 0x1;
export const POLLERR = 0x8;

/** A message as the kernel fills it: its event and fields (the bytes and views come later). */
export interface RawMsg {
  readonly event: number;
  readonly fields: Readonly<Record<string, FieldValue>>;
}

const raw = (event: number, fields: Readonly<Record<string, FieldValue>>): RawMsg => ({ event, fields });

/** Installs the fd for a FORK event's new ctx in the reader's table: its number, or -errno. */
export type InstallFork = (ctx: UserfaultfdCtx, flags: number) => number;

/** One message, or why there is none: -EAGAIN (non-blocking) or 'block'. */
export function userfaultfdCtxRead(
  k: Kernel,
  ctx: UserfaultfdCtx,
  noWait: boolean,
  installFork: InstallFork,
): RawMsg | number | 'block' {
  const fault = ctx.faultPending.shift();
  if (fault) {
    ctx.faultWaiting.push(fault);
    return raw(UFFD_EVENT_PAGEFAULT, {
      'arg.pagefault.flags': BigInt(fault.flags),
      'arg.pagefault.address': BigInt(fault.address),
      'arg.pagefault.feat.ptid': fault.ptid,
    });
  }
  const ewq = ctx.events[0];
  if (ewq) {
    let fields = ewq.fields;
    if (ewq.event === UFFD_EVENT_FORK) {
      // resolve_userfault_fork(): a new fd for the child's ctx; on failure the event stays queued.
      const fd = installFork(ewq.forkCtx!, ewq.forkCtx!.flags);
      if (fd < 0) return fd;
      fields = { 'arg.fork.ufd': fd };
    }
    const msg = raw(ewq.event, fields);
    userfaultfdEventComplete(k, ewq);
    return msg;
  }
  return noWait ? -E.EAGAIN : 'block';
}

/**
 * userfaultfd_read_iter(): as many whole messages as fit in `size`; it would block only for the
 * first. Returns the messages, -errno, or 'block'.
 */
export function userfaultfdRead(
  k: Kernel,
  ctx: UserfaultfdCtx,
  fFlags: number,
  size: number,
  installFork: InstallFork,
): RawMsg[] | number | 'block' {
  if (!ctx.initialized) return -E.EINVAL;
  let noWait = (fFlags & O_NONBLOCK) !== 0;
  const msgs: RawMsg[] = [];
  for (;;) {
    if (size - msgs.length * UFFD_MSG_SIZE < UFFD_MSG_SIZE) return msgs.length ? msgs : -E.EINVAL;
    const got = userfaultfdCtxRead(k, ctx, noWait, installFork);
    if (typeof got === 'number' || got === 'block') return msgs.length ? msgs : got;
    msgs.push(got);
    noWait = true;
  }
}

/** userfaultfd_poll(): POLLERR before the handshake or on a blocking fd; POLLIN with anything unread. */
export function userfaultfdPoll(ctx: UserfaultfdCtx, fFlags: number): number {
  if (!ctx.initialized) return POLLERR;
  if (!(fFlags & O_NONBLOCK)) return POLLERR;
  return ctx.faultPending.length || ctx.events.length ? POLLIN : 0;
}
