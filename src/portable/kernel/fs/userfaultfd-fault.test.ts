// The basic cycle of userfaultfd(2): a thread touches a missing page of a registered range and
// blocks; the monitor polls, reads the message, resolves it with UFFDIO_COPY, and the thread goes on.

import { describe, it } from 'vitest';
import { sim } from '../testing/sim-test';

const setup = () =>
  sim().mmap('a', 'anon', '4p').uffd('UFFD_FEATURE_THREAD_ID').register('a', '4p', 'MISSING').expectOk();

describe('a missing fault, read and resolved', () => {
  it('blocks the thread, queues one message and wakes it with the copied page', () => {
    setup()
      .touch('T1', 'a+1p+0x7b')
      .expectBlocked()
      // The thread's address is the page it waits on, whatever the byte (engine conventions).
      .expectThread('T1', 'blocked-fault', { address: 'a+1p', uffd: 'uffd' })
      .expectQueues('uffd', { pending: 1, waiting: 0 })
      .poll()
      .expectRevents(1)
      .read()
      .expectRet(32)
      .expectMsg({
        event: 'UFFD_EVENT_PAGEFAULT',
        'arg.pagefault.flags': 0,
        'arg.pagefault.address': 'a+1p',
        'arg.pagefault.feat.ptid': 1001,
      })
      .expectQueues('uffd', { pending: 0, waiting: 1 })
      .poll()
      .expectRevents(0)
      .copy('a+1p', '1p', { fill: 0x41 })
      .expectOk()
      .expectStruct({ copy: '1p' })
      .expectThread('T1', 'done', { value: 0x41 })
      .expectQueues('uffd', { pending: 0, waiting: 0 })
      .expectPage('a+1p', 'present', '41')
      .expectPage('a+0p', 'missing');
  });

  it('reports a write fault with UFFD_PAGEFAULT_FLAG_WRITE and stores the value once resolved', () => {
    setup()
      .write('T1', 'a+2p+5', 0x77)
      .read()
      .expectMsg({ 'arg.pagefault.flags': 'UFFD_PAGEFAULT_FLAG_WRITE', 'arg.pagefault.address': 'a+2p' })
      .zeropage('a+2p', '1p')
      .expectOk()
      .expectThread('T1', 'done')
      .expectPage('a+2p', 'present', '00 @5=77');
  });

  it('gives a thread blocked on hugetlb the huge page it waits on; the message has the exact byte with EXACT_ADDRESS', () => {
    sim()
      .mmap('h', 'hugetlb', '2h')
      .uffd('UFFD_FEATURE_EXACT_ADDRESS')
      .register('h', '2h', 'MISSING')
      .expectOk()
      .touch('T1', 'h+1h+3p+0x10')
      .expectThread('T1', 'blocked-fault', { address: 'h+1h' })
      .read()
      .expectMsg({ 'arg.pagefault.address': 'h+1h+3p+0x10' });
  });

  it('answers EEXIST for a second COPY of the same page, with copy = -EEXIST', () => {
    setup()
      .copy('a', '1p')
      .expectOk()
      .copy('a', '1p')
      .expectErrno('EEXIST')
      .expectStruct({ copy: '-EEXIST' });
  });
});
