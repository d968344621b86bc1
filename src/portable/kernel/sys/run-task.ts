// Running an operation's work on a thread: it runs until it finishes or sleeps, then every thread
// woken meanwhile runs too ("settle"), and the operation reports blocked if its thread sleeps.

import type { Task, TaskBody } from '../sched';
import { syscallOutcome, type Outcome } from './outcome';
import type { Session } from './session';

export function runOnTask(s: Session, task: Task, doing: string, body: TaskBody, call: string): Outcome {
  s.k.sched.start(task, body, doing);
  s.k.sched.settle();
  if (task.busy) return { call, ret: 0, blocked: true };
  return syscallOutcome(task.exit?.ret ?? 0, call);
}
