// Ending a session so that nothing stays blocked or mapped. The order matters: closing the uffds
// first wakes every thread blocked in a fault or an event (their faults then complete as ordinary
// faults), so the threads can be joined; a worker blocked in a fault could not be terminated, and
// process.exit() would hang on it.

import { decodeMsgs, UFFD_EVENT_FORK } from '../../portable/uapi';
import type { Machine } from './machine';
import { os } from './os';
import { finishJob } from './mem-thread';
import { releaseThread } from './thread';

const JOIN_TIMEOUT_MS = 5000;
const F_DUPFD_CLOEXEC = 1030;

/**
 * Reads every message a uffd holds, so every thread waiting for an event is released. A FORK
 * waiter is not released by close: the unborn child already holds the uffd in its fd table, so
 * the file is never released until the message is read (the fork-made fd is closed at once).
 */
export function drain(fd: number): void {
  const buf = Buffer.alloc(32 * 64);
  for (let i = 0; i < 1000; i++) {
    const n = os.readNowait(fd, buf, buf.length);
    if (n <= 0) return;
    for (const msg of decodeMsgs(new Uint8Array(buf.subarray(0, n)))) {
      if (msg.event === UFFD_EVENT_FORK) os.close(Number(msg.fields['arg.fork.ufd']));
    }
  }
}

/**
 * While a fork waits for its FORK message, closing a uffd releases nothing (the unborn child holds
 * it too), and once closed nobody could read that message: the executor keeps a private duplicate,
 * the only way left to release the forking thread when the session ends. It changes nothing the
 * kernel does meanwhile, since the child's reference keeps the uffd alive anyway.
 */
export function keepForDrain(m: Machine, fd: number): void {
  const dup = os.fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (dup >= 0) m.s.zombies.push(dup);
}

/** Closes every fd of the session and kills its children, synchronously (also fit for exit handlers). */
export function closeAll(m: Machine): void {
  for (const f of m.s.fds.values()) {
    if (f.kind === 'uffd' && !f.closed) drain(f.fd);
    if (!f.closed) os.close(f.fd);
    f.closed = true;
  }
  for (const fd of m.s.zombies.splice(0)) {
    drain(fd);
    os.close(fd);
  }
  for (const p of m.s.processes.values()) {
    if (!p.child || !p.alive) continue;
    p.child.poll();
    if (p.child.pid) os.kill(p.child.pid, 9);
  }
}

export async function release(m: Machine): Promise<string[]> {
  const problems: string[] = [];
  closeAll(m);
  const deadline = performance.now() + JOIN_TIMEOUT_MS;
  for (const t of m.s.threads.values()) {
    if (!t.os) continue;
    while (t.os.busy && performance.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    if (t.os.busy) problems.push(`thread '${t.name}' (tid ${t.os.tid}) is still inside a call`);
    else if (t.job?.kind === 'fork') finishJob(t.job, t.os.result().ret);
    releaseThread(t.os);
    t.os = undefined;
    t.job = undefined;
  }
  for (const p of m.s.processes.values()) {
    if (!p.child) continue;
    p.child.poll();
    await p.child.kill();
    p.alive = false;
  }
  for (const a of m.s.areas.values()) {
    if (a.process === 'main') os.munmap(a.start, a.len);
  }
  m.files.closeAll();
  m.huge.release();
  m.closeViews();
  m.region.release();
  return problems;
}
