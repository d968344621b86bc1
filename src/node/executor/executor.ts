// The real-kernel executor: one per session. Each operation becomes real syscalls on this
// machine; the result has the simulator's shape (src/portable/model/result.ts) and follows
// docs/engine-conventions.md, so the two engines can be compared step by step.

import { OP_NAMES, type Operation } from '../../portable/model/operation';
import { ResolveError } from '../../portable/model/resolve';
import type { Backend, BackendInfo } from '../../portable/model/backend';
import type { Result } from '../../portable/model/result';
import { emptySnapshot, type Snapshot } from '../../portable/model/snapshot';
import { DEFAULT_OPTIONS, UsageErr, type ExecutorOptions } from './caps';
import { HUGE_PAGE, PAGE_SIZE } from './constants';
import { release } from './cleanup';
import { Machine } from './machine';
import * as fdOps from './ops-fd';
import { ioctl } from './ops-ioctl';
import * as memOps from './ops-mem';
import { mmap } from './ops-mmap';
import * as threadOps from './ops-thread';
import type { Outcome } from './outcome';
import { readProc } from './proc';
import { settle, takeBaselines } from './settle';
import { pinTogether } from './pin';
import { takeSnapshot } from './take-snapshot';
import { track, untrack } from './registry';
import { mayWakeBefore, wakesOf } from './wakes';

type Handler = (m: Machine, op: never) => Outcome | Promise<Outcome>;

const HANDLERS: Record<Operation['op'], Handler> = {
  userfaultfd: fdOps.userfaultfd,
  open: fdOps.open,
  close: fdOps.close,
  read: fdOps.read,
  poll: fdOps.poll,
  fcntl: fdOps.fcntl,
  ioctl,
  mmap,
  munmap: memOps.munmap,
  mremap: memOps.mremap,
  madvise: memOps.madvise,
  touch: threadOps.touch,
  signal: threadOps.signal,
  fork: threadOps.fork,
  exit: threadOps.exit,
};

export interface BatchOptions {
  /**
   * `each` (default): every result has the snapshot after its step. `last`: only the last step's
   * snapshot is read, and every result of the batch carries it (the state after the batch); a
   * batch then costs little more than its syscalls.
   */
  readonly snapshots?: 'each' | 'last';
}

export class KernelExecutor implements Backend {
  private m: Machine;
  private readonly options: ExecutorOptions;
  private disposed = false;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(m: Machine, options: ExecutorOptions) {
    this.m = m;
    this.options = options;
  }

  /** A new session: its own region, and its `main` thread ready. */
  static async create(options: Partial<ExecutorOptions> = {}): Promise<KernelExecutor> {
    const all = { ...DEFAULT_OPTIONS, ...options };
    const m = new Machine(all);
    const x = new KernelExecutor(m, all);
    track(x);
    await x.ready();
    return x;
  }

  private async ready(): Promise<void> {
    try {
      await this.m.thread('main');
    } catch {
      // Without the C helper there are no threads; the operations that need one say so.
    }
  }

  info(): BackendInfo {
    return {
      engine: 'kernel',
      kernelVersion: (readProc('/proc/sys/kernel/osrelease') ?? 'unknown').trim(),
      pageSize: PAGE_SIZE,
      hugePageSize: HUGE_PAGE,
    };
  }

  run(op: Operation): Promise<Result> {
    return this.serial(() => this.runOne(op, true));
  }

  runBatch(ops: readonly Operation[], opts: BatchOptions = {}): Promise<Result[]> {
    return this.serial(async () => {
      const each = opts.snapshots !== 'last';
      const out: Result[] = [];
      const unpin = this.options.pinBatches && ops.length > 1 ? pinTogether(this.m.threadIds()) : undefined;
      try {
        for (let i = 0; i < ops.length; i++)
          out.push(await this.runOne(ops[i]!, each || i === ops.length - 1));
      } finally {
        unpin?.();
      }
      if (!each && out.length) {
        // Every result of the batch carries the state after it: these objects are new, ours to set.
        const last = out[out.length - 1]!.snapshot;
        for (let i = 0; i < out.length - 1; i++) (out[i] as { snapshot: Snapshot }).snapshot = last;
      }
      return out;
    });
  }

  /** One operation at a time per session, in the order asked. */
  private serial<T>(f: () => Promise<T>): Promise<T> {
    const next = this.queue.then(f, f);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async runOne(op: Operation, snapshot: boolean): Promise<Result> {
    const m = this.m;
    if (this.disposed) return this.refused(op, 'this session has been disposed', undefined, false);
    m.s.beginStep();
    let out: Outcome;
    try {
      const handler = typeof op === 'object' && op !== null ? HANDLERS[op.op] : undefined;
      if (!handler) {
        const name = (op as { op?: unknown } | null)?.op;
        throw new UsageErr(`unknown operation '${String(name)}' (one of ${OP_NAMES.join(', ')})`, 'op');
      }
      const uncertain = mayWakeBefore(m, op);
      if (uncertain) takeBaselines(m, uncertain);
      out = await handler(m, op as never);
    } catch (e) {
      if (e instanceof UsageErr || e instanceof ResolveError)
        return this.refused(op, e.message, e.field, snapshot);
      return this.refused(op, `the executor failed: ${(e as Error).message}`, undefined, snapshot);
    }
    await settle(m, wakesOf(m, op, out));
    // Its thread still inside the call: the result says `blocked`, the real return shows later.
    if (m.s.started?.job) {
      out.ret = 0;
      if (out.errno !== undefined) delete out.errno;
      out.blocked = true;
    }
    const snap = snapshot ? takeSnapshot(m) : EMPTY;
    const notes = m.s.notes;
    return notes.length ? { op, ...out, notes: [...notes], snapshot: snap } : { op, ...out, snapshot: snap };
  }

  private refused(op: Operation, message: string, field: string | undefined, snapshot: boolean): Result {
    const m = this.m;
    const snap = snapshot && !this.disposed ? takeSnapshot(m) : EMPTY;
    return {
      op,
      call: '',
      ret: -1,
      usageError: field === undefined ? { message } : { message, field },
      ...(m.s.notes.length && { notes: [...m.s.notes] }),
      snapshot: snap,
    };
  }

  /** Back to an empty session: everything released, a fresh region. */
  async reset(): Promise<void> {
    await this.serial(async () => {
      await release(this.m);
      this.m = new Machine(this.options);
      await this.ready();
    });
  }

  /** Releases everything; the executor answers nothing after. */
  async dispose(): Promise<void> {
    await this.serial(async () => {
      if (this.disposed) return;
      this.disposed = true;
      untrack(this);
      await release(this.m);
    });
  }

  /** For the cleanup hook. */
  get machine(): Machine {
    return this.m;
  }
}

const EMPTY: Snapshot = emptySnapshot(PAGE_SIZE, HUGE_PAGE);
