// read(), poll() and the fault queues: several messages per read, faults before events, refiling
// read faults until woken, non-blocking and blocking fds (reference 2.1-2.4, probes 1.12 and 2.8).

import { describe, expect, it } from 'vitest';
import { sim } from '../testing/sim-test';

const setup = (features: string | string[] | number = 'UFFD_FEATURE_THREAD_ID', flags = ['O_NONBLOCK']) =>
  sim()
    .mmap('a', 'anon', '4p')
    .uffd(features, 'uffd', flags)
    .register('a', '4p', ['MISSING', 'WP'])
    .expectOk();

describe('read()', () => {
  it('refuses a buffer smaller than one message: EINVAL', () => {
    setup().touch('T1', 'a').read('uffd', 31).expectErrno('EINVAL');
  });

  it('answers EAGAIN on a non-blocking fd with nothing to read', () => {
    setup().read().expectErrno('EAGAIN');
  });

  it('on a blocking fd with nothing to read is not performed: blocked, ret -1, no errno', () => {
    setup(0, [])
      .read()
      .expectBlocked()
      .expectRet(-1)
      .check((_s, t) => expect(t.last.errno).toBeUndefined());
  });

  it('returns every message that fits, oldest first, and refiles the faults as waiting', () => {
    setup()
      .touch('T1', 'a+123')
      .write('T2', 'a+1p+77')
      .poll()
      .expectRevents(1)
      .expectQueues('uffd', { pending: 2, waiting: 0 })
      .read('uffd', 128)
      .expectRet(64)
      .expectMsgs([
        { 'arg.pagefault.flags': 0, 'arg.pagefault.address': 'a', 'arg.pagefault.feat.ptid': 1001 },
        { 'arg.pagefault.flags': 1, 'arg.pagefault.address': 'a+1p', 'arg.pagefault.feat.ptid': 1002 },
      ])
      .check((_s, t) => expect([...t.last.msgs![1]!.bytes.slice(28)]).toEqual([0, 0, 0, 0]))
      .expectQueues('uffd', { pending: 0, waiting: 2 })
      .poll()
      .expectRevents(0)
      .read()
      .expectErrno('EAGAIN');
  });

  it('reads only whole messages: 40 bytes give one', () => {
    setup()
      .touch('T1', 'a')
      .touch('T2', 'a+1p')
      .read('uffd', 40)
      .expectRet(32)
      .expectQueues('uffd', { pending: 1 });
  });

  it('delivers page faults before events, even when the event came first', () => {
    sim()
      .mmap('a', 'anon', '4p')
      .uffd('UFFD_FEATURE_EVENT_REMOVE')
      .register('a', '4p', 'MISSING')
      .madvise('a+2p', '1p', 'MADV_DONTNEED', 'M')
      .touch('T1', 'a')
      .read('uffd', 64)
      .expectMsgs([{ event: 'UFFD_EVENT_PAGEFAULT' }, { event: 'UFFD_EVENT_REMOVE' }])
      .expectThread('M', 'done');
  });
});

describe('poll()', () => {
  it('is POLLERR before UFFDIO_API and on a blocking fd', () => {
    sim().userfaultfd().poll().expectRevents(8);
    setup(0, []).poll().expectRevents(8).expectRet(1);
  });

  it('follows fcntl(F_SETFL): O_NONBLOCK off gives POLLERR, on again POLLIN', () => {
    setup()
      .touch('T1', 'a')
      .fcntl('uffd', 'F_GETFL')
      .expectRet(0x800)
      .fcntl('uffd', 'F_SETFL', 0)
      .poll()
      .expectRevents(8)
      .fcntl('uffd', 'F_SETFL', 'O_NONBLOCK')
      .poll()
      .expectRevents(1);
  });
});

describe('the fault message', () => {
  it('carries the exact address with EXACT_ADDRESS, and ptid 0 without THREAD_ID', () => {
    setup('UFFD_FEATURE_EXACT_ADDRESS')
      .touch('T1', 'a+2p+0x321')
      .read()
      .expectMsg({ 'arg.pagefault.address': 'a+2p+0x321', 'arg.pagefault.feat.ptid': 0 })
      .zeropage('a+2p', '1p')
      .expectThread('T1', 'done');
  });

  it('carried the exact address before 4.10 (the man page example), page-aligned after', () => {
    const t = (kernel: string) =>
      sim({ kernel })
        .mmap('a', 'anon', '1p')
        .uffd()
        .register('a', '1p', 'MISSING')
        .touch('T1', 'a+0x321')
        .read();
    t('4.9').expectMsg({ 'arg.pagefault.address': 'a+0x321' });
    t('4.10').expectMsg({ 'arg.pagefault.address': 'a' });
  });
});

describe('signals, SIGBUS and user-mode-only', () => {
  it('a signal takes an unread fault off the queue and the thread faults again', () => {
    setup()
      .touch('T1', 'a')
      .signal('T1')
      .expectQueues('uffd', { pending: 1, waiting: 0 })
      .read()
      .signal('T1')
      .expectQueues('uffd', { pending: 1, waiting: 0 })
      .read()
      .expectMsg({ 'arg.pagefault.address': 'a' });
  });

  it('UFFD_FEATURE_SIGBUS: the thread gets SIGBUS (BUS_ADRERR) at the exact address, nothing is queued', () => {
    setup('UFFD_FEATURE_SIGBUS')
      .touch('T1', 'a+1p+5')
      .expectOk()
      .expectThread('T1', 'sigbus', { address: 'a+1p+5', sigbusCode: 2 })
      .expectQueues('uffd', { pending: 0 })
      .read()
      .expectErrno('EAGAIN')
      .copy('a+1p', '1p')
      .touch('T1', 'a+1p')
      .expectThread('T1', 'done', { value: 0x41 });
  });

  it('a kernel access to a missing registered page: EFAULT with USER_MODE_ONLY or SIGBUS', () => {
    const t = (features: string | number, flags: string[]) =>
      sim()
        .mmap('a', 'anon', '2p')
        .mmap('s', 'anon', '1p')
        .uffd(features, 'uffd', flags)
        .register('a', '1p', 'MISSING')
        .register('s', '1p', 'MISSING')
        .copy('a', '1p', { src: 's' });
    t(0, ['O_NONBLOCK', 'UFFD_USER_MODE_ONLY']).expectErrno('EFAULT');
    t('UFFD_FEATURE_SIGBUS', ['O_NONBLOCK']).expectErrno('EFAULT');
    t(0, ['O_NONBLOCK']).expectUsage(/would block the monitor/, 'arg.src');
  });
});

describe('close()', () => {
  it('wakes every fault: they complete as ordinary faults (anonymous read: the zero page)', () => {
    setup()
      .touch('T1', 'a')
      .write('T2', 'a+1p', 9)
      .read()
      .close()
      .expectOk()
      .expectThread('T1', 'done', { value: 0 })
      .expectThread('T2', 'done')
      .expectPage('a', 'zero')
      .expectPage('a+1p', 'present', '00 @0=09')
      .expectRegistrations([])
      .read()
      .expectErrno('EBADF');
  });
});
