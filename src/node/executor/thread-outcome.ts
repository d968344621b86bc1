// What a thread's state becomes when settling finds it finished, or blocked in a fault or waiting
// for an event, and the queue entry that goes with it.

import {
  UFFD_FEATURE_EXACT_ADDRESS,
  UFFD_PAGEFAULT_FLAG_MINOR,
  UFFD_PAGEFAULT_FLAG_WP,
  UFFD_PAGEFAULT_FLAG_WRITE,
  UFFDIO_REGISTER_MODE_MINOR,
  UFFDIO_REGISTER_MODE_MISSING,
  UFFDIO_REGISTER_MODE_WP,
} from '../../portable/uapi';
import { PAGE } from '../../portable/model/snapshot';
import { PAGE_SIZE } from './constants';
import { uffdFeatures } from './events-plan';
import type { Machine } from './machine';
import { finishJob } from './mem-thread';
import { CHILD_RET, TOUCH_DONE, TOUCH_SIGBUS } from './os';
import { cachedAt } from './residency';
import type { QueueEntry, Thread } from './session';

export interface Finished {
  readonly ret: bigint;
  readonly touch?: { status: number; value: number; siCode: number; siAddr: bigint };
}

export function finished(t: Thread): Finished | undefined {
  if (t.os) {
    if (t.os.busy) return undefined;
    const r = t.os.result();
    return t.job?.kind === 'touch' ? { ret: r.ret, touch: r } : { ret: r.ret };
  }
  const out = t.child?.takeResult();
  if (!out) return undefined;
  if (out.status === CHILD_RET) return { ret: BigInt(out.value) };
  return { ret: 0n, touch: out };
}

export function complete(m: Machine, t: Thread, ret: bigint, touch: Finished['touch']): void {
  const job = t.job!;
  t.job = undefined;
  m.s.dropEntries(t.name);
  t.switches = t.since = t.address = t.sigbusCode = t.value = t.uffd = undefined;
  t.doing = job.doing;
  if (touch && touch.status !== TOUCH_DONE) {
    t.state = 'sigbus';
    t.address = touch.siAddr;
    t.sigbusCode = touch.siCode;
    if (touch.status !== TOUCH_SIGBUS)
      m.s.note(`thread '${t.name}' got SIGSEGV at 0x${touch.siAddr.toString(16)}`);
  } else {
    t.state = 'done';
    if (touch && !job.write) t.value = touch.value;
  }
  finishJob(job, ret);
}

export function blockInFault(m: Machine, t: Thread): void {
  const at = t.os ? t.os.progress() : (t.child?.progress() ?? 0n);
  const u = m.s.ownerAt(t.process, at);
  const area = m.s.areaAt(at, t.process) ?? m.s.areaAt(at);
  const unit = BigInt(area?.pageSize ?? PAGE_SIZE);
  const page = (at / unit) * unit;
  const address = u && uffdFeatures(u) & UFFD_FEATURE_EXACT_ADDRESS ? at : page;

  t.state = 'blocked-fault';
  // Where the thread waits: the page (a huge page in hugetlb); the exact byte shows in the
  // message with EXACT_ADDRESS, and stays in the entry (`at`) to infer the flags.
  t.address = page;
  t.uffd = u?.name;
  t.since = m.s.step;
  t.doing = t.job?.doing;
  const write = t.job?.write ?? false;
  if (u) u.queue.push({ thread: t.name, kind: 'fault', read: false, address, at, write, event: 0x12 });
  else
    m.s.note(
      `thread '${t.name}' is blocked in a fault at 0x${at.toString(16)} that no open uffd of this session registered`,
    );
}

/**
 * The flags an unread fault's message will carry, from the page and the vma's registration (the
 * fault still waits, so neither has changed); the message's own replace them once it is read.
 */
export function inferFlags(m: Machine, e: QueueEntry): number {
  const process = m.s.threads.get(e.thread)?.process ?? 'main';
  const at = e.at ?? e.address;
  const write = e.write ? UFFD_PAGEFAULT_FLAG_WRITE : 0;
  const page = (at / BigInt(PAGE_SIZE)) * BigInt(PAGE_SIZE);
  const bits = m.pages(process).states(page, 1)[0] ?? 0;
  const mode = m.vmas(process).modeAt(at);
  if (bits & PAGE.PRESENT) return UFFD_PAGEFAULT_FLAG_WP | write;
  if (mode & UFFDIO_REGISTER_MODE_MINOR && cachedAt(m, process, page))
    return UFFD_PAGEFAULT_FLAG_MINOR | write;
  if (!(mode & UFFDIO_REGISTER_MODE_MISSING) && mode & UFFDIO_REGISTER_MODE_WP && bits & PAGE.UFFD_WP) {
    return UFFD_PAGEFAULT_FLAG_WP | write;
  }
  return write;
}

export function blockInEvent(m: Machine, t: Thread): void {
  const next = t.job?.events[0];
  const u = next && m.s.fds.get(next.uffd);
  t.state = 'blocked-event';
  t.address = undefined;
  t.uffd = next?.uffd;
  t.since = m.s.step;
  t.doing = t.job?.doing;
  if (next && u?.kind === 'uffd' && !u.closed) {
    const e: QueueEntry = {
      thread: t.name,
      kind: 'event',
      read: false,
      address: 0n,
      flags: 0,
      event: next.event,
    };
    u.queue.push(e);
  } else {
    m.s.note(`thread '${t.name}' waits for an event this session did not expect`);
  }
}
