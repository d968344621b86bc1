// The simulator's speed and size, measured in this run:
// - the fault cycle, one faulting thread: it touches a missing page, the monitor polls and reads
//   the message, and UFFDIO_COPY resolves the fault and wakes the thread. Two ways:
//   * through the syscall layer (sim.sys: fds and addresses as numbers, the struct and the message
//     as bytes): what bench/fault-loop.c asks of the real kernel, whose rate is measured here too;
//   * through runSync, the operation/Result layer the UI uses (names and expressions resolved, a
//     Result with decoded structs and messages), snapshots off and on;
// - the memory of a 1,000,000-page private anonymous area: mapped and registered, then every page
//   populated, measured as heap + ArrayBuffer growth.
// Targets: 1,000,000 cycles/s through the syscall layer; <= 64 MB.

import os from 'node:os';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { BLOCKED, createSimulator, type SimBackend } from '../src/portable/kernel';
import type { Operation } from '../src/portable/model/operation';
import { UFFD_EVENT_PAGEFAULT, UFFDIO_COPY } from '../src/portable/uapi/userfaultfd';
import { cLoop, C_PAGES, hasCompiler } from './c-loop';
import type { BenchModule, Figure } from './report';

const CYCLE_TARGET = 1_000_000;
const MEMORY_TARGET = 64 << 20;
const PAGE = 4096;
const TWO_32 = 2 ** 32;

interface Session {
  readonly b: SimBackend;
  /** The registered area, the COPY source page (0x41 in every byte) and the uffd's number. */
  readonly area: number;
  readonly src: number;
  readonly uffd: number;
}

function setup(pages: number, snapshots = false): Session {
  const b = createSimulator({ snapshots });
  const steps: Operation[] = [
    { op: 'mmap', as: 'a', kind: 'anon', len: pages * PAGE },
    { op: 'mmap', as: 's', kind: 'anon', len: PAGE },
    { op: 'touch', thread: 'main', addr: 's', access: 'write', len: PAGE, value: 0x41 },
    { op: 'userfaultfd', as: 'uffd', flags: 'O_NONBLOCK' },
    { op: 'ioctl', fd: 'uffd', request: 'UFFDIO_API', arg: { api: 'UFFD_API' } },
    {
      op: 'ioctl',
      fd: 'uffd',
      request: 'UFFDIO_REGISTER',
      arg: { range: { start: 'a', len: pages * PAGE }, mode: 1 },
    },
  ];
  for (const op of steps) {
    const r = b.runSync(op);
    if (r.ret < 0 || r.usageError)
      throw new Error(`setup failed at ${r.call}: ${r.usageError?.message ?? r.errno}`);
  }
  const snap = b.snapshot();
  const start = (name: string) => Number(snap.areas.find((x) => x.name === name)!.start);
  return { b, area: start('a'), src: start('s'), uffd: snap.uffds.find((u) => u.name === 'uffd')!.fd };
}

/** The last cycle's thread has read the copied page. */
function checkDone(b: SimBackend): void {
  const t = b.snapshot().threads.find((x) => x.name === 'T1');
  if (t?.state !== 'done' || t.value !== 0x41) throw new Error('the last cycle did not complete');
}

/**
 * Fault cycles per second through the syscall layer, over `n` fresh pages: the loop of
 * fault-loop.c, with the toucher's access made by sys.touch (it returns once the thread sleeps).
 */
export function sysCycles(n: number): number {
  const { b, area, src, uffd } = setup(n);
  const sys = b.sys;
  const msg = new Uint8Array(32);
  const msgView = new DataView(msg.buffer);
  const copy = new Uint8Array(40);
  const copyView = new DataView(copy.buffer);
  copyView.setUint32(8, src % TWO_32, true);
  copyView.setUint32(12, Math.floor(src / TWO_32), true);
  copyView.setUint32(16, PAGE, true);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    if (sys.touch('T1', area + i * PAGE, false) !== BLOCKED)
      throw new Error(`cycle ${i}: the touch did not fault`);
    if (sys.poll(uffd) !== 1) throw new Error(`cycle ${i}: poll`);
    if (sys.read(uffd, msg) !== 32 || msg[0] !== UFFD_EVENT_PAGEFAULT) throw new Error(`cycle ${i}: read`);
    const addr = msgView.getUint32(16, true) + msgView.getUint32(20, true) * TWO_32;
    const dst = addr - (addr % PAGE);
    copyView.setUint32(0, dst % TWO_32, true);
    copyView.setUint32(4, Math.floor(dst / TWO_32), true);
    const ret = sys.ioctl(uffd, UFFDIO_COPY, copy);
    if (ret !== 0) throw new Error(`cycle ${i}: UFFDIO_COPY returned ${ret}`);
  }
  const rate = n / ((performance.now() - t0) / 1000);
  checkDone(b);
  return rate;
}

/** Fault cycles per second through runSync, over `n` fresh pages. */
export function resultCycles(snapshots: boolean, n: number): number {
  const { b, area, src } = setup(n, snapshots);
  const read: Operation = { op: 'read', fd: 'uffd' };
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const addr = area + i * PAGE;
    const touch = b.runSync({ op: 'touch', thread: 'T1', addr, access: 'read' });
    const msg = b.runSync(read);
    const copy = b.runSync({
      op: 'ioctl',
      fd: 'uffd',
      request: 'UFFDIO_COPY',
      arg: { dst: addr, src, len: PAGE },
    });
    if (!touch.blocked || msg.ret !== 32 || copy.ret !== 0)
      throw new Error(`cycle ${i} went wrong: ${copy.call}`);
  }
  const rate = n / ((performance.now() - t0) / 1000);
  checkDone(b);
  return rate;
}

const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function memoryNow(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

// A full collection before each reading: node exposes gc() once the flag is set at run time.
v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function settleGc(): void {
  gc();
  gc();
}

const MB = 1 << 20;

function memory(): Figure[] {
  const pages = 1_000_000;
  settleGc();
  const base = memoryNow();
  const { b } = setup(pages);
  settleGc();
  const mapped = memoryNow() - base;
  const r = b.runSync({
    op: 'ioctl',
    fd: 'uffd',
    request: 'UFFDIO_UNREGISTER',
    arg: { start: 'a', len: pages * PAGE },
  });
  if (r.ret !== 0) throw new Error('unregister failed');
  const t0 = performance.now();
  // A touch covers at most 1 GiB: four of them write every page.
  const chunk = 250_000 * PAGE;
  for (let off = 0; off < pages * PAGE; off += chunk) {
    const w = b.runSync({
      op: 'touch',
      thread: 'main',
      addr: `a+${off}`,
      access: 'write',
      len: chunk,
      value: 7,
    });
    if (w.ret !== 0) throw new Error(`populating failed: ${w.usageError?.message}`);
  }
  const populateMs = performance.now() - t0;
  settleGc();
  const populated = memoryNow() - base;
  const t1 = performance.now();
  const snap = b.snapshot();
  const snapMs = performance.now() - t1;
  const area = snap.areas.find((x) => x.name === 'a')!;
  settleGc();
  const withSnapshot = memoryNow() - base;
  return [
    { what: '1,000,000-page area, mapped and registered', value: mapped / MB, unit: 'MB' },
    {
      what: `1,000,000-page area, every page populated (four write touches, ${populateMs.toFixed(0)} ms)`,
      value: populated / MB,
      unit: 'MB',
      target: { value: MEMORY_TARGET / MB, better: 'lower' },
    },
    {
      what: `plus one snapshot of it (${snapMs.toFixed(0)} ms; ${area.pages.length} PAGE bytes, ${area.content.size} content tags)`,
      value: withSnapshot / MB,
      unit: 'MB',
    },
  ];
}

const SYS_CYCLES = 200_000;

async function run(): Promise<Figure[]> {
  const figures: Figure[] = [
    // Other work on the machine slows every figure here, the C loop's too.
    {
      what: `load average while measuring (${os.cpus().length} cores)`,
      value: os.loadavg()[0] ?? 0,
      unit: '',
    },
  ];
  // The C loop swings tenfold with where the scheduler puts its two threads: both figures count.
  const c = hasCompiler() ? cLoop() : undefined;
  if (c) {
    figures.push(
      {
        what: `real kernel, the C loop (fault-loop.c, ${C_PAGES} pages, median of 3)`,
        value: c.plain,
        unit: 'faults/s',
      },
      { what: 'real kernel, the C loop with its two threads on one CPU', value: c.pinned, unit: 'faults/s' },
    );
  } else {
    figures.push({
      what: 'real kernel, the C loop: not measured (no C compiler, cc)',
      value: 0,
      unit: 'faults/s',
    });
  }

  sysCycles(SYS_CYCLES); // warm-up: the JIT and the heap settle
  const sys = median([sysCycles(SYS_CYCLES), sysCycles(SYS_CYCLES), sysCycles(SYS_CYCLES)]);
  figures.push({
    what: `syscall layer: touch, poll, read, UFFDIO_COPY on bytes (${SYS_CYCLES.toLocaleString('en-US')} cycles, median of 3)`,
    value: sys,
    unit: 'cycles/s',
    target: { value: CYCLE_TARGET, better: 'higher' },
  });
  if (c) {
    figures.push(
      { what: 'syscall layer / the C loop', value: sys / c.plain, unit: '×' },
      { what: 'syscall layer / the C loop on one CPU', value: sys / c.pinned, unit: '×' },
    );
  }

  for (const snapshots of [false, true]) {
    const n = snapshots ? 5_000 : 100_000;
    const rate = resultCycles(snapshots, n);
    figures.push({
      what: `operation/Result layer (runSync), snapshots ${snapshots ? 'on' : 'off'}: touch, read, UFFDIO_COPY as operations (${n.toLocaleString('en-US')} cycles)`,
      value: rate,
      unit: 'cycles/s',
    });
  }
  return [...figures, ...memory()];
}

const bench: BenchModule = {
  name: "simulator: the fault cycle through the syscall layer and through runSync (beside the real kernel's C loop), and the memory of a 1,000,000-page area",
  run,
};

export default bench;
