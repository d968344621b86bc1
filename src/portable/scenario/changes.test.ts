import { describe, expect, it } from 'vitest';
import { collectPlacements } from '../diff/address';
import { PAGE } from '../model/snapshot';
import { snapshotChanges } from './changes';
import { MAPPED_MISSING, pagesArea, PRESENT, snapshot, thread, uffd } from './testing';

const A = 0x100000000000n;

describe('snapshotChanges', () => {
  it('says what a step changed: page runs, threads, registrations, queues', () => {
    const before = snapshot({
      areas: [pagesArea('a', A, [MAPPED_MISSING, MAPPED_MISSING, MAPPED_MISSING, MAPPED_MISSING])],
      uffds: [uffd({ name: 'uffd', fd: 3, waiting: [{ thread: 'T1', address: A, flags: 0 }] })],
      threads: [thread({ name: 'T1', tid: 7, state: 'blocked-fault', address: A + 0x10n })],
    });
    const after = snapshot({
      areas: [
        pagesArea('a', A, [PRESENT, PRESENT, PRESENT, PAGE.MAPPED | PAGE.POISONED], {
          content: new Map([
            [0, '41'],
            [1, '41'],
            [2, '42'],
          ]),
        }),
        pagesArea('$src', A + 0x800000n, [PRESENT]),
      ],
      registrations: [{ process: 'main', start: A, end: A + 0x4000n, uffd: 'uffd', mode: 1n }],
      uffds: [uffd({ name: 'uffd', fd: 3 })],
      threads: [thread({ name: 'T1', tid: 7, state: 'done', value: 0x41 })],
    });
    expect(snapshotChanges(before, after, collectPlacements([after]))).toEqual([
      'page a..a+2p: missing -> present (41)',
      'page a+2p: missing -> present (42)',
      'page a+3p: missing -> poisoned',
      'thread T1: blocked-fault at a+0x10 -> done (read 0x41)',
      'registered a..a+4p UFFDIO_REGISTER_MODE_MISSING on uffd',
      'queue uffd.waiting: 1 -> 0',
    ]);
  });

  it('reports nothing for a step that changed nothing', () => {
    const s = snapshot({ areas: [pagesArea('a', A, [PRESENT])] });
    expect(snapshotChanges(s, s, collectPlacements([s]))).toEqual([]);
  });
});
