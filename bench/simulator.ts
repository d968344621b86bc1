// The simulator's speed and size, measured in this run:
// - full fault cycles per second (a thread touches a missing page → the monitor reads the message →
//   UFFDIO_COPY resolves and wakes it), through runSync like any operation, snapshots off and on;
// - the memory of a 1,000,000-page private anonymous area: mapped and registered, then every page
//   populated, measured as heap + ArrayBuffer growth.
// Targets: 1,000,000 cycles/s (50× the real kernel's ~20,000/s on these machines), ≤ 64 MB.

import os from 'node:os';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createSimulator, type SimBackend } from '../src/portable/kernel';
import type { Operation } from '../src/portable/model/operation';
import type { BenchModule, Figure } from './report';

const CYCLE_TARGET = 1_000_000;
const KERNEL_RATE = 20_000;
const MEMORY_TARGET = 64 << 20;
const PAGE = 4096;

function setup(b: SimBackend, pages: number): bigint {
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
  return b.snapshot().areas.find((x) => x.name === 's')!.start;
}

interface Rate {
  /** Cycles per second of wall time. */
  readonly wall: number;
  /** Cycles per second of this process's CPU time: steadier on a machine shared with others. */
  readonly cpu: number;
}

/** Fault cycles per second over `n` cycles on fresh pages. */
function cycles(snapshots: boolean, n: number): Rate {
  const b = createSimulator({ snapshots });
  const src = Number(setup(b, n));
  const a = Number(b.snapshot().areas.find((x) => x.name === 'a')!.start);
  const read: Operation = { op: 'read', fd: 'uffd' };
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const addr = a + i * PAGE;
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
  const cpu = process.cpuUsage(c0);
  const s = (performance.now() - t0) / 1000;
  const done = b.snapshot().threads.find((t) => t.name === 'T1');
  if (done?.state !== 'done' || done.value !== 0x41) throw new Error('the last cycle did not complete');
  return { wall: n / s, cpu: n / ((cpu.user + cpu.system) / 1e6) };
}

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
  const b = createSimulator({ snapshots: false });
  setup(b, pages);
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

const bench: BenchModule = {
  name: 'simulator: fault cycles per second through runSync, and the memory of a 1,000,000-page area',
  async run() {
    cycles(false, 20_000); // warm-up
    const figures: Figure[] = [
      // Other work on the machine slows wall time; CPU time shows the simulator's own cost.
      {
        what: `load average while measuring (${os.cpus().length} cores)`,
        value: os.loadavg()[0] ?? 0,
        unit: '',
      },
    ];
    for (const snapshots of [false, true]) {
      const n = snapshots ? 5_000 : 200_000;
      const rate = cycles(snapshots, n);
      const label = `fault cycles, snapshots ${snapshots ? 'on' : 'off'} (${n.toLocaleString('en-US')} cycles`;
      figures.push(
        {
          what: `${label}; ${(rate.wall / KERNEL_RATE).toFixed(1)}× the kernel's ~20,000/s)`,
          value: rate.wall,
          unit: 'cycles/s',
          target: { value: CYCLE_TARGET, better: 'higher' },
        },
        { what: `${label}, per second of CPU)`, value: rate.cpu, unit: 'cycles/s' },
      );
    }
    return [...figures, ...memory()];
  },
};

export default bench;
