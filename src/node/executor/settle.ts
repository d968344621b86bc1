// After each operation the executor waits until the system has settled: every thread that was
// started or woken has either finished or is blocked again, in a fault (wchan handle_userfault)
// or waiting for an event to be read (userfaultfd_event_wait_completion). A thread that sleeps
// again shows a new voluntary context switch count, which is how a fault that woke and faulted
// again is told from one that never woke. What it finds becomes the uffd queues' entries.

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
import type { Machine } from './machine';
import { CHILD_RET, os, POLLIN, TOUCH_DONE, TOUCH_SIGBUS } from './os';
import { uffdFeatures } from './events-plan';
import { WCHAN_EVENT, WCHAN_FAULT } from './proc';
import { processExited } from './process-exit';
import { cachedAt } from './residency';
import type { QueueEntry, Thread } from './session';

type Seen = 'finished' | 'blocked' | 'running';

/** How long settling blocks in poll() before it waits on the event loop instead. */
const BLOCKING_MS = 20;
/** How many times settling looks again at once for a thread whose fault or event was just queued. */
const FRESH_SPINS = 50;

/** Which blocked threads the operation could have woken: only those are asked whether they slept again. */
export type MayWake = (t: Thread) => boolean;

/** Waits until every thread with a job has finished or blocked, up to the session's timeout. */
export async function settle(m: Machine, mayWake: MayWake = () => true): Promise<void> {
  const start = performance.now();
  const deadline = start + m.s.options.settleTimeoutMs;
  let spins = 0;
  for (;;) {
    let running = 0;
    for (const t of m.s.threads.values()) if (t.job && look(m, t, mayWake) === 'running') running++;
    if (!running) return;
    const now = performance.now();
    if (now > deadline) break;
    if (now - start < BLOCKING_MS) {
      const { fds, fresh } = wakers(m);
      // A uffd that just got a message: its thread is about to sleep. Give it the CPU and look
      // again a few times (a timed wait would sleep tens of microseconds more), then in naps.
      if (fresh) {
        if (++spins > FRESH_SPINS) Atomics.wait(nap, 0, 0, 0.02);
        else os.yieldCpu();
      }
      // Else up to 1 ms, and back as soon as a thread finishes or a uffd gets a message.
      else os.pollAny(fds, 1);
      drainDone(m);
    } else {
      await new Promise((r) => setTimeout(r, 1));
    }
  }
  for (const t of m.s.threads.values()) {
    if (!t.job || look(m, t, mayWake) !== 'running') continue;
    m.s.dropEntries(t.name);
    t.state = 'running';
    m.s.note(`thread '${t.name}' neither finished nor blocked within ${m.s.options.settleTimeoutMs} ms`);
  }
}

/**
 * What to poll: the eventfd the threads write when they finish, the result pipes of busy children,
 * and each uffd that has nothing to read (one readable already, or in error, would wake the poll at
 * once). `fresh`: a uffd is readable with a message the executor has not seen queued yet.
 */
function wakers(m: Machine): { fds: number[]; fresh: boolean } {
  const fds = m.doneFd >= 0 ? [m.doneFd] : [];
  let fresh = false;
  const uffds = m.s.uffds();
  const { revents } = os.pollEach(
    uffds.map((u) => u.fd),
    0,
  );
  uffds.forEach((u, i) => {
    const ev = revents[i];
    if (ev === 0) fds.push(u.fd);
    else if (ev === POLLIN && !u.queue.some((e) => !e.read)) fresh = true;
  });
  for (const p of m.s.processes.values()) if (p.child?.busy) fds.push(p.child.resultFd);
  return { fds, fresh };
}

const nap = new Int32Array(new SharedArrayBuffer(4));
function drainDone(m: Machine): void {
  if (m.doneFd >= 0) os.read(m.doneFd, counter, 8);
}

const counter = Buffer.alloc(8);

function look(m: Machine, t: Thread, mayWake: MayWake): Seen {
  const done = finished(t);
  if (done) {
    complete(m, t, done.ret, done.touch);
    return 'finished';
  }
  if (t.child && !t.child.alive) {
    // The child ended on its own (its end of the result pipe closed): it has no mm any more.
    void t.child.kill();
    processExited(m, t.process);
    return 'finished';
  }
  const w = (t.os ? t.os.wchan() : t.child?.wchan())?.trim();
  if (w !== WCHAN_FAULT && w !== WCHAN_EVENT) return 'running';
  const state = w === WCHAN_FAULT ? 'blocked-fault' : 'blocked-event';
  if (t.state === state && !mayWake(t)) return 'blocked';
  const switches = t.os ? t.os.switches() : t.child?.switches();
  if (t.state === state && t.switches === switches) return 'blocked';
  m.s.dropEntries(t.name);
  t.switches = switches;
  if (state === 'blocked-fault') blockInFault(m, t);
  else blockInEvent(m, t);
  return 'blocked';
}

interface Finished {
  readonly ret: bigint;
  readonly touch?: { status: number; value: number; siCode: number; siAddr: bigint };
}

function finished(t: Thread): Finished | undefined {
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

function complete(m: Machine, t: Thread, ret: bigint, touch: Finished['touch']): void {
  const job = t.job!;
  t.job = undefined;
  m.s.dropEntries(t.name);
  t.switches = undefined;
  t.uffd = undefined;
  t.since = undefined;
  t.address = undefined;
  t.sigbusCode = undefined;
  t.value = undefined;
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
  job.finish(ret);
}

function blockInFault(m: Machine, t: Thread): void {
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

function blockInEvent(m: Machine, t: Thread): void {
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
