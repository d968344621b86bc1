// Ending a session so that nothing stays blocked or mapped. The order matters: closing the uffds
// first wakes every thread blocked in a fault or an event (their faults then complete as ordinary
// faults), so the threads can be joined; a worker blocked in a fault could not be terminated, and
// process.exit() would hang on it.

import type { Machine } from './machine';
import { os } from './os';
import { releaseThread } from './thread';

const JOIN_TIMEOUT_MS = 5000;

/** Closes every fd of the session and kills its children, synchronously (also fit for exit handlers). */
export function closeAll(m: Machine): void {
  for (const f of m.s.fds.values()) {
    if (!f.closed) os.close(f.fd);
    f.closed = true;
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
  for (const p of m.s.processes.values()) {
    if (p.child && p.alive) await p.child.kill();
    p.alive = p.child ? false : p.alive;
  }
  const deadline = performance.now() + JOIN_TIMEOUT_MS;
  for (const t of m.s.threads.values()) {
    if (!t.os) continue;
    while (t.os.busy && performance.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    if (t.os.busy) problems.push(`thread '${t.name}' (tid ${t.os.tid}) is still inside a call`);
    releaseThread(t.os);
    t.os = undefined;
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
