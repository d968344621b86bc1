// Random operation sequences — every area kind, two uffds, every ioctl with random and edge-case
// arguments, touches, reads, polls, events, fork, exit, close — on random kernel releases. The
// simulator must never throw, and after every step the machine must make sense.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Expr } from '../model/expr';
import type { Operation } from '../model/operation';
import type { Result } from '../model/result';
import { PAGE, type Snapshot } from '../model/snapshot';
import { toWire } from '../model/wire';
import { NOTABLE_KERNELS } from '../uapi/history';
import { createSimulator, INTERNAL_ERROR } from './index';

const AREAS = ['a', 'b', 's', 'm', 'n', 'p', 'h', 'f', 'x'] as const;
const THREADS = ['main', 'T1', 'T2', 'T3', 'c1', 'c2'];
const FDS = ['u1', 'u2', 'u1@c1', 'u2@c1', 'u1@c2', 'dev', 'u3'];

/** The areas every sequence starts with: anon, shmem, a memfd with an alias and a private view, hugetlb, a file. */
const SETUP: Operation[] = [
  { op: 'mmap', as: 'a', kind: 'anon', len: '4p' },
  { op: 'mmap', as: 'b', kind: 'anon', len: '4p' },
  { op: 'mmap', as: 's', kind: 'shmem', len: '4p' },
  { op: 'mmap', as: 'm', kind: 'memfd', len: '4p', file: 'f1' },
  { op: 'mmap', as: 'n', kind: 'memfd', len: '4p', file: 'f1' },
  { op: 'mmap', as: 'p', kind: 'memfd', len: '4p', file: 'f1', shared: false },
  { op: 'mmap', as: 'h', kind: 'hugetlb', len: '2h', shared: true, file: 'hf' },
  { op: 'mmap', as: 'f', kind: 'file', len: '2p' },
];

const area = fc.constantFrom(...AREAS);
const pageIn = fc.integer({ min: -1, max: 5 });
const addr: fc.Arbitrary<Expr> = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(area, pageIn).map(([a, p]) => (p < 0 ? `${a}-1p` : `${a}+${p}p`)) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(area, pageIn, fc.constantFrom(1, 0x7b, 0xfff))
      .map(([a, p, o]) => `${a}+${Math.max(p, 0)}p+${o}`),
  },
  { weight: 1, arbitrary: fc.constantFrom<Expr>(0, 8, '0x7ffffffff000', -1, 'h+1h') },
);
const len: fc.Arbitrary<Expr> = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 1, max: 4 }).map((n) => `${n}p`) },
  { weight: 2, arbitrary: fc.constantFrom<Expr>(0, 100, '1h', '2h', '64p', '0x7ffffffff000', -4096) },
);
const mode = (names: readonly string[]) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.subarray([...names], { minLength: 0 }) },
    { weight: 1, arbitrary: fc.constantFrom<Expr[]>([8], [0x10], ['0x8000000000000000']) },
  );
const fd = fc.constantFrom(...FDS);
const thread = fc.constantFrom(...THREADS);
const features = fc.subarray([
  'UFFD_FEATURE_PAGEFAULT_FLAG_WP',
  'UFFD_FEATURE_EVENT_FORK',
  'UFFD_FEATURE_EVENT_REMAP',
  'UFFD_FEATURE_EVENT_REMOVE',
  'UFFD_FEATURE_EVENT_UNMAP',
  'UFFD_FEATURE_SIGBUS',
  'UFFD_FEATURE_THREAD_ID',
  'UFFD_FEATURE_EXACT_ADDRESS',
  'UFFD_FEATURE_WP_UNPOPULATED',
  'UFFD_FEATURE_WP_ASYNC',
  'UFFD_FEATURE_POISON',
  'UFFD_FEATURE_MOVE',
]);

const REGISTER = ['UFFDIO_REGISTER_MODE_MISSING', 'UFFDIO_REGISTER_MODE_WP', 'UFFDIO_REGISTER_MODE_MINOR'];

const ioctl: fc.Arbitrary<Operation> = fc.oneof(
  fc
    .record({ fd, features, api: fc.constantFrom<Expr>('UFFD_API', 'UFFD_API', 0xab) })
    .map(({ fd, features, api }): Operation => ({
      op: 'ioctl',
      fd,
      request: 'UFFDIO_API',
      arg: { api, features },
    })),
  fc.record({ fd, start: addr, len, mode: mode(REGISTER) }).map(({ fd, start, len, mode }): Operation => ({
    op: 'ioctl',
    fd,
    request: 'UFFDIO_REGISTER',
    arg: { range: { start, len }, mode },
  })),
  fc
    .record({ fd, start: addr, len, request: fc.constantFrom('UFFDIO_UNREGISTER', 'UFFDIO_WAKE') })
    .map(({ fd, start, len, request }): Operation => ({ op: 'ioctl', fd, request, arg: { start, len } })),
  fc
    .record({
      fd,
      dst: addr,
      len,
      mode: mode(['UFFDIO_COPY_MODE_DONTWAKE', 'UFFDIO_COPY_MODE_WP']),
      src: fc.oneof(
        fc.integer({ min: 0, max: 255 }).map((b) => ({ fill: b })),
        addr,
      ),
    })
    .map(({ fd, dst, len, mode, src }): Operation => ({
      op: 'ioctl',
      fd,
      request: 'UFFDIO_COPY',
      arg: { dst, src, len, mode },
    })),
  fc
    .record({
      fd,
      start: addr,
      len,
      request: fc.constantFrom('UFFDIO_ZEROPAGE', 'UFFDIO_CONTINUE', 'UFFDIO_POISON', 'UFFDIO_WRITEPROTECT'),
      mode: fc.integer({ min: 0, max: 4 }),
    })
    .map(({ fd, start, len, request, mode }): Operation => ({
      op: 'ioctl',
      fd,
      request,
      arg: { range: { start, len }, mode },
    })),
  fc
    .record({ fd, dst: addr, src: addr, len, mode: fc.integer({ min: 0, max: 4 }) })
    .map(({ fd, dst, src, len, mode }): Operation => ({
      op: 'ioctl',
      fd,
      request: 'UFFDIO_MOVE',
      arg: { dst, src, len, mode },
    })),
  fc
    .record({ fd, arg: fc.constantFrom<Expr>(0, 16) })
    .map(({ fd, arg }): Operation => ({ op: 'ioctl', fd, request: 'UFFDIO_API', arg })),
  fc.record({ fd, flags: fc.constantFrom<Expr>(0, 'O_NONBLOCK', 0x10) }).map(({ fd, flags }): Operation => ({
    op: 'ioctl',
    fd,
    request: 'USERFAULTFD_IOC_NEW',
    arg: flags,
    as: 'u3',
  })),
);

const operation: fc.Arbitrary<Operation> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc
      .record({
        as: fc.constantFrom('u1', 'u2'),
        flags: fc.subarray(['O_NONBLOCK', 'O_CLOEXEC', 'UFFD_USER_MODE_ONLY']),
      })
      .map((o): Operation => ({ op: 'userfaultfd', ...o })),
  },
  { weight: 1, arbitrary: fc.constant<Operation>({ op: 'open', path: '/dev/userfaultfd', as: 'dev' }) },
  { weight: 10, arbitrary: ioctl },
  {
    weight: 6,
    arbitrary: fc
      .record({
        thread,
        addr,
        access: fc.constantFrom('read', 'write') as fc.Arbitrary<'read' | 'write'>,
        value: fc.integer({ min: 0, max: 255 }),
      })
      .map((o): Operation => ({ op: 'touch', ...o })),
  },
  {
    weight: 4,
    arbitrary: fc
      .record({ fd, size: fc.constantFrom<Expr>(32, 32, 64, 31, 100) })
      .map((o): Operation => ({ op: 'read', ...o })),
  },
  { weight: 2, arbitrary: fd.map((fd): Operation => ({ op: 'poll', fd })) },
  { weight: 1, arbitrary: fd.map((fd): Operation => ({ op: 'close', fd })) },
  {
    weight: 1,
    arbitrary: fc
      .record({ fd, flags: fc.constantFrom<Expr>(0, 'O_NONBLOCK') })
      .map((o): Operation => ({ op: 'fcntl', cmd: 'F_SETFL', ...o })),
  },
  { weight: 1, arbitrary: fc.record({ addr, len, thread }).map((o): Operation => ({ op: 'munmap', ...o })) },
  {
    weight: 2,
    arbitrary: fc
      .record({
        addr,
        len,
        thread,
        advice: fc.constantFrom(
          'MADV_DONTNEED',
          'MADV_REMOVE',
          'MADV_FREE',
          'MADV_PAGEOUT',
        ) as fc.Arbitrary<'MADV_DONTNEED'>,
      })
      .map((o): Operation => ({ op: 'madvise', ...o })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ addr, oldLen: len, newLen: len, thread, move: fc.boolean() })
      .map(({ move, ...o }): Operation => ({
        op: 'mremap',
        ...o,
        flags: move ? ['MREMAP_MAYMOVE'] : [],
        ...(move ? { as: 'x' } : {}),
      })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ child: fc.constantFrom('c1', 'c2'), thread })
      .map((o): Operation => ({ op: 'fork', ...o })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('c1', 'c2').map((process): Operation => ({ op: 'exit', process })),
  },
  { weight: 1, arbitrary: thread.map((thread): Operation => ({ op: 'signal', thread, signal: 'SIGUSR1' })) },
);

/** PROP_RUNS in the environment runs fewer (or more) sequences while working on the simulator. */
const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
const RUNS = Number(env?.PROP_RUNS ?? 10_000);

const kernels = fc.constantFrom(...NOTABLE_KERNELS.map((k) => k.version));

/** Most sequences start with a working uffd and a registration, so that they get somewhere. */
const prefix: fc.Arbitrary<Operation[]> = fc
  .record({ features, start: addr, len, mode: mode(REGISTER), with: fc.boolean() })
  .map(({ features, start, len, mode, with: w }): Operation[] =>
    w
      ? [
          { op: 'userfaultfd', as: 'u1', flags: ['O_NONBLOCK'] },
          { op: 'ioctl', fd: 'u1', request: 'UFFDIO_API', arg: { api: 'UFFD_API', features } },
          { op: 'ioctl', fd: 'u1', request: 'UFFDIO_REGISTER', arg: { range: { start, len }, mode } },
        ]
      : [],
  );
const sequence = fc
  .tuple(prefix, fc.array(operation, { minLength: 5, maxLength: 25 }))
  .map(([p, o]) => [...p, ...o]);

/** Fails the property with a message naming the step (plain checks: expect() per page is slow). */
function ensure(ok: boolean, message: () => string): void {
  if (!ok) throw new Error(message());
}

/** The checks every step must pass. */
function check(r: Result, step: number, prev: Snapshot): void {
  const where = () => `step ${step}: ${r.call}`;
  const u = r.usageError;
  ensure(!u?.message.startsWith(INTERNAL_ERROR), () => `${where()}: ${u?.message}`);
  if (!u && !(r.op.op === 'read' && r.blocked)) {
    ensure(
      (r.errno !== undefined) === (r.ret === -1),
      () => `${where()}: ret ${r.ret} with errno ${r.errno}`,
    );
  }
  ensure(r.errno === undefined || r.ret === -1, () => `${where()}: errno ${r.errno} with ret ${r.ret}`);
  const s = r.snapshot;

  // A thread is blocked iff its fault or event sits on exactly one uffd queue.
  const faults = new Map<string, number>();
  const events = new Map<string, number>();
  for (const q of s.uffds) {
    for (const f of q.pending) faults.set(f.thread, (faults.get(f.thread) ?? 0) + 1);
    for (const f of q.waiting) faults.set(f.thread, (faults.get(f.thread) ?? 0) + 1);
    for (const e of q.events) events.set(e.thread, (events.get(e.thread) ?? 0) + 1);
  }
  for (const t of s.threads) {
    const nf = faults.get(t.name) ?? 0;
    const ne = events.get(t.name) ?? 0;
    ensure(
      nf === (t.state === 'blocked-fault' ? 1 : 0),
      () => `${where()}: ${t.name} ${t.state}, in ${nf} fault queues`,
    );
    ensure(
      ne === (t.state === 'blocked-event' ? 1 : 0),
      () => `${where()}: ${t.name} ${t.state}, in ${ne} event queues`,
    );
  }

  // A fault queued by this step is explained by a registration of that uffd in its mm.
  for (const q of s.uffds) {
    for (const f of q.pending) {
      const t = s.threads.find((x) => x.name === f.thread)!;
      if (t.since !== step) continue;
      const reg = s.registrations.find(
        (g) => g.process === q.mm && g.uffd === q.name && f.address >= g.start && f.address < g.end,
      );
      const at = () => `${where()}: fault of ${f.thread} at ${f.address.toString(16)} flags ${f.flags}`;
      ensure(reg !== undefined, () => `${at()} has no registration`);
      const need = f.flags & 2 ? 2n : f.flags & 4 ? 4n : 1n;
      ensure((reg!.mode & need) === need, () => `${at()}: mode ${reg!.mode} does not explain it`);
    }
  }

  // Page bits make sense, and content goes with present or cached pages.
  for (const a of s.areas) {
    const shmem = a.kind === 'shmem' || a.kind === 'memfd' || a.kind === 'hugetlb';
    for (let i = 0; i < a.pages.length; i++) {
      const bits = a.pages[i]!;
      const at = () => `${where()}: ${a.process}:${a.name} page ${i} bits ${bits}`;
      ensure(bits & PAGE.MAPPED ? true : bits === 0, at);
      ensure(!(bits & PAGE.ZERO) || (bits & PAGE.PRESENT) !== 0, at);
      ensure(!(bits & PAGE.POISONED) || (bits & (PAGE.PRESENT | PAGE.UFFD_WP)) === 0, at);
      ensure(!(bits & PAGE.CACHED) || shmem, at);
      ensure(a.content.has(i) === ((bits & (PAGE.PRESENT | PAGE.CACHED)) !== 0), at);
    }
  }

  // Registrations are whole pages of mapped memory and do not overlap.
  const regs = [...s.registrations].sort((x, y) =>
    x.process < y.process ? -1 : x.process > y.process ? 1 : Number(x.start - y.start),
  );
  regs.forEach((g, i) => {
    const at = () => `${where()}: registration ${g.process} ${g.start.toString(16)}-${g.end.toString(16)}`;
    ensure(g.start % 4096n === 0n && g.end > g.start && g.mode > 0n && g.mode < 8n, at);
    const next = regs[i + 1];
    ensure(!next || next.process !== g.process || next.start >= g.end, () => `${at()} overlaps the next`);
    for (const a of s.areas) {
      if (a.process !== g.process || a.start >= g.end || a.start + a.len <= g.start) continue;
      for (let j = 0; j < a.pages.length; j++) {
        const p = a.start + BigInt(j * a.pageSize);
        if (p >= g.start && p < g.end)
          ensure((a.pages[j]! & PAGE.MAPPED) !== 0, () => `${at()}: unmapped page`);
      }
    }
  });

  // Threads never come back from exited.
  for (const t of prev.threads) {
    if (t.state !== 'exited') continue;
    const now = s.threads.find((x) => x.name === t.name)?.state;
    ensure(now === 'exited', () => `${where()}: ${t.name} came back as ${now}`);
  }
}

function run(kernel: string, ops: readonly Operation[]): Result[] {
  const sim = createSimulator({ kernel });
  for (const op of SETUP) sim.runSync(op);
  let prev = sim.snapshot();
  const results: Result[] = [];
  ops.forEach((op, i) => {
    const r = sim.runSync(op);
    check(r, SETUP.length + i, prev);
    prev = r.snapshot;
    results.push(r);
  });
  return results;
}

describe('random operation sequences', () => {
  it('never throw, and every step leaves a consistent machine', () => {
    fc.assert(
      fc.property(kernels, sequence, (kernel, ops) => {
        run(kernel, ops);
      }),
      { numRuns: RUNS },
    );
  }, 300_000);

  it('replay exactly: the same operations give the same results', () => {
    fc.assert(
      fc.property(kernels, sequence, (kernel, ops) => {
        expect(toWire(run(kernel, ops))).toBe(toWire(run(kernel, ops)));
      }),
      { numRuns: 200 },
    );
  });
});
