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
import type { Bench } from './main';

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

/** Seconds of CPU (user + system) since `from`: steadier than wall time on a shared machine. */
function cpuSeconds(from: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(from);
  return (c.user + c.system) / 1e6;
}

interface Rate {
  readonly wall: number;
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
  const cpu = cpuSeconds(c0);
  const wall = (performance.now() - t0) / 1000;
  const done = b.snapshot().threads.find((t) => t.name === 'T1');
  if (done?.state !== 'done' || done.value !== 0x41) throw new Error('the last cycle did not complete');
  return { wall: n / wall, cpu: n / cpu };
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

const mb = (bytes: number): string => `${(bytes / (1 << 20)).toFixed(1)} MB`;

function memory(): void {
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
  const ratio = (populated / MEMORY_TARGET).toFixed(2);
  console.log(`  1,000,000-page area, mapped and registered:  ${mb(mapped)}`);
  console.log(
    `  every page populated (one write touch, ${populateMs.toFixed(0)} ms): ${mb(populated)}  (${ratio} of the ${mb(MEMORY_TARGET)} target)`,
  );
  console.log(
    `  plus one snapshot of it (${snapMs.toFixed(0)} ms; ${area.pages.length} PAGE bytes, ${area.content.size} content tags): ${mb(withSnapshot)}`,
  );
}

const bench: Bench = {
  name: 'simulator',
  what: 'fault cycles per second through runSync, and the memory of a 1,000,000-page area',
  run() {
    cycles(false, 20_000);
    const load = loadAverage();
    console.log(
      `  (load average ${load.toFixed(1)} on ${cores()} cores while measuring; CPU time is per process)`,
    );
    for (const snapshots of [false, true]) {
      const n = snapshots ? 5_000 : 200_000;
      const rate = cycles(snapshots, n);
      const vsTarget = (rate.wall / CYCLE_TARGET).toFixed(2);
      const vsKernel = (rate.wall / KERNEL_RATE).toFixed(1);
      console.log(
        `  fault cycles, snapshots ${snapshots ? 'on ' : 'off'}: ${fmt(rate.wall)}/s wall, ${fmt(rate.cpu)} per CPU-second, over ${fmt(n)} cycles (${vsTarget} of the ${fmt(CYCLE_TARGET)}/s target; ${vsKernel}× the kernel's ~${fmt(KERNEL_RATE)}/s)`,
      );
    }
    memory();
  },
};

const fmt = (n: number): string => Math.round(n).toLocaleString('en');

function loadAverage(): number {
  return os.loadavg()[0] ?? 0;
}

function cores(): number {
  return os.cpus().length;
}

export default bench;
