// A stand-in engine for tests of the session machinery: it records what it ran since the last reset,
// and every result carries that count, so a test sees whether a result came from a replay.

import type { BackendInfo } from '../../portable/model/backend';
import type { Operation } from '../../portable/model/operation';
import type { Result } from '../../portable/model/result';
import { emptySnapshot, type Engine } from './engine';

export class FakeEngine implements Engine {
  readonly kernel: string;
  /** Operations since the last reset. */
  log: Operation[] = [];
  resets = 0;
  disposed = false;
  /** Set to make a touch of this thread fail as a usage error. */
  busyThread?: string;
  /** Set to make every run throw, as an engine that went away does. */
  broken?: Error;
  readonly engine: 'simulator' | 'kernel';

  constructor(kernel = '6.18', engine: 'simulator' | 'kernel' = 'simulator') {
    this.kernel = kernel;
    this.engine = engine;
  }

  info(): BackendInfo {
    return { engine: this.engine, kernelVersion: this.kernel, pageSize: 4096, hugePageSize: 2 << 20 };
  }

  runSync(op: Operation): Result {
    if (this.broken) throw this.broken;
    if (op.op === 'touch' && op.thread === this.busyThread) {
      return {
        op,
        call: 'touch',
        ret: -1,
        usageError: { message: `${op.thread} is blocked`, field: 'thread' },
        snapshot: emptySnapshot(this.info()),
      };
    }
    this.log.push(op);
    return { op, call: op.op, ret: this.log.length, snapshot: emptySnapshot(this.info()) };
  }

  async run(op: Operation): Promise<Result> {
    return this.runSync(op);
  }

  async runBatch(ops: readonly Operation[]): Promise<Result[]> {
    return ops.map((op) => this.runSync(op));
  }

  async reset(): Promise<void> {
    this.log = [];
    this.resets++;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }
}
