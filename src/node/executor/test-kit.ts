// A small driver for the executor's tests, so they read like the behaviour they check:
//   await k.mmap('a', 'anon', '4p'); await k.uffd('uffd'); await k.register('uffd', 'a', '4p', 'MISSING');
//   await k.touch('T1', 'a+1p', 'read'); expect(k.thread('T1').state).toBe('blocked-fault');

import { evalExpr, type Expr } from '../../portable/model/expr';
import type { AreaKind, MaskExpr, Operation, StructArg } from '../../portable/model/operation';
import { constantValue } from '../../portable/model/resolve';
import type { Result } from '../../portable/model/result';
import {
  pageStateName,
  type PageStateName,
  type ThreadSnapshot,
  type UffdSnapshot,
} from '../../portable/model/snapshot';
import type { ExecutorOptions } from './caps';
import { KernelExecutor } from './executor';

export class K {
  readonly x: KernelExecutor;
  last!: Result;
  private constructor(x: KernelExecutor) {
    this.x = x;
  }

  /**
   * A new session. Settling waits long here: on a loaded 2-core machine a thread can take seconds
   * to be scheduled, and a test must not read a thread as `running` then.
   */
  static async open(options: Partial<ExecutorOptions> = {}): Promise<K> {
    return new K(await KernelExecutor.create({ settleTimeoutMs: 10_000, ...options }));
  }

  async run(op: Operation): Promise<Result> {
    this.last = await this.x.run(op);
    // A thread that neither finished nor blocked in time: the machine is overloaded; say so.
    for (const n of this.last.notes ?? []) if (/neither finished nor blocked/.test(n)) console.warn(n);
    return this.last;
  }

  /** Runs an operation that must reach the kernel and succeed. */
  async ok(op: Operation): Promise<Result> {
    const r = await this.run(op);
    if (r.usageError) throw new Error(`${op.op}: ${r.usageError.message}`);
    if (r.ret === -1 && !r.blocked) throw new Error(`${r.call} failed: errno ${r.errno}`);
    return r;
  }

  mmap(as: string, kind: AreaKind, len: Expr, more: Partial<Extract<Operation, { op: 'mmap' }>> = {}) {
    return this.ok({ op: 'mmap', as, kind, len, ...more });
  }

  /** userfaultfd(O_CLOEXEC|O_NONBLOCK) and UFFDIO_API with these features. */
  async uffd(as: string, features: MaskExpr = 0, flags: MaskExpr = ['O_CLOEXEC', 'O_NONBLOCK']) {
    await this.ok({ op: 'userfaultfd', flags, as });
    return this.ok({
      op: 'ioctl',
      fd: as,
      request: 'UFFDIO_API',
      arg: { api: 'UFFD_API', features: features as Expr },
    });
  }

  register(fd: string, start: Expr, len: Expr, mode: MaskExpr) {
    return this.run({
      op: 'ioctl',
      fd,
      request: 'UFFDIO_REGISTER',
      arg: { range: { start, len }, mode: mode as Expr },
    });
  }

  ioctl(fd: string, request: Extract<Operation, { op: 'ioctl' }>['request'], arg: StructArg) {
    return this.run({ op: 'ioctl', fd, request, arg });
  }

  copy(fd: string, dst: Expr, len: Expr, fill: number, mode: Expr = 0) {
    return this.ioctl(fd, 'UFFDIO_COPY', { dst, src: { fill } as unknown as Expr, len, mode });
  }

  touch(thread: string, addr: Expr, access: 'read' | 'write', more: { len?: Expr; value?: number } = {}) {
    return this.run({ op: 'touch', thread, addr, access, ...more });
  }

  read(fd: string, size?: Expr) {
    return this.run({ op: 'read', fd, ...(size !== undefined && { size }) });
  }

  /** An expression against the areas as they are now. */
  addr(e: Expr): bigint {
    const areas = this.last.snapshot.areas;
    return evalExpr(e, {
      pageSize: 4096,
      hugePageSize: 2 << 20,
      areaStart: (n) =>
        (areas.find((a) => a.name === n && a.process === 'main') ?? areas.find((a) => a.name === n))?.start,
      constant: constantValue,
    });
  }

  page(area: string, i: number, process = 'main'): PageStateName {
    const a = this.last.snapshot.areas.find((x) => x.name === area && x.process === process);
    if (!a) throw new Error(`no area ${area} in ${process}`);
    return pageStateName(a.pages[i] ?? 0);
  }

  content(area: string, i: number, process = 'main'): string | undefined {
    return this.last.snapshot.areas.find((x) => x.name === area && x.process === process)?.content.get(i);
  }

  thread(name: string): ThreadSnapshot {
    const t = this.last.snapshot.threads.find((x) => x.name === name);
    if (!t) throw new Error(`no thread ${name}`);
    return t;
  }

  queue(name: string): UffdSnapshot {
    const u = this.last.snapshot.uffds.find((x) => x.name === name);
    if (!u) throw new Error(`no uffd ${name}`);
    return u;
  }

  dispose(): Promise<void> {
    return this.x.dispose();
  }
}
