// Hand-made results and snapshots for tests of the runner, the differ and the CLI's formatting:
// the shape both engines return, with only what a test needs filled in.

import type { Backend, BackendInfo } from '../model/backend';
import type { Operation } from '../model/operation';
import type { Result } from '../model/result';
import {
  PAGE,
  type AreaSnapshot,
  type Snapshot,
  type ThreadSnapshot,
  type UffdSnapshot,
} from '../model/snapshot';

export const P = PAGE;
export const MAPPED_MISSING = PAGE.MAPPED;
export const PRESENT = PAGE.MAPPED | PAGE.PRESENT;

export function area(
  name: string,
  start: bigint,
  pages: readonly number[],
  more: Partial<AreaSnapshot> = {},
): AreaSnapshot {
  const pageSize = more.pageSize ?? 4096;
  return {
    name,
    process: 'main',
    kind: 'anon',
    shared: false,
    prot: ['PROT_READ', 'PROT_WRITE'],
    start,
    len: BigInt(pages.length * pageSize),
    pageSize,
    pages: Uint8Array.from(pages),
    content: new Map(),
    ...more,
  };
}

export function uffd(name: string, fd: number, more: Partial<UffdSnapshot> = {}): UffdSnapshot {
  return {
    name,
    fd,
    mm: 'main',
    flags: 0,
    initialized: true,
    features: 0n,
    pending: [],
    waiting: [],
    events: [],
    ...more,
  };
}

export function thread(name: string, tid: number, more: Partial<ThreadSnapshot> = {}): ThreadSnapshot {
  return { name, process: 'main', tid, state: 'idle', ...more };
}

export function snapshot(more: Partial<Snapshot> = {}): Snapshot {
  return {
    pageSize: 4096,
    hugePageSize: 2 << 20,
    processes: [{ name: 'main', pid: 1000, alive: true }],
    areas: [],
    registrations: [],
    uffds: [],
    fds: [],
    threads: [thread('main', 1000)],
    ...more,
  };
}

export function result(op: Operation, more: Partial<Result> = {}): Result {
  return { op, call: op.op, ret: 0, snapshot: snapshot(), ...more };
}

/** A backend that answers each operation with the next of a list of results (or a function of it). */
export function scriptedBackend(
  answers: readonly (Result | ((op: Operation) => Result))[],
  info: Partial<BackendInfo> = {},
): Backend & { readonly ran: Operation[] } {
  const ran: Operation[] = [];
  return {
    ran,
    info: () => ({
      engine: 'simulator',
      kernelVersion: '6.18',
      pageSize: 4096,
      hugePageSize: 2 << 20,
      ...info,
    }),
    async run(op) {
      const a = answers[ran.length];
      ran.push(op);
      if (a === undefined) throw new Error(`no scripted answer for operation ${ran.length}`);
      return typeof a === 'function' ? a(op) : a;
    },
    async runBatch(ops) {
      const out: Result[] = [];
      for (const op of ops) out.push(await this.run(op));
      return out;
    },
    async reset() {},
    async dispose() {},
  };
}
