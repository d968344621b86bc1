// The simulated kernel behind the Backend interface: each operation is resolved (names and
// expressions), run against the kernel, settled, and answered with a Result and a snapshot.

import type { Backend, BackendInfo } from '../model/backend';
import type { Operation } from '../model/operation';
import { ResolveError } from '../model/resolve';
import type { Result } from '../model/result';
import { emptySnapshot, type Snapshot } from '../model/snapshot';
import type { KernelOptions } from './kernel';
import { MonitorWouldBlock } from './mm/uaccess';
import { HPAGE_SIZE, PAGE_SIZE } from './mm/page';
import { takeSnapshot } from './snapshot';
import { doClose, doFcntl, doOpen, doPoll, doRead, doUserfaultfd } from './sys/fd-ops';
import { doIoctl } from './sys/ioctl-op';
import { doMadviseOp, doMmap, doMremapOp, doMunmapOp } from './sys/memory-ops';
import type { Outcome } from './sys/outcome';
import { Session, UsageFailure } from './sys/session';
import type { Syscalls } from './sys/syscalls';
import { doExitOp, doFork, doSignal, doTouch } from './sys/task-ops';

export interface SimulatorOptions extends KernelOptions {
  /**
   * Build a snapshot for every result (default true). The benchmark turns it off to measure the
   * fault path alone; results then carry an empty snapshot.
   */
  readonly snapshots?: boolean;
}

export interface SimBackend extends Backend {
  /** Runs one operation synchronously: for the UI's replay and the benchmark. */
  runSync(op: Operation): Result;
  /**
   * The system calls the operations are made of, as C makes them (numbers and bytes, -errno):
   * the same session as runSync's, for tests and the benchmark. Replaced by reset().
   */
  readonly sys: Syscalls;
  /** The snapshot of the current state (also when per-result snapshots are off). */
  snapshot(): Snapshot;
}

/** Prefixes the usageError of a simulator bug, so tests can tell it from a refused operation. */
export const INTERNAL_ERROR = 'internal simulator error: ';

const EMPTY: Snapshot = emptySnapshot(PAGE_SIZE, HPAGE_SIZE);

function dispatch(s: Session, op: Operation): Outcome {
  switch (op.op) {
    case 'userfaultfd':
      return doUserfaultfd(s, op);
    case 'open':
      return doOpen(s, op);
    case 'ioctl':
      return doIoctl(s, op);
    case 'close':
      return doClose(s, op);
    case 'read':
      return doRead(s, op);
    case 'poll':
      return doPoll(s, op);
    case 'fcntl':
      return doFcntl(s, op);
    case 'mmap':
      return doMmap(s, op);
    case 'munmap':
      return doMunmapOp(s, op);
    case 'mremap':
      return doMremapOp(s, op);
    case 'madvise':
      return doMadviseOp(s, op);
    case 'fork':
      return doFork(s, op);
    case 'exit':
      return doExitOp(s, op);
    case 'touch':
      return doTouch(s, op);
    case 'signal':
      return doSignal(s, op);
  }
  const name = (op as { op: unknown }).op;
  throw new UsageFailure(`unknown operation '${String(name)}'`, 'op');
}

function usage(op: Operation, message: string, field?: string): Outcome {
  const call = isOperation(op) ? op.op : '?';
  return { call, ret: -1, usageError: field === undefined ? { message } : { message, field } };
}

function describeFailure(op: Operation, e: unknown): Outcome {
  if (e instanceof UsageFailure) return usage(op, e.message, e.field);
  if (e instanceof ResolveError) return usage(op, e.message, e.field);
  if (e instanceof MonitorWouldBlock) {
    return usage(
      op,
      `${e.message}: the kernel's copy_from_user would block the monitor in a userfault; resolve the source first`,
      'arg.src',
    );
  }
  const what = e instanceof Error ? e.message : String(e);
  return usage(op, `${INTERNAL_ERROR}${what}`);
}

const isOperation = (op: unknown): op is Operation =>
  typeof op === 'object' && op !== null && typeof (op as { op?: unknown }).op === 'string';

class Simulator implements SimBackend {
  private readonly opts: SimulatorOptions;
  private s: Session;
  private step = 0;

  constructor(opts: SimulatorOptions) {
    this.opts = opts;
    this.s = new Session(opts);
  }

  get sys(): Syscalls {
    return this.s.sys;
  }

  info(): BackendInfo {
    return {
      engine: 'simulator',
      kernelVersion: this.s.k.profile.version,
      pageSize: PAGE_SIZE,
      hugePageSize: HPAGE_SIZE,
    };
  }

  runSync(op: Operation): Result {
    const s = this.s;
    if (s.k.notes.length) s.k.notes = [];
    s.k.sched.step = this.step++;
    let out: Outcome;
    try {
      out = isOperation(op) ? dispatch(s, op) : usage(op, `not an operation: ${JSON.stringify(op)}`);
      // Whatever the operation woke runs now, until it finishes or sleeps again.
      s.k.sched.settle();
    } catch (e) {
      out = describeFailure(op, e);
    }
    const r = out as Result & { op: Operation; snapshot: Snapshot; notes?: readonly string[] };
    r.op = op;
    if (s.k.notes.length) r.notes = s.k.notes;
    r.snapshot = this.opts.snapshots === false ? EMPTY : takeSnapshot(s);
    return r;
  }

  snapshot(): Snapshot {
    return takeSnapshot(this.s);
  }

  run(op: Operation): Promise<Result> {
    return Promise.resolve(this.runSync(op));
  }

  runBatch(ops: readonly Operation[]): Promise<Result[]> {
    return Promise.resolve(ops.map((op) => this.runSync(op)));
  }

  reset(): Promise<void> {
    this.s = new Session(this.opts);
    this.step = 0;
    return Promise.resolve();
  }

  dispose(): Promise<void> {
    return this.reset();
  }
}

/** A simulated kernel; `kernel` picks the release to behave as (default the newest, 6.18). */
export function createSimulator(options: SimulatorOptions = {}): SimBackend {
  return new Simulator(options);
}
