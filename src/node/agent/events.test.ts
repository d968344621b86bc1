import { describe, expect, it } from 'vitest';
import type { Snapshot, ThreadSnapshot, UffdSnapshot } from '../../portable/model/snapshot';
import { eventsBetween } from './events';

const snapshot = (threads: ThreadSnapshot[], uffds: UffdSnapshot[] = []): Snapshot => ({
  pageSize: 4096,
  hugePageSize: 2 << 20,
  processes: [],
  areas: [],
  registrations: [],
  uffds,
  fds: [],
  threads,
});
const thread = (name: string, state: ThreadSnapshot['state'], address?: bigint): ThreadSnapshot => ({
  name,
  process: 'main',
  tid: 1,
  state,
  ...(address !== undefined ? { address, uffd: 'uffd' } : {}),
});
const uffd = (pending: number, events: number): UffdSnapshot => ({
  name: 'uffd',
  fd: 3,
  mm: 'main',
  flags: 0,
  initialized: true,
  features: 0n,
  pending: Array.from({ length: pending }, () => ({ thread: 'T1', address: 0x1000n, flags: 0 })),
  waiting: [],
  events: Array.from({ length: events }, () => ({ thread: 'T2', event: 0x15 })),
});

describe('eventsBetween', () => {
  it('tells a thread that blocks, once, and again when it blocks elsewhere', () => {
    const blocked = snapshot([thread('T1', 'blocked-fault', 0x1000n)], [uffd(1, 0)]);
    expect(eventsBetween(undefined, blocked)).toEqual([
      { type: 'thread-blocked', thread: 'T1', process: 'main', in: 'fault', address: 0x1000n, uffd: 'uffd' },
      { type: 'readable', uffd: 'uffd', pending: 1, events: 0 },
    ]);
    expect(eventsBetween(blocked, blocked)).toEqual([]);
    const moved = snapshot([thread('T1', 'blocked-fault', 0x2000n)], [uffd(1, 0)]);
    expect(eventsBetween(blocked, moved).map((e) => e.type)).toEqual(['thread-blocked']);
  });

  it('tells a blocked or running thread that ends, not one that was already done', () => {
    const before = snapshot([
      thread('T1', 'blocked-event', 0x1000n),
      thread('T2', 'running'),
      thread('T3', 'done'),
    ]);
    const after = snapshot([
      thread('T1', 'done'),
      thread('T2', 'sigbus'),
      thread('T3', 'done'),
      thread('T4', 'done'),
    ]);
    expect(eventsBetween(before, after)).toEqual([
      { type: 'thread-finished', thread: 'T1', process: 'main', state: 'done' },
      { type: 'thread-finished', thread: 'T2', process: 'main', state: 'sigbus' },
    ]);
  });

  it('tells a uffd that becomes readable, not one that stays so', () => {
    expect(eventsBetween(snapshot([], [uffd(0, 0)]), snapshot([], [uffd(0, 2)]))).toEqual([
      { type: 'readable', uffd: 'uffd', pending: 0, events: 2 },
    ]);
    expect(eventsBetween(snapshot([], [uffd(1, 0)]), snapshot([], [uffd(2, 0)]))).toEqual([]);
  });
});
