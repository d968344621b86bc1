import { describe, expect, it } from 'vitest';
import { area, BASE, P, snapshot, uffd } from '../../portable/testing/fixtures';
import {
  UFFD_PAGEFAULT_FLAG_MINOR,
  UFFD_PAGEFAULT_FLAG_WP,
  UFFD_PAGEFAULT_FLAG_WRITE,
  UFFD_EVENT_REMOVE,
} from '../../portable/uapi/userfaultfd';
import { nextMonitorStep } from './auto-monitor';

const a = area({ name: 'a', pages: 4 });
const fault = (flags: number, address = BASE + P) => ({ thread: 'T1', address, flags });

describe('the auto monitor', () => {
  it('has nothing to do on a quiet session', () => {
    expect(nextMonitorStep(snapshot({ areas: [a], uffds: [uffd({ name: 'uffd' })] }))).toBeUndefined();
  });

  it('reads first, whether faults or events are waiting', () => {
    expect(nextMonitorStep(snapshot({ uffds: [uffd({ name: 'uffd', pending: [fault(0)] })] }))).toEqual({
      op: 'read',
      fd: 'uffd',
    });
    expect(
      nextMonitorStep(
        snapshot({ uffds: [uffd({ name: 'u', events: [{ thread: 'T1', event: UFFD_EVENT_REMOVE }] })] }),
      ),
    ).toEqual({
      op: 'read',
      fd: 'u',
    });
  });

  it('leaves a uffd without the handshake alone', () => {
    expect(
      nextMonitorStep(snapshot({ uffds: [uffd({ name: 'u', initialized: false, pending: [fault(0)] })] })),
    ).toBeUndefined();
  });

  it('copies a page in for a missing fault it has read, at the page start', () => {
    const s = snapshot({
      areas: [a],
      uffds: [uffd({ name: 'uffd', waiting: [fault(UFFD_PAGEFAULT_FLAG_WRITE, BASE + P + 0x7bn)] })],
    });
    expect(nextMonitorStep(s)).toEqual({
      op: 'ioctl',
      fd: 'uffd',
      request: 'UFFDIO_COPY',
      arg: { dst: 'a+1p', src: { fill: 0x41 }, len: '1p', mode: 0 },
    });
  });

  it('continues a minor fault and un-protects a write-protect fault', () => {
    const minor = snapshot({
      areas: [a],
      uffds: [uffd({ name: 'uffd', waiting: [fault(UFFD_PAGEFAULT_FLAG_MINOR)] })],
    });
    expect(nextMonitorStep(minor)).toMatchObject({
      request: 'UFFDIO_CONTINUE',
      arg: { range: { start: 'a+1p', len: '1p' }, mode: 0 },
    });
    const wp = snapshot({
      areas: [a],
      uffds: [uffd({ name: 'uffd', waiting: [fault(UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_WRITE)] })],
    });
    expect(nextMonitorStep(wp)).toMatchObject({
      request: 'UFFDIO_WRITEPROTECT',
      arg: { range: { start: 'a+1p' }, mode: 0 },
    });
  });

  it('resolves a hugetlb fault a huge page at a time', () => {
    const h = area({ name: 'h', pages: 2, pageSize: 2 << 20, kind: 'hugetlb' });
    const s = snapshot({
      areas: [h],
      uffds: [uffd({ name: 'uffd', waiting: [fault(0, BASE + (2n << 20n) + 5n * P)] })],
    });
    expect(nextMonitorStep(s)).toMatchObject({ arg: { dst: 'h+1h', len: '1h' } });
  });
});
