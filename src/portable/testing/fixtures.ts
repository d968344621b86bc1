// Hand-made snapshots and results for tests of what is drawn from them, before and beside the engines.

import { SIM_AREA_BASE } from '../model/layout';
import type { Operation } from '../model/operation';
import type { Result } from '../model/result';
import {
  PAGE,
  type AreaSnapshot,
  type Snapshot,
  type ThreadSnapshot,
  type UffdSnapshot,
} from '../model/snapshot';

export const BASE = SIM_AREA_BASE;
export const P = 4096n;

export interface AreaSpec {
  readonly name: string;
  readonly pages: number;
  readonly start?: bigint;
  readonly kind?: AreaSnapshot['kind'];
  readonly pageSize?: number;
  /** PAGE bits by page index; the others are MAPPED only (missing). */
  readonly bits?: Readonly<Record<number, number>>;
  readonly content?: Readonly<Record<number, string>>;
}

export function area(spec: AreaSpec): AreaSnapshot {
  const pages = new Uint8Array(spec.pages).fill(PAGE.MAPPED);
  for (const [i, b] of Object.entries(spec.bits ?? {})) pages[Number(i)] = b;
  const pageSize = spec.pageSize ?? 4096;
  return {
    name: spec.name,
    process: 'main',
    kind: spec.kind ?? 'anon',
    shared: false,
    prot: ['PROT_READ', 'PROT_WRITE'],
    start: spec.start ?? BASE,
    len: BigInt(spec.pages) * BigInt(pageSize),
    pageSize,
    pages,
    content: new Map(Object.entries(spec.content ?? {}).map(([i, c]) => [Number(i), c])),
  };
}

export function uffd(spec: Partial<UffdSnapshot> & { name: string }): UffdSnapshot {
  return {
    fd: 3,
    mm: 'main',
    flags: 0o4000,
    initialized: true,
    features: 0n,
    pending: [],
    waiting: [],
    events: [],
    ...spec,
  };
}

export function thread(spec: Partial<ThreadSnapshot> & { name: string }): ThreadSnapshot {
  return { process: 'main', tid: 1001, state: 'idle', ...spec };
}

export function snapshot(parts: Partial<Snapshot> = {}): Snapshot {
  return {
    pageSize: 4096,
    hugePageSize: 2 << 20,
    processes: [{ name: 'main', pid: 1000, alive: true }],
    areas: [],
    registrations: [],
    uffds: [],
    fds: [],
    threads: [thread({ name: 'main', tid: 1000 })],
    ...parts,
  };
}

export function result(op: Operation, snap: Snapshot, extra: Partial<Result> = {}): Result {
  return { op, call: op.op, ret: 0, snapshot: snap, ...extra };
}
