// The thread an operation runs on, and starting the call there: a worker of `main`, or a forked
// child's one thread (which makes the call from the C helper's command loop).

import { MAIN_THREAD } from '../../portable/model/operation';
import { usage } from './caps';
import type { Machine } from './machine';
import { ChildCmd } from './os';

const CHILD_CMDS: Readonly<Record<string, unknown>> = ChildCmd;
import { finishWith, type Outcome } from './outcome';
import type { Job, Thread } from './session';
import type { CmdName } from './thread-protocol';

/** The thread a memory operation runs on: the one named, or `main`; it must be free. */
export async function memThread(m: Machine, name: string | undefined): Promise<Thread> {
  const t = m.s.freeThread(await m.thread(name ?? MAIN_THREAD));
  if (t.child && !t.child.pid) {
    usage(`process '${t.process}' has not started: its fork waits for the FORK event to be read`, 'thread');
  }
  return t;
}

/**
 * Starts a call on a thread (a worker of `main`, or the child's own thread); `finish` runs with
 * what it returned when it is done.
 */
export function start(
  m: Machine,
  t: Thread,
  o: Outcome,
  job: Omit<Job, 'step' | 'finish' | 'outcome'>,
  finish: (r: bigint) => void,
  cmd: CmdName,
  args: bigint[],
): void {
  if (t.child && !(cmd in CHILD_CMDS)) usage(`process '${t.process}' cannot do that (${cmd})`, 'thread');
  t.job = { ...job, step: m.s.step, outcome: o, finish };
  t.state = 'running';
  t.doing = job.doing;
  t.value = t.address = t.sigbusCode = undefined;
  m.s.started = t;
  if (t.child) {
    if (!t.child.post(cmd as keyof typeof ChildCmd, args)) usage(`process '${t.process}' is gone`, 'thread');
  } else {
    m.post(t, cmd, args);
  }
}

/** A job's call has returned: its outcome gets the return, then what the operation does with it. */
export function finishJob(job: Job, ret: bigint): void {
  finishWith(job.outcome, ret);
  job.finish(ret);
}
