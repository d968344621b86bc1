// The real kernel's fault loop (touch -> read -> UFFDIO_COPY -> wake; one faulting thread, one
// monitor) four ways: through the executor one operation at a time (each with its snapshot), as
// one executor batch (snapshots only at the end: no per-operation overhead beyond the executor's
// own), with the executor's OS layer alone (its floor: worker thread, koffi, no bookkeeping), and
// as a plain C program for the baseline. Rates are faults resolved per second.

import type { Operation } from '../src/portable/model/operation';
import { KernelExecutor } from '../src/node/executor';
import { C_PAGES, cLoop, hasCompiler } from './c-loop';
import { floorRate } from './kernel-floor';
import type { BenchModule, Figure } from './report';
import { resultCycles, sysCycles } from './simulator';

const EXEC_PAGES = 400;
const BATCH_PAGES = 4000;

function cycle(i: number): Operation[] {
  return [
    { op: 'touch', thread: 'T1', addr: `a+${i}p`, access: 'read' },
    { op: 'read', fd: 'uffd' },
    {
      op: 'ioctl',
      fd: 'uffd',
      request: 'UFFDIO_COPY',
      arg: { dst: `a+${i}p`, src: { fill: 0x41 }, len: '1p' },
    },
  ];
}

async function session(pages: number): Promise<KernelExecutor> {
  const x = await KernelExecutor.create({ maxAreaBytes: (BigInt(pages) << 12n) + (2n << 20n) });
  const setup: Operation[] = [
    { op: 'mmap', as: 'a', kind: 'anon', len: `${pages}p` },
    { op: 'userfaultfd', flags: ['O_CLOEXEC', 'O_NONBLOCK'], as: 'uffd' },
    { op: 'ioctl', fd: 'uffd', request: 'UFFDIO_API', arg: { api: 'UFFD_API', features: 0 } },
    {
      op: 'ioctl',
      fd: 'uffd',
      request: 'UFFDIO_REGISTER',
      arg: { range: { start: 'a', len: `${pages}p` }, mode: 'MISSING' },
    },
    // Warm up: the thread exists and the source buffer is mapped before timing.
    ...cycle(0),
  ];
  for (const r of await x.runBatch(setup, { snapshots: 'last' })) {
    if (r.usageError || (r.ret === -1 && !r.blocked))
      throw new Error(`${r.call}: ${r.usageError?.message ?? r.errno}`);
  }
  return x;
}

function check(results: readonly { ret: number; usageError?: unknown; blocked?: boolean }[]): void {
  const bad = results.find((r, i) => r.usageError || (i % 3 === 0 ? !r.blocked : r.ret === -1));
  if (bad)
    throw new Error(
      `a cycle went wrong: ${JSON.stringify(bad, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`,
    );
}

async function oneByOne(): Promise<number> {
  const x = await session(EXEC_PAGES + 1);
  try {
    const t0 = performance.now();
    for (let i = 1; i <= EXEC_PAGES; i++)
      for (const op of cycle(i))
        check([await x.run(op)].map((r) => ({ ...r, blocked: op.op === 'touch' ? r.blocked : true })));
    return EXEC_PAGES / ((performance.now() - t0) / 1000);
  } finally {
    await x.dispose();
  }
}

async function batch(): Promise<number> {
  const x = await session(BATCH_PAGES + 1);
  try {
    const ops = Array.from({ length: BATCH_PAGES }, (_, i) => cycle(i + 1)).flat();
    const t0 = performance.now();
    const results = await x.runBatch(ops, { snapshots: 'last' });
    const rate = BATCH_PAGES / ((performance.now() - t0) / 1000);
    check(results);
    return rate;
  } finally {
    await x.dispose();
  }
}

const kernel: BenchModule = {
  name: 'real kernel: the missing-fault loop (touch -> read -> UFFDIO_COPY -> wake) through the executor, beside a C loop and the simulator',
  async unavailable() {
    if (!hasCompiler()) return 'no C compiler (cc): the executor needs its C helper, and the baseline is C';
    return undefined;
  },
  async run() {
    const { plain: c, pinned } = cLoop();
    const single = await oneByOne();
    const batched = await batch();
    const floor = await floorRate(BATCH_PAGES);
    // The simulator on the same loop in this run: as operations with snapshots (what one operation
    // at a time is), and through its syscall layer (what the agent-side batch is closest to).
    sysCycles(20_000); // warm-up
    const simOps = resultCycles(true, 2_000);
    const simSys = sysCycles(100_000);
    const figures: Figure[] = [
      { what: `plain C loop, ${C_PAGES} pages (median of 3)`, value: c, unit: 'faults/s' },
      { what: `the C loop with its two threads on one CPU`, value: pinned, unit: 'faults/s' },
      {
        what: `executor, one operation at a time with snapshots, ${EXEC_PAGES} pages`,
        value: single,
        unit: 'faults/s',
      },
      {
        what: `executor batch, ${BATCH_PAGES} pages`,
        value: batched,
        unit: 'faults/s',
        target: { value: c / 2, better: 'higher' },
      },
      {
        what: `the executor's OS layer alone (its floor), ${BATCH_PAGES} pages`,
        value: floor,
        unit: 'faults/s',
      },
      { what: 'batch / C loop', value: batched / c, unit: '×', target: { value: 0.5, better: 'higher' } },
      { what: 'batch / floor', value: batched / floor, unit: '×' },
      { what: 'floor / C loop', value: floor / c, unit: '×' },
      { what: 'batch / C loop on one CPU', value: batched / pinned, unit: '×' },
      { what: 'one at a time / C loop', value: single / c, unit: '×' },
      { what: 'simulator, one operation at a time with snapshots', value: simOps, unit: 'faults/s' },
      { what: 'simulator, its syscall layer', value: simSys, unit: 'faults/s' },
      { what: 'simulator / executor, one operation at a time', value: simOps / single, unit: '×' },
      { what: 'simulator syscall layer / executor batch', value: simSys / batched, unit: '×' },
    ];
    return figures;
  },
};

export default kernel;
