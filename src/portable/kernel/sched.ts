// Processes, threads and the run queue. A thread's work (a touch, a munmap...) is a generator: it
// yields the wait-queue entry it sleeps on (schedule()) and is resumed when something wakes it.
// Nothing runs in parallel and nothing is random: woken threads run one after the other, in the
// order they were woken, until each finishes or sleeps again ("settle").

import type { ThreadState } from '../model/snapshot';
import { errnoName } from '../uapi/errno';
import type { Sleep } from './fs/userfaultfd-ctx';
import type { Mm } from './mm/mm';

/** How a thread's work ended. */
export interface TaskExit {
  readonly state: 'done' | 'sigbus' | 'exited';
  /** A read touch: the byte at its address. */
  readonly value?: number;
  /** sigbus: si_addr. */
  readonly address?: number;
  readonly sigbusCode?: number;
  /** What it returned, for the thread's `doing` (`munmap = 0`). */
  readonly doing?: string;
  /** A system call's return value: >= 0, or -errno. */
  readonly ret?: number;
}

/** A thread's work: yields the entry it sleeps on, returns how it ended (a generator, mostly). */
export type TaskBody = Iterator<Sleep, TaskExit, void>;

/** A thread's `doing` that is formatted only when someone looks (most never are). */
export interface Doing {
  text(): string;
}

const retText = (ret: number): string => (ret < 0 ? `-1 ${errnoName(-ret)}` : String(ret));

export class Process {
  readonly name: string;
  readonly pid: number;
  mm: Mm;
  alive = true;
  readonly threads: Task[] = [];
  /** A child created by fork() runs only once its parent's fork() returned. */
  started = true;
  /** The next tid for a new thread of this process. */
  nextTid: number;

  constructor(name: string, pid: number, mm: Mm) {
    this.name = name;
    this.pid = pid;
    this.mm = mm;
    this.nextTid = pid;
  }
}

export class Task {
  readonly name: string;
  readonly tid: number;
  readonly process: Process;
  state: ThreadState = 'idle';
  body: TaskBody | null = null;
  /** The wait-queue entry it sleeps on. */
  sleep: Sleep | null = null;
  since?: number;
  /** What it is doing; formatted only when asked. */
  private doingText?: string | Doing;
  value?: number;
  address?: number;
  sigbusCode?: number;
  /** How its last work ended, until the next starts. */
  exit?: TaskExit;
  queued = false;
  /** SIGKILL is pending: every sleep ends at once and the work unwinds. */
  fatal = false;

  constructor(name: string, process: Process) {
    this.name = name;
    this.process = process;
    this.tid = process.nextTid++;
    process.threads.push(this);
  }

  /** What it is doing or last did, e.g. `read 0x100000001000`, `munmap = 0`. */
  get doing(): string | undefined {
    const d = this.doingText;
    if (d === undefined || typeof d === 'string') return d;
    return (this.doingText = d.text());
  }

  set doing(d: string | Doing | undefined) {
    this.doingText = d;
  }

  get busy(): boolean {
    return this.state === 'blocked-fault' || this.state === 'blocked-event' || this.state === 'running';
  }
}

export class Scheduler {
  private readonly runq: Task[] = [];
  /** The thread running kernel code now; null while the monitor runs. */
  current: Task | null = null;
  /** The operation index, for ThreadSnapshot.since. */
  step = 0;

  /** Starts work on a thread and runs it until it finishes or sleeps. */
  start(task: Task, body: TaskBody, doing: string | Doing): void {
    task.body = body;
    task.doing = doing;
    task.exit = undefined;
    task.value = undefined;
    task.address = undefined;
    task.sigbusCode = undefined;
    this.resume(task);
  }

  /** wake_up_process(): the thread will run at the next settle(). */
  wakeUp(task: Task): void {
    task.sleep = null;
    if (task.queued || !task.body) return;
    task.queued = true;
    task.state = 'running';
    this.runq.push(task);
  }

  /** Runs every woken thread until each has finished or sleeps again. */
  settle(): void {
    for (let t = this.runq.shift(); t; t = this.runq.shift()) {
      t.queued = false;
      if (t.body) this.resume(t);
    }
  }

  private resume(task: Task): void {
    const prev = this.current;
    this.current = task;
    task.state = 'running';
    const r = task.body!.next();
    this.current = prev;
    if (r.done) {
      task.body = null;
      task.sleep = null;
      task.exit = r.value;
      task.state = task.fatal ? 'exited' : r.value.state;
      task.value = r.value.value;
      task.address = r.value.address;
      task.sigbusCode = r.value.sigbusCode;
      if (r.value.doing !== undefined) task.doing = r.value.doing;
      else if (r.value.ret !== undefined) task.doing = `${task.doing} = ${retText(r.value.ret)}`;
      return;
    }
    task.sleep = r.value;
    task.state = r.value.kind === 'fault' ? 'blocked-fault' : 'blocked-event';
    task.since = this.step;
    task.address = r.value.kind === 'fault' ? r.value.pageAddress : undefined;
  }
}
