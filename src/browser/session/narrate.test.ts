import { describe, expect, it } from 'vitest';
import { area, BASE, P, result, snapshot, thread, uffd } from '../../portable/testing/fixtures';
import { PAGE } from '../../portable/model/snapshot';
import { ERRNO } from '../../portable/uapi/errno';
import { encodeStruct, STRUCTS } from '../../portable/uapi/structs';
import { narrate } from './narrate';
import { diffSnapshots } from './snapshot-diff';

const before = snapshot({ areas: [area({ name: 'a', pages: 4 })], uffds: [uffd({ name: 'uffd' })] });
const blocked = snapshot({
  areas: before.areas,
  uffds: [uffd({ name: 'uffd', pending: [{ thread: 'T1', address: BASE + P, flags: 0 }] })],
  threads: [
    ...before.threads,
    thread({ name: 'T1', state: 'blocked-fault', address: BASE + P, uffd: 'uffd', since: 3 }),
  ],
});
const resolved = snapshot({
  areas: [area({ name: 'a', pages: 4, bits: { 1: PAGE.MAPPED | PAGE.PRESENT }, content: { 1: '41' } })],
  registrations: [{ process: 'main', start: BASE, end: BASE + 4n * P, uffd: 'uffd', mode: 1n }],
  uffds: [uffd({ name: 'uffd' })],
  threads: [...before.threads, thread({ name: 'T1', state: 'done', value: 0x41 })],
});

describe('narration', () => {
  it('tells a fault as a teacher would', () => {
    const r = result({ op: 'touch', thread: 'T1', addr: 'a+1p', access: 'read' }, blocked, { blocked: true });
    expect(narrate(r, before)).toBe('T1 reads a+1p. T1 blocks in a page fault at a+1p, queued on uffd.');
  });

  it('tells a resolution, with the output field and who woke', () => {
    const layout = STRUCTS.uffdio_copy;
    const inn = { dst: BASE + P, src: BASE, len: P, mode: 0n, copy: 0n };
    const out = { ...inn, copy: 4096n };
    const r = result({ op: 'ioctl', fd: 'uffd', request: 'UFFDIO_COPY' }, resolved, {
      struct: {
        name: 'uffdio_copy',
        before: inn,
        after: out,
        beforeBytes: encodeStruct(layout, inn),
        afterBytes: encodeStruct(layout, out),
      },
    });
    expect(narrate(r, blocked)).toBe(
      'UFFDIO_COPY on uffd copies the data in: copy = 4096 (1p). T1 wakes and finishes.',
    );
  });

  it('explains an errno by what it means for the call', () => {
    const r = result({ op: 'ioctl', fd: 'uffd', request: 'UFFDIO_COPY' }, resolved, {
      ret: -1,
      errno: ERRNO.EEXIST,
    });
    expect(narrate(r, resolved)).toMatch(
      /^UFFDIO_COPY on uffd copies the data in — and fails with EEXIST: The first page of the range is already mapped/,
    );
  });

  it('says when nothing ran', () => {
    const r = result({ op: 'close', fd: 'x' }, before, {
      ret: -1,
      usageError: { message: "no fd named 'x'" },
    });
    expect(narrate(r, before)).toBe("Not run: no fd named 'x'.");
  });
});

describe('what changed', () => {
  it('lists pages, threads, queues and registrations that changed', () => {
    const c = diffSnapshots(blocked, resolved);
    expect(c.pages).toEqual([{ area: 'a', page: 1, from: 'missing', to: 'present', content: '41' }]);
    expect(c.pageCount).toBe(1);
    expect(c.threads).toEqual([{ name: 'T1', from: 'blocked-fault', to: 'done' }]);
    expect(c.queues).toEqual(['uffd: pending 1 → 0']);
    expect(c.registered).toEqual(['a (4p) MISSING on uffd']);
    expect(diffSnapshots(resolved, blocked).unregistered).toEqual(['a (4p) MISSING on uffd']);
  });

  it('counts every changed page of a large area but lists only the first ones', () => {
    const big = area({ name: 'a', pages: 65536 });
    const after = area({
      name: 'a',
      pages: 65536,
      bits: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [i * 7, PAGE.MAPPED | PAGE.PRESENT])),
    });
    const c = diffSnapshots(snapshot({ areas: [big] }), snapshot({ areas: [after] }), 10);
    expect(c.pageCount).toBe(1000);
    expect(c.pages).toHaveLength(10);
  });
});

describe('narration of a read', () => {
  it('says whose fault the message is, and that the thread waits on', async () => {
    const { decodeMsg, encodeMsg } = await import('../../portable/uapi/msg');
    const msg = decodeMsg(encodeMsg(0x12, { 'arg.pagefault.flags': 1n, 'arg.pagefault.address': BASE + P }));
    const after = snapshot({
      areas: before.areas,
      uffds: [uffd({ name: 'uffd', waiting: [{ thread: 'T1', address: BASE + P, flags: 1 }] })],
      threads: blocked.threads,
    });
    const r = result({ op: 'read', fd: 'uffd' }, after, { ret: 32, msgs: [msg] });
    expect(narrate(r, blocked)).toBe(
      "Reads uffd: T1's missing-page fault on a write at a+1p; T1 stays blocked until the monitor resolves it.",
    );
  });
});
