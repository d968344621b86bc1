// One simulated session: the kernel plus what the operations name — fds, areas, threads — and how
// names and expressions resolve. Operations that cannot be made at all throw UsageFailure.

import { AreaPlacer, SIM_AREA_BASE } from '../../model/layout';
import type { Expr } from '../../model/expr';
import { resolveExpr, type ResolveEnv } from '../../model/resolve';
import type { ThreadName } from '../../model/operation';
import type { FieldValue } from '../../uapi/structs';
import { Kernel, type KernelOptions } from '../kernel';
import { HPAGE_SIZE, PAGE_SIZE } from '../mm/page';
import type { Process, Task } from '../sched';
import { Areas } from './areas';
import { FdTable, type FdEntry } from './fdtable';
import { Syscalls } from './syscalls';
import { UsageFailure } from './usage';

export { UsageFailure };

export class Session {
  readonly k: Kernel;
  readonly fds = new FdTable();
  readonly areas = new Areas();
  readonly placer = new AreaPlacer(SIM_AREA_BASE);
  readonly env: ResolveEnv;
  /** The C-like system calls the operations are made of. */
  readonly sys: Syscalls;

  constructor(opts: KernelOptions) {
    this.k = new Kernel(opts);
    this.sys = new Syscalls(this);
    this.env = {
      pageSize: PAGE_SIZE,
      hugePageSize: HPAGE_SIZE,
      areaStart: (name) => this.areas.start(name),
    };
  }

  /** An expression as a number (addresses and lengths here stay below 2^53). */
  num(expr: Expr, field: string): number {
    return toNumber(resolveExpr(expr, this.env, field), field);
  }

  /** An fd by name: undefined name is a usage error; a closed one is returned (the caller answers EBADF). */
  fd(name: string, field = 'fd'): FdEntry {
    const e = this.fds.get(name);
    if (!e) throw new UsageFailure(`no fd is named '${name}'`, field);
    return e;
  }

  /** A new fd's name must not be open already. */
  checkNewFd(name: string | undefined, field = 'as'): string {
    if (!name) throw new UsageFailure('the new fd needs a name (as)', field);
    if (this.fds.get(name)?.file) throw new UsageFailure(`'${name}' is already an open fd`, field);
    return name;
  }

  /** The process a thread of that name runs in (main for a name not used yet). */
  processOf(name: ThreadName): Process {
    return this.k.tasks.get(name)?.process ?? this.k.main;
  }

  /** The thread of that name; a new name is a new thread of process main. */
  task(name: ThreadName, field = 'thread'): Task {
    let t = this.k.tasks.get(name);
    if (!t) {
      if (this.k.processes.has(name)) throw new UsageFailure(`'${name}' is a process with no thread`, field);
      t = this.k.newTask(name, this.k.main);
    }
    if (t.state === 'exited') throw new UsageFailure(`thread '${name}' has exited`, field);
    if (!t.process.started) {
      throw new UsageFailure(`thread '${name}' has not started: its parent is still in fork()`, field);
    }
    if (t.busy) {
      const what = t.state === 'blocked-fault' ? `a fault at 0x${t.address?.toString(16)}` : `${t.doing}`;
      throw new UsageFailure(
        `thread '${name}' is blocked in ${what}; it cannot take another operation`,
        field,
      );
    }
    return t;
  }
}

/** Above every user address and page-aligned: where larger u64 values land, for the range checks. */
const BEYOND = 2 ** 52;

/** A resolved value as the u64 a syscall gets, as a number; anything past 2^52 becomes BEYOND. */
export function toNumber(v: FieldValue, _field: string): number {
  const b = BigInt.asUintN(64, BigInt(v));
  return b >= BigInt(BEYOND) ? BEYOND : Number(b);
}
