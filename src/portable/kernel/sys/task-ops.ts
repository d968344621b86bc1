// Threads and processes: a touch (loads or stores that may fault and block), a signal to a thread,
// fork (the parent may block until FORK is read) and a child's exit.

import { hex } from '../../model/expr';
import { MAIN_PROCESS, MAIN_THREAD, type OperationOf } from '../../model/operation';
import { copyProcess } from '../fork';
import { doExit } from '../exit';
import { removeFaultWaiter } from '../fs/userfaultfd-fault';
import type { TaskBody } from '../sched';
import { runOnTask } from './run-task';
import type { Outcome } from './outcome';
import { UsageFailure, type Session } from './session';
import { BLOCKED } from './syscalls';

export function doTouch(s: Session, op: OperationOf<'touch'>): Outcome {
  const addr = s.num(op.addr, 'addr');
  const len = op.len === undefined ? 1 : s.num(op.len, 'len');
  const write = op.access === 'write';
  const value = op.value ?? 1;
  const ret = s.sys.touch(op.thread, addr, write, len, value);
  const where = hex(addr);
  const call = write ? `memset(${where}, ${value}, ${len})` : `read ${len} at ${where}`;
  return ret === BLOCKED ? { call, ret: 0, blocked: true } : { call, ret: 0 };
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
