// After each operation the executor waits until the system has settled: every thread that was
// started or woken has either finished or is blocked again, in a fault or waiting for an event to
// be read. What it finds becomes the uffd queues' entries.
//
// Most of the time the kernel says so without /proc: a thread of `main` that finishes sets its
// state in shared memory (and writes the eventfd settling polls), and a fault queues a message
// that makes a uffd readable. A fresh message on a uffd that had no unread message, while exactly
// one thread that could have sent it is under way, is that thread blocked in a fault. Otherwise
// settling reads where a thread sleeps (/proc/self/task/<tid>/wchan: handle_userfault is a fault,
// userfaultfd_event_wait_completion an event).
//
// A thread the operation woke for certain (a started one, or one a wake range covered) is blocked
// anew whenever it is seen asleep. One it may have woken ("maybe": a signal, a close...) is told
// apart by its voluntary context switches, which change each time it sleeps again: their count is
// taken as the baseline before such an operation (takeBaselines) and compared after.

import type { Machine } from './machine';
import { os, POLLIN } from './os';
import { WCHAN_EVENT, WCHAN_FAULT } from './proc';
import { processExited } from './process-exit';
import type { Thread, UffdFd } from './session';
import { blockInEvent, blockInFault, complete, finished } from './thread-outcome';

/** What an operation did to a thread blocked before it: woke it for certain, may have, or did not. */
export type Wake = 'woken' | 'maybe' | 'no';
export type WakeOf = (t: Thread) => Wake;

/** How long settling blocks in poll() before it waits on the event loop instead. */
const BLOCKING_MS = 20;
/** How long settling waits for the kernel to say before it reads /proc for every thread under way. */
const EVENTS_ONLY_MS = 2;
/** How many times settling looks again at once for a thread whose fault or event was just queued. */
const FRESH_SPINS = 50;

interface Open {
  readonly t: Thread;
  readonly wake: 'woken' | 'maybe';
}

/**
 * Waits until every thread with a job has finished or blocked, up to the session's timeout. Most
 * operations settle within the first milliseconds, in poll(): then it returns undefined at once,
 * and a promise only when it must wait on the event loop.
 */
export function settle(m: Machine, wakeOf: WakeOf): Promise<void> | undefined {
  const open: Open[] = [];
  for (const t of m.s.threads.values()) {
    if (!t.job) continue;
    if (ended(m, t)) continue;
    const wake = t.state === 'running' ? 'woken' : wakeOf(t);
    if (wake !== 'no') open.push({ t, wake });
  }
  if (!open.length) return undefined;
  const s = new Settling(m, open);
  return s.blocking() ? undefined : s.rest();
}

class Settling {
  private readonly m: Machine;
  private readonly open: Open[];
  private readonly start = performance.now();
  private readonly deadline: number;
  /** Only the kernel's events can tell (no thread that may have been woken, no child). */
  private readonly eventsOnly: boolean;
  private spins = 0;
  constructor(m: Machine, open: Open[]) {
    this.m = m;
    this.open = open;
    this.deadline = this.start + m.s.options.settleTimeoutMs;
    this.eventsOnly = !open.some((o) => o.wake === 'maybe' || o.t.child);
  }

  /** Looks until everything has settled (true), or BLOCKING_MS have passed (false). */
  blocking(): boolean {
    for (;;) {
      const fresh = this.round();
      if (!this.open.length) return true;
      if (performance.now() - this.start >= BLOCKING_MS) return false;
      // A uffd that just got a message nobody was found for: its thread is about to sleep. Give it
      // the CPU and look again a few times (a timed wait would sleep tens of microseconds more).
      if (fresh.uffds.length) {
        if (++this.spins > FRESH_SPINS) Atomics.wait(nap, 0, 0, 0.02);
        else os.yieldCpu();
      }
      // Else up to 1 ms, and back as soon as a thread finishes or a uffd gets a message.
      else os.pollAny(wakers(this.m, fresh.readable), 1);
      drainDone(this.m);
    }
  }

  /** Then on the event loop, 1 ms at a time, up to the timeout: what is still under way is `running`. */
  async rest(): Promise<void> {
    while (performance.now() < this.deadline) {
      await new Promise((r) => setTimeout(r, 1));
      this.round();
      if (!this.open.length) return;
    }
    for (const { t } of this.open) {
      if (!t.job) continue;
      this.m.s.dropEntries(t.name);
      t.state = 'running';
      this.m.s.note(
        `thread '${t.name}' neither finished nor blocked within ${this.m.s.options.settleTimeoutMs} ms`,
      );
    }
  }

  /** One look at everything under way; returns what poll() said of the uffds. */
  private round(): { readable: Set<number>; uffds: UffdFd[] } {
    const { m, open } = this;
    const { readable, fresh: seen } = pollUffds(m, open);
    const fresh = this.eventsOnly ? attribute(m, open, seen) : seen;
    const all = !this.eventsOnly || fresh.length > 0 || performance.now() - this.start > EVENTS_ONLY_MS;
    for (let i = open.length - 1; i >= 0; i--) {
      const o = open[i]!;
      if (ended(m, o.t) || ((all || needsProc(m, o.t)) && looked(m, o))) open.splice(i, 1);
    }
    return { readable, uffds: fresh };
  }
}

/** The thread's job is over: it finished (its outcome recorded), or its process ended. */
function ended(m: Machine, t: Thread): boolean {
  const done = finished(t);
  if (done) {
    complete(m, t, done.ret, done.touch);
    return true;
  }
  if (t.child && !t.child.alive) {
    // The child ended on its own (its end of the result pipe closed): it has no mm any more.
    void t.child.kill();
    processExited(m, t.process);
    return true;
  }
  return false;
}

/**
 * Which uffds are readable, and which of them have a message nobody has been found for: readable
 * with no unread entry but those of threads under way (a woken fault's message leaves the queue).
 */
function pollUffds(m: Machine, open: readonly Open[]): { readable: Set<number>; fresh: UffdFd[] } {
  const uffds = m.s.uffds();
  const { revents } = os.pollEach(
    uffds.map((u) => u.fd),
    0,
  );
  const readable = new Set<number>();
  const fresh: UffdFd[] = [];
  uffds.forEach((u, i) => {
    const ev = revents[i] ?? 0;
    if (ev === 0) return;
    readable.add(u.fd);
    if (ev === POLLIN && !blind(u, open)) fresh.push(u);
  });
  return { readable, fresh };
}

/** A uffd with an unread message of a thread not under way: poll() cannot show a new one there. */
function blind(u: UffdFd, open: readonly Open[]): boolean {
  return u.queue.some((e) => !e.read && !open.some((o) => o.t.name === e.thread));
}

/**
 * A fresh message on a uffd is the fault of the one touch under way whose current page that uffd
 * registered. Returns the fresh uffds no such touch was found for (none, or several: /proc decides).
 */
function attribute(m: Machine, open: Open[], fresh: readonly UffdFd[]): UffdFd[] {
  const left: UffdFd[] = [];
  for (const u of fresh) {
    let found = -1;
    for (let i = 0; i < open.length; i++) {
      const t = open[i]!.t;
      if (!t.os || t.job?.kind !== 'touch') continue;
      const at = t.os.progress();
      if (at === 0n || m.s.ownerAt(t.process, at) !== u) continue;
      found = found < 0 ? i : open.length;
    }
    if (found < 0 || found === open.length) {
      left.push(u);
      continue;
    }
    const [{ t }] = open.splice(found, 1) as [Open];
    m.s.dropEntries(t.name);
    t.switches = undefined;
    blockInFault(m, t);
  }
  return left;
}

/** A thread the kernel's events cannot account for: a touch into a uffd that is readable already, or into none. */
function needsProc(m: Machine, t: Thread): boolean {
  if (!t.os || t.job?.kind !== 'touch') return true;
  const at = t.os.progress();
  if (at === 0n) return false;
  const u = m.s.ownerAt(t.process, at);
  return !u || u.queue.some((e) => !e.read && e.thread !== t.name);
}

/** Reads where the thread sleeps; true when it is blocked (its state and entry recorded). */
function looked(m: Machine, o: Open): boolean {
  const t = o.t;
  const state = sleeping(t);
  if (!state) return false;
  if (o.wake === 'maybe' && t.state === state) {
    const switches = t.os ? t.os.switches() : t.child?.switches();
    // Unchanged: it never woke. Changed (or no baseline): it woke and slept again.
    if (t.switches !== undefined && t.switches === switches) return true;
    t.switches = switches;
  } else {
    t.switches = undefined;
  }
  m.s.dropEntries(t.name);
  if (state === 'blocked-fault') blockInFault(m, t);
  else blockInEvent(m, t);
  return true;
}

function sleeping(t: Thread): 'blocked-fault' | 'blocked-event' | undefined {
  const w = (t.os ? t.os.wchan() : t.child?.wchan())?.trim();
  return w === WCHAN_FAULT ? 'blocked-fault' : w === WCHAN_EVENT ? 'blocked-event' : undefined;
}

/**
 * Before an operation that may wake blocked threads without saying so: each of them, once asleep,
 * gets its voluntary context switch count as the baseline settling compares with.
 */
export function takeBaselines(m: Machine, which: (t: Thread) => boolean): void {
  for (const t of m.s.threads.values()) {
    if (!t.job || t.switches !== undefined || !which(t)) continue;
    if (t.state !== 'blocked-fault' && t.state !== 'blocked-event') continue;
    // Seen blocked by its message, it may not be asleep yet: wait until it is.
    const until = performance.now() + m.s.options.settleTimeoutMs;
    while (sleeping(t) !== t.state && performance.now() < until) os.yieldCpu();
    t.switches = t.os ? t.os.switches() : t.child?.switches();
  }
}

/**
 * What to poll: the eventfd the threads write when they finish, the result pipes of busy children,
 * and each uffd that has nothing to read (one readable already, or in error, would wake the poll at
 * once).
 */
function wakers(m: Machine, readable: ReadonlySet<number>): number[] {
  const fds = m.doneFd >= 0 ? [m.doneFd] : [];
  for (const u of m.s.uffds()) if (!readable.has(u.fd)) fds.push(u.fd);
  for (const p of m.s.processes.values()) if (p.child?.busy) fds.push(p.child.resultFd);
  return fds;
}

const nap = new Int32Array(new SharedArrayBuffer(4));
const counter = Buffer.alloc(8);
function drainDone(m: Machine): void {
  if (m.doneFd >= 0) os.read(m.doneFd, counter, 8);
}
