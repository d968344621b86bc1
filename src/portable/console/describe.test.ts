import { describe, expect, it } from 'vitest';
import { encodeMsg, decodeMsg } from '../uapi/msg';
import { encodeStruct, STRUCTS } from '../uapi/structs';
import { ERRNO } from '../uapi/errno';
import { UFFD_EVENT_PAGEFAULT, UFFD_PAGEFAULT_FLAG_WRITE } from '../uapi/userfaultfd';
import { area, BASE, P, result, snapshot } from '../testing/fixtures';
import { relativeAddress } from './address';
import { describeResult } from './describe';

const snap = snapshot({
  areas: [area({ name: 'a', pages: 4 }), area({ name: 'b', pages: 2, start: BASE + 0x1000000n })],
});
const texts = (r: Parameters<typeof describeResult>[0]) => describeResult(r).map((l) => l.text);

describe('relative addresses', () => {
  it('names the area and the page', () => {
    expect(relativeAddress(BASE, snap.areas)).toBe('a');
    expect(relativeAddress(BASE + 3n * P + 0x7bn, snap.areas)).toBe('a+3p+0x7b');
    expect(relativeAddress(BASE + 0x1000000n + P, snap.areas)).toBe('b+1p');
    expect(relativeAddress(BASE + 4n * P, snap.areas)).toBe('a+4p');
    expect(relativeAddress(0x1000n, snap.areas)).toBe('0x1000');
  });
});

describe('a result as the console prints it', () => {
  const copy = { op: 'ioctl', fd: 'uffd', request: 'UFFDIO_COPY', arg: {} } as const;
  const layout = STRUCTS.uffdio_copy;
  const before = { dst: BASE + P, src: BASE, len: P, mode: 0n, copy: 0n };

  it('shows the output field the kernel wrote', () => {
    const after = { ...before, copy: 4096n };
    const r = result(copy, snap, {
      struct: {
        name: 'uffdio_copy',
        before,
        after,
        beforeBytes: encodeStruct(layout, before),
        afterBytes: encodeStruct(layout, after),
      },
    });
    expect(texts(r)).toEqual(['= 0', '  copy: 0 → 4096']);
  });

  it('names the errno and what it means for this ioctl', () => {
    const after = { ...before, copy: -17n };
    const r = result(copy, snap, {
      ret: -1,
      errno: ERRNO.EEXIST,
      struct: {
        name: 'uffdio_copy',
        before,
        after,
        beforeBytes: encodeStruct(layout, before),
        afterBytes: encodeStruct(layout, after),
      },
    });
    const out = texts(r);
    expect(out[0]).toBe('= -1 EEXIST (File exists)');
    expect(out[1]).toMatch(/already mapped/);
    expect(out).toContain('  copy: 0 → -EEXIST (-17)');
  });

  it('decodes the messages read, with flag names and relative addresses', () => {
    const msg = decodeMsg(
      encodeMsg(UFFD_EVENT_PAGEFAULT, {
        'arg.pagefault.flags': BigInt(UFFD_PAGEFAULT_FLAG_WRITE),
        'arg.pagefault.address': BASE + P,
        'arg.pagefault.feat.ptid': 1001,
      }),
    );
    const r = result({ op: 'read', fd: 'uffd' }, snap, { ret: 32, msgs: [msg] });
    expect(texts(r)).toEqual([
      '= 32',
      '  UFFD_EVENT_PAGEFAULT flags=UFFD_PAGEFAULT_FLAG_WRITE address=a+1p ptid=1001',
    ]);
  });

  it('says who blocked, and what was not run', () => {
    const blocked = snapshot({
      areas: snap.areas,
      threads: [
        {
          name: 'T1',
          process: 'main',
          tid: 1001,
          state: 'blocked-fault',
          address: BASE + P,
          uffd: 'uffd',
          since: 1,
        },
      ],
    });
    const touch = result({ op: 'touch', thread: 'T1', addr: 'a+1p', access: 'read' }, blocked, {
      blocked: true,
    });
    expect(texts(touch)).toEqual(['T1 blocks in a fault at a+1p', '= 0']);
    const read = result({ op: 'read', fd: 'uffd' }, snap, { ret: -1, blocked: true });
    expect(texts(read)).toEqual(['would block: nothing to read on a blocking fd (not performed)']);
    const bad = result({ op: 'close', fd: 'nope' }, snap, {
      ret: -1,
      usageError: { message: "no fd named 'nope'", field: 'fd' },
    });
    expect(describeResult(bad)).toEqual([{ text: "not run: no fd named 'nope' (fd)", tone: 'error' }]);
    expect(texts(result({ op: 'poll', fd: 'uffd' }, snap, { ret: 1, revents: 1 }))).toEqual([
      '= 1',
      '  revents = POLLIN',
    ]);
  });
});
