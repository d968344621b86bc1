// UFFDIO_WRITEPROTECT, write-protect faults, WP_UNPOPULATED, WP_ASYNC and PTE markers; UFFDIO_WAKE
// (reference 1.5, 1.8, probes 1.12, 1.13, 2.8 and the p2 probe of anonymous markers).

import { describe, it } from 'vitest';
import { PAGE } from '../../model/snapshot';
import { sim } from '../testing/sim-test';

const WP = 'UFFDIO_WRITEPROTECT_MODE_WP';
const DONTWAKE = 'UFFDIO_WRITEPROTECT_MODE_DONTWAKE';

const populated = (features: string | string[] = 'UFFD_FEATURE_PAGEFAULT_FLAG_WP') =>
  sim()
    .mmap('a', 'anon', '4p')
    .write('main', 'a', 0x10, '2p')
    .uffd(features)
    .register('a', '4p', ['MISSING', 'WP'])
    .expectOk();

describe('UFFDIO_WRITEPROTECT errors (probe 1.12)', () => {
  it('on a range not registered for WP: ENOENT; with no vma at all: ENOENT', () => {
    sim()
      .mmap('a', 'anon', '1p')
      .uffd()
      .register('a', '1p', 'MISSING')
      .writeprotect('a', '1p', WP)
      .expectErrno('ENOENT')
      .writeprotect('a+1p', '1p', WP)
      .expectErrno('ENOENT');
  });

  it('refuses WP|DONTWAKE and unknown mode bits: EINVAL', () => {
    populated()
      .writeprotect('a', '1p', [WP, DONTWAKE])
      .expectErrno('EINVAL')
      .writeprotect('a', '1p', 4)
      .expectErrno('EINVAL');
  });

  it('protects and un-protects populated and unpopulated pages alike: 0', () => {
    populated()
      .writeprotect('a', '4p', WP)
      .expectOk()
      .expectPage('a', 'write-protected')
      .expectPage('a+3p', 'missing')
      .writeprotect('a', '4p', 0)
      .expectOk()
      .expectPage('a', 'present');
  });

  it('stops at the first vma not registered for WP, keeping what it already changed', () => {
    populated()
      .unregister('a+2p', '2p')
      .register('a+2p', '2p', 'MISSING')
      .writeprotect('a', '4p', WP)
      .expectErrno('ENOENT')
      .expectPage('a+1p', 'write-protected');
  });

  it('needs whole huge pages on hugetlb', () => {
    sim()
      .mmap('h', 'hugetlb', '2h')
      .uffd()
      .register('h', '2h', 'WP')
      .writeprotect('h', '1p', WP)
      .expectErrno('EINVAL')
      .writeprotect('h', '1h', WP)
      .expectOk();
  });
});

describe('write-protect faults', () => {
  it('a write to a protected page reports WRITE|WP; un-protecting wakes the writer', () => {
    populated()
      .writeprotect('a', '1p', WP)
      .write('T1', 'a+8', 0x99)
      .expectThread('T1', 'blocked-fault')
      .read()
      .expectMsg({
        'arg.pagefault.flags': ['UFFD_PAGEFAULT_FLAG_WRITE', 'UFFD_PAGEFAULT_FLAG_WP'],
        'arg.pagefault.address': 'a',
      })
      .writeprotect('a', '1p', 0)
      .expectOk()
      .expectThread('T1', 'done')
      .expectPage('a', 'present', '10 @8=99');
  });

  it('reads of a protected page go on; protecting never wakes anyone', () => {
    populated()
      .writeprotect('a', '1p', WP)
      .touch('T1', 'a')
      .expectThread('T1', 'done', { value: 0x10 })
      .write('T2', 'a')
      .writeprotect('a', '1p', WP)
      .expectThread('T2', 'blocked-fault');
  });

  it('un-protecting with DONTWAKE leaves the writer asleep until UFFDIO_WAKE', () => {
    populated()
      .writeprotect('a', '1p', WP)
      .write('T1', 'a')
      .writeprotect('a', '1p', DONTWAKE)
      .expectThread('T1', 'blocked-fault')
      .wake('a', '1p')
      .expectThread('T1', 'done');
  });

  it('COPY with MODE_WP maps the page protected: the next write faults', () => {
    populated()
      .copy('a+2p', '1p', { mode: 'UFFDIO_COPY_MODE_WP' })
      .expectOk()
      .expectPage('a+2p', 'write-protected', '41')
      .write('T1', 'a+2p')
      .read()
      .expectMsg({ 'arg.pagefault.flags': 3 });
  });

  it('a page mapped by ZEROPAGE carries no uffd-wp bit: writes go on', () => {
    populated().zeropage('a+2p', '1p').write('T1', 'a+2p').expectThread('T1', 'done');
  });

  it('a read of an unpopulated MISSING|WP page is a MISSING fault', () => {
    populated().touch('T1', 'a+3p').read().expectMsg({ 'arg.pagefault.flags': 0 });
  });

  it('UNREGISTER and close() drop the protection', () => {
    populated()
      .writeprotect('a', '2p', WP)
      .unregister('a', '1p')
      .expectPage('a', 'present')
      .close()
      .expectPage('a+1p', 'present');
  });
});

describe('unpopulated anonymous pages', () => {
  const wpOnly = (features: string[]) =>
    sim()
      .mmap('a', 'anon', '4p')
      .uffd(features)
      .register('a', '4p', 'WP')
      .writeprotect('a', '4p', WP)
      .expectOk();

  it('without WP_UNPOPULATED are not protected: a write just allocates', () => {
    wpOnly(['UFFD_FEATURE_PAGEFAULT_FLAG_WP'])
      .expectPage('a', 'missing')
      .write('T1', 'a')
      .expectThread('T1', 'done');
  });

  it('with WP_UNPOPULATED carry a marker: a write allocates the page protected, then faults', () => {
    wpOnly(['UFFD_FEATURE_WP_UNPOPULATED'])
      .expectPageBits('a', PAGE.MAPPED | PAGE.UFFD_WP)
      .write('T1', 'a', 7)
      .expectThread('T1', 'blocked-fault')
      .expectPageBits('a', PAGE.MAPPED | PAGE.PRESENT | PAGE.UFFD_WP)
      .read()
      .expectMsg({ 'arg.pagefault.flags': 3 })
      .writeprotect('a', '1p', 0)
      .expectThread('T1', 'done')
      .expectPage('a', 'present', '00 @0=07');
  });

  it('with WP_UNPOPULATED a read maps the zero page, still protected', () => {
    wpOnly(['UFFD_FEATURE_WP_UNPOPULATED'])
      .touch('T1', 'a+1p')
      .expectThread('T1', 'done', { value: 0 })
      .expectPageBits('a+1p', PAGE.MAPPED | PAGE.PRESENT | PAGE.ZERO | PAGE.UFFD_WP)
      .zeropage('a+2p', '1p')
      .expectErrno('EEXIST');
  });

  it('MADV_DONTNEED drops the markers of anonymous memory', () => {
    wpOnly(['UFFD_FEATURE_WP_UNPOPULATED']).madvise('a', '1p', 'MADV_DONTNEED').expectPage('a', 'missing');
  });
});

describe('WP_ASYNC (6.7)', () => {
  it('resolves write-protect faults itself: no message, the write goes on, the bit is gone', () => {
    sim()
      .mmap('a', 'anon', '2p')
      .write('main', 'a', 1, '2p')
      .uffd('UFFD_FEATURE_WP_ASYNC')
      .register('a', '2p', 'WP')
      .writeprotect('a', '2p', WP)
      .write('T1', 'a', 5)
      .expectThread('T1', 'done')
      .expectPage('a', 'present', '01 @0=05')
      .expectPage('a+1p', 'write-protected')
      .read()
      .expectErrno('EAGAIN');
  });
});

describe('write protection on shmem (PTE markers, 5.19)', () => {
  it('protects unpopulated pages with markers: a write faults with WRITE|WP', () => {
    sim()
      .mmap('a', 'memfd', '4p')
      .uffd()
      .register('a', '4p', 'WP')
      .writeprotect('a', '4p', WP)
      .expectOk()
      .expectPageBits('a+1p', PAGE.MAPPED | PAGE.UFFD_WP)
      .write('T1', 'a+1p')
      .read()
      .expectMsg({ 'arg.pagefault.flags': 3, 'arg.pagefault.address': 'a+1p' });
  });

  it('keeps the marker where MADV_DONTNEED zaps a protected page', () => {
    sim()
      .mmap('a', 'memfd', '1p')
      .write('main', 'a')
      .uffd()
      .register('a', '1p', 'WP')
      .writeprotect('a', '1p', WP)
      .madvise('a', '1p', 'MADV_DONTNEED')
      .expectPageBits('a', PAGE.MAPPED | PAGE.UFFD_WP | PAGE.CACHED);
  });
});

describe('UFFDIO_WAKE', () => {
  it('len 0 is EINVAL; an unregistered or unmapped range is fine (0)', () => {
    sim()
      .mmap('a', 'anon', '1p')
      .uffd()
      .wake('a', 0)
      .expectErrno('EINVAL')
      .wake('a', '1p')
      .expectOk()
      .wake(0, '1p')
      .expectOk();
  });

  it('wakes without resolving: the thread faults again and a new message is queued', () => {
    sim()
      .mmap('a', 'anon', '1p')
      .uffd()
      .register('a', '1p', 'MISSING')
      .touch('T1', 'a')
      .read()
      .expectQueues('uffd', { pending: 0, waiting: 1 })
      .wake('a', '1p')
      .expectThread('T1', 'blocked-fault')
      .expectQueues('uffd', { pending: 1, waiting: 0 })
      .read()
      .expectMsg({ 'arg.pagefault.address': 'a' });
  });

  it('also takes a fault never read off the pending queue', () => {
    sim()
      .mmap('a', 'anon', '2p')
      .uffd()
      .register('a', '2p', 'MISSING')
      .touch('T1', 'a')
      .touch('T2', 'a+1p')
      .copy('a', '1p')
      .expectQueues('uffd', { pending: 1 })
      .read()
      .expectMsg({ 'arg.pagefault.address': 'a+1p' });
  });
});
