// A small test language over the simulator, in the spirit of tldraw's TestEditor: each call runs
// one operation, each expect checks what the last one returned or what the machine looks like now.
//   sim().mmap('a', 'anon', '4p').uffd().register('a', '4p', 'MISSING')
//     .touch('T1', 'a+1p').expectThread('T1', 'blocked-fault').read().expectMsg({...})

import { expect } from 'vitest';
import type { Expr } from '../../model/expr';
import type {
  Advice,
  AreaKind,
  MaskExpr,
  MremapFlag,
  Operation,
  OperationOf,
  StructArg,
} from '../../model/operation';
import { resolveExpr, resolveMask } from '../../model/resolve';
import type { Result } from '../../model/result';
import { pageStateName, type PageStateName, type Snapshot, type ThreadState } from '../../model/snapshot';
import { errnoName, type ErrnoName } from '../../uapi/errno';
import type { IoctlName } from '../../uapi/names';
import type { FieldValue } from '../../uapi/structs';
import { createSimulator, INTERNAL_ERROR, type SimBackend, type SimulatorOptions } from '../simulator';

type Fields = Record<string, Expr | readonly Expr[]>;

export class SimTest {
  readonly backend: SimBackend;
  readonly results: Result[] = [];
  /** The uffd most sugar methods use when none is named. */
  fd = 'uffd';

  constructor(opts: SimulatorOptions = {}) {
    this.backend = createSimulator(opts);
  }

  get last(): Result {
    const r = this.results.at(-1);
    if (!r) throw new Error('no operation has run yet');
    return r;
  }

  get snap(): Snapshot {
    return this.last.snapshot;
  }

  op(o: Operation): this {
    const r = this.backend.runSync(o);
    if (r.usageError?.message.startsWith(INTERNAL_ERROR)) throw new Error(r.usageError.message);
    this.results.push(r);
    return this;
  }

  // --- operations ---------------------------------------------------------------------------

  mmap(as: string, kind: AreaKind, len: Expr, more: Partial<OperationOf<'mmap'>> = {}): this {
    return this.op({ op: 'mmap', as, kind, len, ...more });
  }

  userfaultfd(as = 'uffd', flags: MaskExpr = ['O_CLOEXEC', 'O_NONBLOCK']): this {
    return this.op({ op: 'userfaultfd', as, flags });
  }

  api(features: MaskExpr = 0, fd = this.fd, api: Expr = 'UFFD_API'): this {
    return this.ioctl('UFFDIO_API', { api, features }, fd);
  }

  /** userfaultfd(O_CLOEXEC|O_NONBLOCK) and a successful UFFDIO_API with these features. */
  uffd(features: MaskExpr = 0, as = 'uffd', flags: MaskExpr = ['O_CLOEXEC', 'O_NONBLOCK']): this {
    this.userfaultfd(as, flags).expectOk();
    return this.api(features, as).expectOk();
  }

  ioctl(request: IoctlName | 'USERFAULTFD_IOC_NEW' | number, arg?: StructArg | MaskExpr, fd = this.fd): this {
    return this.op(arg === undefined ? { op: 'ioctl', fd, request } : { op: 'ioctl', fd, request, arg });
  }

  register(start: Expr, len: Expr, mode: MaskExpr, fd = this.fd): this {
    return this.ioctl('UFFDIO_REGISTER', { range: { start, len }, mode }, fd);
  }

  unregister(start: Expr, len: Expr, fd = this.fd): this {
    return this.ioctl('UFFDIO_UNREGISTER', { start, len }, fd);
  }

  wake(start: Expr, len: Expr, fd = this.fd): this {
    return this.ioctl('UFFDIO_WAKE', { start, len }, fd);
  }

  /** UFFDIO_COPY from the backend's fill source (default byte 0x41), or from `src`. */
  copy(
    dst: Expr,
    len: Expr,
    more: { fill?: number; src?: Expr; mode?: MaskExpr } & Fields = {},
    fd = this.fd,
  ): this {
    const { fill, src, mode, ...rest } = more;
    const source = src !== undefined ? src : { fill: fill ?? 0x41 };
    return this.ioctl('UFFDIO_COPY', { dst, src: source, len, mode: mode ?? 0, ...rest }, fd);
  }

  zeropage(start: Expr, len: Expr, mode: MaskExpr = 0, fd = this.fd): this {
    return this.ioctl('UFFDIO_ZEROPAGE', { range: { start, len }, mode }, fd);
  }

  writeprotect(start: Expr, len: Expr, mode: MaskExpr, fd = this.fd): this {
    return this.ioctl('UFFDIO_WRITEPROTECT', { range: { start, len }, mode }, fd);
  }

  continue(start: Expr, len: Expr, mode: MaskExpr = 0, fd = this.fd): this {
    return this.ioctl('UFFDIO_CONTINUE', { range: { start, len }, mode }, fd);
  }

  poison(start: Expr, len: Expr, mode: MaskExpr = 0, fd = this.fd): this {
    return this.ioctl('UFFDIO_POISON', { range: { start, len }, mode }, fd);
  }

  move(dst: Expr, src: Expr, len: Expr, mode: MaskExpr = 0, fd = this.fd): this {
    return this.ioctl('UFFDIO_MOVE', { dst, src, len, mode }, fd);
  }

  touch(
    thread: string,
    addr: Expr,
    access: 'read' | 'write' = 'read',
    more: { len?: Expr; value?: number } = {},
  ): this {
    return this.op({ op: 'touch', thread, addr, access, ...more });
  }

  write(thread: string, addr: Expr, value = 1, len?: Expr): this {
    return this.touch(thread, addr, 'write', len === undefined ? { value } : { value, len });
  }

  read(fd = this.fd, size?: Expr): this {
    return this.op(size === undefined ? { op: 'read', fd } : { op: 'read', fd, size });
  }

  poll(fd = this.fd): this {
    return this.op({ op: 'poll', fd });
  }

  close(fd = this.fd): this {
    return this.op({ op: 'close', fd });
  }

  fcntl(fd: string, cmd: 'F_SETFL' | 'F_GETFL', flags?: MaskExpr): this {
    return this.op(flags === undefined ? { op: 'fcntl', fd, cmd } : { op: 'fcntl', fd, cmd, flags });
  }

  munmap(addr: Expr, len: Expr, thread?: string): this {
    return this.op({ op: 'munmap', addr, len, ...(thread ? { thread } : {}) });
  }

  madvise(addr: Expr, len: Expr, advice: Advice, thread?: string): this {
    return this.op({ op: 'madvise', addr, len, advice, ...(thread ? { thread } : {}) });
  }

  mremap(addr: Expr, oldLen: Expr, newLen: Expr, flags: MremapFlag[], as?: string, thread?: string): this {
    return this.op({
      op: 'mremap',
      addr,
      oldLen,
      newLen,
      flags,
      ...(as ? { as } : {}),
      ...(thread ? { thread } : {}),
    });
  }

  fork(child: string, thread?: string): this {
    return this.op({ op: 'fork', child, ...(thread ? { thread } : {}) });
  }

  exit(process: string): this {
    return this.op({ op: 'exit', process });
  }

  signal(thread: string): this {
    return this.op({ op: 'signal', thread, signal: 'SIGUSR1' });
  }

  // --- values -------------------------------------------------------------------------------

  /** An expression over the session's areas (`a+1p`), as a bigint. */
  value(e: Expr): bigint {
    const areaStart = (n: string) => {
      const a = this.backend.snapshot().areas.find((x) => x.name === n);
      return a?.start;
    };
    return resolveExpr(e, { pageSize: 4096, hugePageSize: 2 << 20, areaStart }, 'expect');
  }

  private mask(m: MaskExpr): bigint {
    const areaStart = () => undefined;
    return resolveMask(m, { pageSize: 4096, hugePageSize: 2 << 20, areaStart }, 'expect');
  }

  // --- expectations on the last result ------------------------------------------------------

  expectOk(): this {
    const r = this.last;
    expect(r.usageError?.message, r.call).toBeUndefined();
    expect(r.errno === undefined ? 'ok' : errnoName(r.errno), r.call).toBe('ok');
    expect(r.blocked ?? false, r.call).toBe(false);
    return this;
  }

  expectRet(ret: number): this {
    expect(this.last.ret, this.last.call).toBe(ret);
    return this;
  }

  expectErrno(name: ErrnoName): this {
    const r = this.last;
    expect(r.usageError?.message, r.call).toBeUndefined();
    expect(r.errno === undefined ? `ret ${r.ret}` : errnoName(r.errno), r.call).toBe(name);
    expect(r.ret).toBe(-1);
    return this;
  }

  expectBlocked(blocked = true): this {
    expect(this.last.usageError?.message).toBeUndefined();
    expect(this.last.blocked ?? false, this.last.call).toBe(blocked);
    return this;
  }

  expectUsage(message?: RegExp, field?: string): this {
    const u = this.last.usageError;
    expect(u, this.last.call).toBeDefined();
    if (message) expect(u!.message).toMatch(message);
    if (field !== undefined) expect(u!.field).toBe(field);
    return this;
  }

  /** Struct fields as the kernel left them (values are expressions: `a+1p`, `-EEXIST`, 0x13c). */
  expectStruct(fields: Record<string, Expr>, when: 'after' | 'before' = 'after'): this {
    const s = this.last.struct;
    expect(s, this.last.call).toBeDefined();
    for (const [name, v] of Object.entries(fields)) {
      const got: FieldValue | undefined = s![when][name];
      expect(got === undefined ? undefined : BigInt(got), `${when}.${name}`).toBe(this.value(v));
    }
    return this;
  }

  /** The struct bytes the kernel left are all zero (an UFFDIO_API error). */
  expectZeroedStruct(): this {
    expect([...this.last.struct!.afterBytes].every((b) => b === 0)).toBe(true);
    return this;
  }

  /** The messages of the last read, each by some of its fields. */
  expectMsgs(msgs: readonly Fields[]): this {
    const got = this.last.msgs ?? [];
    expect(got.length, 'number of messages').toBe(msgs.length);
    msgs.forEach((want, i) => {
      for (const [field, v] of Object.entries(want)) {
        const have = got[i]!.fields[field];
        const expected = Array.isArray(v) ? this.mask(v) : this.value(v as Expr);
        expect(have === undefined ? undefined : BigInt(have), `msgs[${i}].${field}`).toBe(expected);
      }
    });
    return this;
  }

  expectMsg(fields: Fields): this {
    return this.expectMsgs([fields]);
  }

  expectRevents(revents: number): this {
    expect(this.last.revents).toBe(revents);
    return this;
  }

  // --- expectations on the state now --------------------------------------------------------

  expectThread(
    name: string,
    state: ThreadState,
    more: { address?: Expr; value?: number; sigbusCode?: number; uffd?: string } = {},
  ): this {
    const t = this.backend.snapshot().threads.find((x) => x.name === name);
    expect(t, `thread ${name}`).toBeDefined();
    expect(t!.state, `thread ${name}`).toBe(state);
    if (more.address !== undefined) expect(t!.address, `${name}.address`).toBe(this.value(more.address));
    if (more.value !== undefined) expect(t!.value, `${name}.value`).toBe(more.value);
    if (more.sigbusCode !== undefined) expect(t!.sigbusCode).toBe(more.sigbusCode);
    if (more.uffd !== undefined) expect(t!.uffd).toBe(more.uffd);
    return this;
  }

  private page(where: string): { bits: number; content: string | undefined } {
    const [process, addr] = where.includes(':') ? (where.split(':') as [string, string]) : ['main', where];
    const a = this.value(addr);
    const area = this.backend
      .snapshot()
      .areas.find((x) => x.process === process && a >= x.start && a < x.start + x.len);
    if (!area) throw new Error(`no area of ${process} holds ${where}`);
    const i = Number((a - area.start) / BigInt(area.pageSize));
    return { bits: area.pages[i]!, content: area.content.get(i) };
  }

  /** A page's state (by its `pageStateName`) and, when given, its content tag. */
  expectPage(where: string, state: PageStateName, content?: string | null): this {
    const p = this.page(where);
    expect(pageStateName(p.bits), `page ${where}`).toBe(state);
    if (content !== undefined) expect(p.content ?? null, `content of ${where}`).toBe(content);
    return this;
  }

  /** A page's PAGE bits exactly. */
  expectPageBits(where: string, bits: number): this {
    expect(this.page(where).bits, `bits of ${where}`).toBe(bits);
    return this;
  }

  expectQueues(fd: string, q: { pending?: number; waiting?: number; events?: number }): this {
    const u = this.backend.snapshot().uffds.find((x) => x.name === fd);
    expect(u, `uffd ${fd}`).toBeDefined();
    const got = { pending: u!.pending.length, waiting: u!.waiting.length, events: u!.events.length };
    expect(got).toMatchObject(q);
    return this;
  }

  /** The registered ranges (of process main unless given), in address order: [start, len, mode]. */
  expectRegistrations(want: readonly [Expr, Expr, number][], process = 'main'): this {
    const regs = this.backend.snapshot().registrations.filter((r) => r.process === process);
    const got = regs.map((r) => [r.start, r.end - r.start, Number(r.mode)]);
    expect(got).toEqual(want.map(([s, l, m]) => [this.value(s), this.value(l), m]));
    return this;
  }

  /** Any check of the current snapshot. */
  check(f: (s: Snapshot, t: this) => void): this {
    f(this.backend.snapshot(), this);
    return this;
  }
}

export const sim = (opts: SimulatorOptions = {}): SimTest => new SimTest(opts);
