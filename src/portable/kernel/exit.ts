// kernel/exit.c: a process killed with SIGKILL. Its threads stop sleeping (their waits end at once
// and their queue entries go), then exit_mmap() drops every vma and page; its uffds see the mm gone.

import { removeFaultWaiter } from './fs/userfaultfd-fault';
import type { Kernel } from './kernel';
import { zapPageRange } from './mm/zap';
import type { Process, Task } from './sched';

/** A fatal signal: a sleeping thread is woken to unwind, with every later wait ending at once. */
export function sigkill(k: Kernel, task: Task): void {
  task.fatal = true;
  const sleep = task.sleep;
  if (sleep?.kind === 'fault') removeFaultWaiter(sleep);
  if (sleep) k.sched.wakeUp(task);
}

export function doExit(k: Kernel, p: Process): void {
  for (const t of p.threads) sigkill(k, t);
  k.sched.settle();
  for (const t of p.threads) {
    t.state = 'exited';
    t.body = null;
    t.address = undefined;
  }
  const mm = p.mm;
  for (const vma of mm.vmas) zapPageRange(k, vma, vma.start, vma.end, true);
  mm.vmas.length = 0;
  mm.alive = false;
  mm.changed();
  p.alive = false;
}
