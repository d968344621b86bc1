// Threads and processes: a touch (loads or stores that may fault and block), a signal to a thread,
// fork (the parent may block until FORK is read) and a child's exit.

import { hex } from '../../model/expr';
import { MAIN_PROCESS, MAIN_THREAD, type OperationOf } from '../../model/operation';
import { copyProcess } from '../fork';
import { doExit } from '../exit';
import { removeFaultWaiter } from '../fs/userfaultfd-fault';
import { accessError, userAccess } from '../mm/uaccess';
import { VM, vmaLookup, vmaPageSize } from '../mm/vma';
import type { TaskBody } from '../sched';
import { runOnTask } from './run-task';
import type { Outcome } from './outcome';
import { UsageFailure, type Session } from './session';

/** The whole range must be mapped with the access allowed: a touch that would SIGSEGV is refused. */
function checkAccessible(s: Session, mmOwner: string, addr: number, len: number, write: boolean): void {
  const mm = s.k.processes.get(mmOwner)!.mm;
  for (let a = addr; a < addr + len;) {
    const vma = vmaLookup(mm, a);
    // Stricter than x86 (where a write-only mapping reads too): both engines refuse what is not PROT_READ.
    if (!vma || accessError(vma, write) || !(vma.flags & VM.READ)) {
      const why = vma ? `does not allow a ${write ? 'write' : 'read'}` : 'is not mapped';
      throw new UsageFailure(`${hex(a)} ${why}: the touch would raise SIGSEGV and kill the process`, 'addr');
    }
    const size = vmaPageSize(vma);
    a = a - (a % size) + size;
  }
}

export function doTouch(s: Session, op: OperationOf<'touch'>): Outcome {
  const addr = s.num(op.addr, 'addr');
  const len = op.len === undefined ? 1 : s.num(op.len, 'len');
  const value = op.value ?? 1;
  if (!Number.isInteger(value) || value < 0 || value > 255) {
    throw new UsageFailure(`value must be a byte (0..255), got ${value}`, 'value');
  }
  if (len <= 0 || len > 1 << 30) throw new UsageFailure(`len must be 1 byte to 1 GiB, got ${len}`, 'len');
  const write = op.access === 'write';
  // The thread exists from here on, whether or not the touch is refused (as in the executor).
  const task = s.task(op.thread);
  checkAccessible(s, task.process.name, addr, len, write);
  const k = s.k;
  const body = userAccess(k, task.process.mm, addr, len, write, value);
  const where = hex(addr);
  const doing = `${op.access} ${where}${len > 1 ? ` +${len}` : ''}`;
  const call = write ? `memset(${where}, ${value}, ${len})` : `read ${len} at ${where}`;
  const out = runOnTask(s, task, doing, body, call);
  return out.blocked ? out : { call, ret: 0 };
}

export function doSignal(s: Session, op: OperationOf<'signal'>): Outcome {
  const task = s.k.tasks.get(op.thread);
  if (!task) throw new UsageFailure(`no thread is named '${op.thread}'`, 'thread');
  const call = `tgkill(${task.process.pid}, ${task.tid}, ${op.signal})`;
  // A fault sleeps interruptibly: the thread leaves the queue, runs its handler and faults again.
  // An event waiter sleeps killable: a handled signal waits until the call returns.
  const sleep = task.sleep;
  if (sleep?.kind === 'fault') {
    removeFaultWaiter(sleep);
    s.k.sched.wakeUp(task);
    s.k.sched.settle();
  }
  return { call, ret: 0 };
}

export function doFork(s: Session, op: OperationOf<'fork'>): Outcome {
  const name = op.child;
  if (typeof name !== 'string' || !name) throw new UsageFailure('the child needs a name', 'child');
  if (s.k.processes.has(name) || s.k.tasks.has(name) || name === (op.thread ?? MAIN_THREAD)) {
    throw new UsageFailure(`'${name}' is taken: a process or thread has that name`, 'child');
  }
  const task = s.task(op.thread ?? MAIN_THREAD);
  const k = s.k;
  const parent = task.process;
  const child = k.newProcess(name);
  child.started = false;
  k.newTask(name, child);
  for (const a of s.areas.of(parent.name)) s.areas.add({ ...a, process: name });
  const body = (function* (): TaskBody {
    return { state: 'done', ret: yield* copyProcess(k, parent, child) };
  })();
  return runOnTask(s, task, `fork ${name}`, body, 'fork()');
}

export function doExitOp(s: Session, op: OperationOf<'exit'>): Outcome {
  const p = s.k.processes.get(op.process);
  if (!p) throw new UsageFailure(`no process is named '${op.process}'`, 'process');
  if (p.name === MAIN_PROCESS)
    throw new UsageFailure('process main runs the monitor; it cannot exit', 'process');
  if (!p.alive) throw new UsageFailure(`process '${p.name}' has exited already`, 'process');
  if (!p.started)
    throw new UsageFailure(`process '${p.name}' has not started: its parent is still in fork()`, 'process');
  doExit(s.k, p);
  return { call: `kill(${p.pid}, SIGKILL)`, ret: 0 };
}
