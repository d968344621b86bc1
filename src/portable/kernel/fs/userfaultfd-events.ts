// Non-cooperative events (fs/userfaultfd.c): the thread that forks, mremaps, madvises or unmaps a
// registered range queues an event and sleeps until the monitor reads it; meanwhile the ctx's
// mmap_changing makes the fill ioctls answer EAGAIN. Also close(): userfaultfd_release().

import {
  UFFD_EVENT_FORK,
  UFFD_EVENT_REMAP,
  UFFD_EVENT_REMOVE,
  UFFD_EVENT_UNMAP,
  UFFD_FEATURE_EVENT_FORK,
  UFFD_FEATURE_EVENT_REMAP,
  UFFD_FEATURE_EVENT_REMOVE,
  UFFD_FEATURE_EVENT_UNMAP,
} from '../../uapi/userfaultfd';
import type { FieldValue } from '../../uapi/structs';
import type { Kernel } from '../kernel';
import { userfaultfdReleaseAll, userfaultfdReleaseNew, userfaultfdResetCtx } from '../mm/userfaultfd';
import type { Vma } from '../mm/vma';
import { UserfaultfdCtx, type EventWaiter, type Sleep } from './userfaultfd-ctx';
import { wakeUserfault } from './userfaultfd-fault';

type EventGen = Generator<Sleep, void, void>;

/**
 * userfaultfd_event_wait_completion(): queue the event and sleep until it is read, the uffd is
 * closed, or the thread is killed; then mmap_changing drops again.
 */
export function* userfaultfdEventWaitCompletion(
  k: Kernel,
  ctx: UserfaultfdCtx,
  event: number,
  fields: Record<string, FieldValue>,
  forkCtx?: UserfaultfdCtx,
): EventGen {
  const task = k.current;
  if (!task) throw new Error('an event without a thread');
  const ewq: EventWaiter = { kind: 'event', task, ctx, event, fields, completed: false, forkCtx };
  ctx.events.push(ewq);
  while (!ewq.completed) {
    if (ctx.released || task.fatal) {
      const i = ctx.events.indexOf(ewq);
      if (i >= 0) ctx.events.splice(i, 1);
      // A FORK nobody read: the child's vmas forget the ctx that was never handed out.
      if (forkCtx) userfaultfdReleaseNew(forkCtx);
      break;
    }
    yield ewq;
  }
  ctx.mmapChanging--;
}

/** userfaultfd_event_complete(): the reader took the event; its thread goes on. */
export function userfaultfdEventComplete(k: Kernel, ewq: EventWaiter): void {
  ewq.completed = true;
  const i = ewq.ctx.events.indexOf(ewq);
  if (i >= 0) ewq.ctx.events.splice(i, 1);
  k.sched.wakeUp(ewq.task);
}

/** One new ctx per parent ctx with EVENT_FORK, for the child (struct userfaultfd_fork_ctx). */
export interface ForkCtx {
  readonly orig: UserfaultfdCtx;
  readonly ctx: UserfaultfdCtx;
}

/**
 * dup_userfaultfd(): the child's copy of a registered vma keeps its registration with a new ctx
 * if the parent's ctx has EVENT_FORK, and loses it otherwise.
 */
export function dupUserfaultfd(vma: Vma, fcs: ForkCtx[]): void {
  const octx = vma.ctx;
  if (!octx) return;
  if (!octx.hasFeature(UFFD_FEATURE_EVENT_FORK)) {
    userfaultfdResetCtx(vma);
    return;
  }
  let f = fcs.find((x) => x.orig === octx);
  if (!f) {
    const ctx = new UserfaultfdCtx(vma.mm, octx.flags);
    ctx.features = octx.features;
    ctx.initialized = octx.initialized;
    octx.mmapChanging++;
    f = { orig: octx, ctx };
    fcs.push(f);
  }
  vma.ctx = f.ctx;
}

/** dup_userfaultfd_complete(): one FORK event per parent ctx, each waited for in turn. */
export function* dupUserfaultfdComplete(k: Kernel, fcs: readonly ForkCtx[]): EventGen {
  for (const f of fcs) yield* userfaultfdEventWaitCompletion(k, f.orig, UFFD_EVENT_FORK, {}, f.ctx);
}

/** struct vm_userfaultfd_ctx of an mremap in flight. */
export interface RemapCtx {
  ctx: UserfaultfdCtx | null;
}

/** mremap_userfaultfd_prep(): with EVENT_REMAP the moved vma stays registered; without, it is reset. */
export function mremapUserfaultfdPrep(vma: Vma, uf: RemapCtx): void {
  const ctx = vma.ctx;
  if (!ctx) return;
  if (ctx.hasFeature(UFFD_FEATURE_EVENT_REMAP)) {
    uf.ctx = ctx;
    ctx.mmapChanging++;
  } else {
    userfaultfdResetCtx(vma);
  }
}

/** mremap_userfaultfd_complete(): REMAP {from, to, len = the old length}. */
export function* mremapUserfaultfdComplete(
  k: Kernel,
  uf: RemapCtx,
  from: number,
  to: number,
  len: number,
): EventGen {
  if (!uf.ctx) return;
  const fields = { 'arg.remap.from': BigInt(from), 'arg.remap.to': BigInt(to), 'arg.remap.len': BigInt(len) };
  yield* userfaultfdEventWaitCompletion(k, uf.ctx, UFFD_EVENT_REMAP, fields);
}

/**
 * userfaultfd_remove(): madvise() of part of a registered vma sends REMOVE {start, end} (clipped to
 * the vma by the caller) and waits. Returns whether no event was sent.
 */
export function* userfaultfdRemove(
  k: Kernel,
  vma: Vma,
  start: number,
  end: number,
): Generator<Sleep, boolean, void> {
  const ctx = vma.ctx;
  if (!ctx || !ctx.hasFeature(UFFD_FEATURE_EVENT_REMOVE)) return true;
  ctx.mmapChanging++;
  const fields = { 'arg.remove.start': BigInt(start), 'arg.remove.end': BigInt(end) };
  yield* userfaultfdEventWaitCompletion(k, ctx, UFFD_EVENT_REMOVE, fields);
  return false;
}

/** struct userfaultfd_unmap_ctx */
export interface UnmapCtx {
  readonly ctx: UserfaultfdCtx;
  readonly start: number;
  readonly end: number;
}

/** userfaultfd_unmap_prep(): one UNMAP per ctx and range, with the syscall's whole range. */
export function userfaultfdUnmapPrep(vma: Vma, start: number, end: number, unmaps: UnmapCtx[]): void {
  const ctx = vma.ctx;
  if (!ctx || !ctx.hasFeature(UFFD_FEATURE_EVENT_UNMAP)) return;
  if (unmaps.some((u) => u.ctx === ctx && u.start === start && u.end === end)) return;
  ctx.mmapChanging++;
  unmaps.push({ ctx, start, end });
}

/** userfaultfd_unmap_complete(): the UNMAP events, each waited for in turn. */
export function* userfaultfdUnmapComplete(k: Kernel, unmaps: readonly UnmapCtx[]): EventGen {
  for (const u of unmaps) {
    const fields = { 'arg.remove.start': BigInt(u.start), 'arg.remove.end': BigInt(u.end) };
    yield* userfaultfdEventWaitCompletion(k, u.ctx, UFFD_EVENT_UNMAP, fields);
  }
}

/**
 * userfaultfd_release(): close() drops the ctx from every vma, then wakes every faulting thread
 * (they fault again, now as ordinary faults) and every thread waiting on an event.
 */
export function userfaultfdRelease(k: Kernel, ctx: UserfaultfdCtx): void {
  ctx.released = true;
  userfaultfdReleaseAll(k, ctx);
  wakeUserfault(k, ctx, 0, 0);
  for (const ewq of [...ctx.events]) k.sched.wakeUp(ewq.task);
}
