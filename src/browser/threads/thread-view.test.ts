import { describe, expect, it } from 'vitest';
import { area, BASE, P, snapshot, thread, uffd } from '../../portable/testing/fixtures';
import { UFFD_EVENT_REMOVE } from '../../portable/uapi/userfaultfd';
import { blockedSteps, threadDetail } from './thread-view';

describe('a thread lane', () => {
  const a = area({ name: 'a', pages: 4 });
  it('says where a blocked thread waits, whether the monitor read it, and for how long', () => {
    const t = thread({
      name: 'T1',
      state: 'blocked-fault',
      address: BASE + P,
      uffd: 'uffd',
      since: 3,
      doing: 'read a+1p',
    });
    const pending = snapshot({
      areas: [a],
      uffds: [uffd({ name: 'uffd', pending: [{ thread: 'T1', address: BASE + P, flags: 0 }] })],
      threads: [t],
    });
    expect(threadDetail(t, pending)).toBe('read a+1p · on uffd · not read yet');
    const read = snapshot({
      areas: [a],
      uffds: [uffd({ name: 'uffd', waiting: [{ thread: 'T1', address: BASE + P, flags: 0 }] })],
      threads: [t],
    });
    expect(threadDetail(t, read)).toContain('read by the monitor');
    expect(blockedSteps(t, 4)).toBe(0);
    expect(blockedSteps(t, 7)).toBe(3);
    expect(blockedSteps(thread({ name: 'x', state: 'done' }), 7)).toBeUndefined();
  });

  it('names the event a thread waits for, and what a finished read returned', () => {
    const t = thread({ name: 'T2', state: 'blocked-event', doing: 'madvise' });
    const s = snapshot({
      uffds: [uffd({ name: 'uffd', events: [{ thread: 'T2', event: UFFD_EVENT_REMOVE }] })],
      threads: [t],
    });
    expect(threadDetail(t, s)).toBe('UFFD_EVENT_REMOVE on uffd');
    expect(threadDetail(thread({ name: 'T3', state: 'done', value: 0x41 }), s)).toBe('read 0x41');
    expect(
      threadDetail(
        thread({ name: 'T4', state: 'sigbus', address: BASE, sigbusCode: 2 }),
        snapshot({ areas: [a] }),
      ),
    ).toBe('at a · BUS_ADRERR');
  });
});
