// The fault paths under userfaultfd: anonymous memory, shmem (MISSING on a hole, MINOR on a cached
// page, fault-around, private mappings), and hugetlb (reference 1.6, 1.9, 1.13, the p3 and p5 probes).

import { describe, expect, it } from 'vitest';
import { PAGE } from '../../model/snapshot';
import { sim } from '../testing/sim-test';

describe('anonymous memory without userfaultfd', () => {
  it('maps the zero page on a read, a page of its own on a write', () => {
    sim()
      .mmap('a', 'anon', '2p')
      .touch('T1', 'a')
      .expectThread('T1', 'done', { value: 0 })
      .expectPage('a', 'zero', '00')
      .write('T1', 'a+8', 3)
      .expectPage('a', 'present', '00 @8=03')
      .write('T1', 'a+1p', 4, '1p')
      .expectPage('a+1p', 'present', '04');
  });

  it('refuses a touch that would raise SIGSEGV: a hole, or a write to a read-only mapping', () => {
    sim()
      .mmap('a', 'anon', '1p', { prot: ['PROT_READ'] })
      .touch('T1', 'a+1p')
      .expectUsage(/is not mapped/, 'addr')
      .write('T1', 'a')
      .expectUsage(/does not allow a write/)
      .check((s) => expect(s.threads.map((t) => t.name)).toEqual(['main']));
  });
});

const alias = () =>
  sim().mmap('a', 'memfd', '4p', { file: 'f' }).mmap('b', 'memfd', '4p', { file: 'f' }).uffd();

describe('minor faults on shmem (MINOR, UFFDIO_CONTINUE)', () => {
  it('a cached page missing from the registered mapping faults MINOR; CONTINUE maps it', () => {
    alias()
      .register('a', '4p', 'MINOR')
      .write('main', 'b+1p', 0x5c, '1p')
      .expectQueues('uffd', { pending: 0 })
      .expectPage('a+1p', 'cache-only', '5c')
      .touch('T1', 'a+1p')
      .read()
      .expectMsg({ 'arg.pagefault.flags': 'UFFD_PAGEFAULT_FLAG_MINOR', 'arg.pagefault.address': 'a+1p' })
      .continue('a+1p', '1p')
      .expectOk()
      .expectStruct({ mapped: '1p' })
      .expectThread('T1', 'done', { value: 0x5c })
      .continue('a+1p', '1p')
      .expectErrno('EEXIST');
  });

  it('a write makes it MINOR|WRITE', () => {
    alias()
      .register('a', '4p', 'MINOR')
      .write('main', 'b')
      .write('T1', 'a')
      .read()
      .expectMsg({ 'arg.pagefault.flags': 5 });
  });

  it('a hole in a MINOR-only range is no fault: the page is allocated', () => {
    alias()
      .register('a', '4p', 'MINOR')
      .touch('T1', 'a+2p')
      .expectThread('T1', 'done')
      .expectPage('b+2p', 'cache-only', '00');
  });
});

describe('missing faults on shmem', () => {
  it('a hole faults MISSING; COPY fills the page cache, which an alias then sees', () => {
    alias()
      .register('a', '4p', 'MISSING')
      .touch('T1', 'a')
      .read()
      .expectMsg({ 'arg.pagefault.flags': 0 })
      .copy('a', '1p', { fill: 0x21 })
      .expectThread('T1', 'done', { value: 0x21 })
      .expectPage('b', 'cache-only', '21');
  });

  it('COPY where the page cache has the page already: EEXIST', () => {
    alias()
      .register('a', '4p', 'MISSING')
      .write('main', 'b')
      .copy('a', '1p')
      .expectErrno('EEXIST')
      .expectStruct({ copy: '-EEXIST' });
  });

  it('past the end of the file COPY is EFAULT and a touch SIGBUS', () => {
    sim()
      .mmap('a', 'memfd', '2p', { fileSize: '1p' })
      .uffd()
      .register('a', '2p', 'MISSING')
      .copy('a+1p', '1p')
      .expectErrno('EFAULT')
      .expectStruct({ copy: '-EFAULT' })
      .copy('a', '2p')
      .expectErrno('EAGAIN')
      .expectStruct({ copy: '1p' })
      .touch('T1', 'a+1p+3')
      .expectThread('T1', 'sigbus', { address: 'a+1p+3', sigbusCode: 2 });
  });
});

describe('fault-around (64 KiB of cached neighbours on a file read)', () => {
  it('maps the cached pages of the 16-page block around a read', () => {
    sim()
      .mmap('a', 'memfd', '40p', { file: 'f' })
      .mmap('b', 'memfd', '40p', { file: 'f' })
      .write('main', 'b', 1, '40p')
      .touch('T1', 'a+17p')
      .expectPage('a+15p', 'cache-only')
      .expectPage('a+16p', 'present')
      .expectPage('a+31p', 'present')
      .expectPage('a+32p', 'cache-only');
  });

  it('is off for WP and MINOR registrations, on for MISSING (the neighbours map, then the hole faults)', () => {
    sim()
      .mmap('a', 'memfd', '4p', { file: 'f' })
      .mmap('b', 'memfd', '4p', { file: 'f' })
      .write('main', 'b+1p', 1, '3p')
      .uffd()
      .register('a', '4p', 'MISSING')
      .touch('T1', 'a')
      .expectThread('T1', 'blocked-fault')
      .expectPage('a+1p', 'present')
      .register('a', '4p', 'MINOR')
      .touch('T2', 'a+2p')
      .expectThread('T2', 'done');
  });
});

describe('private shmem mappings (memfd, shared: false)', () => {
  it('COPY makes a private page: the file is not filled', () => {
    sim()
      .mmap('p', 'memfd', '1p', { file: 'f', shared: false })
      .mmap('b', 'memfd', '1p', { file: 'f' })
      .uffd()
      .register('p', '1p', 'MISSING')
      .copy('p', '1p')
      .expectOk()
      .expectPageBits('p', PAGE.MAPPED | PAGE.PRESENT)
      .expectPage('b', 'missing');
  });

  it('a write copies the cached page: the file keeps its bytes', () => {
    sim()
      .mmap('p', 'memfd', '1p', { file: 'f', shared: false })
      .mmap('b', 'memfd', '1p', { file: 'f' })
      .write('main', 'b', 1, '1p')
      .write('main', 'p', 2)
      .expectPage('p', 'present', '01 @0=02')
      .expectPage('b', 'present', '01');
  });
});

describe('hugetlb', () => {
  const huge = () => sim().mmap('h', 'hugetlb', '2h').uffd().register('h', '2h', 'MISSING').expectOk();

  it('faults with the huge page address; COPY fills a whole huge page', () => {
    huge()
      .touch('T1', 'h+1h+5p+3')
      .read()
      .expectMsg({ 'arg.pagefault.address': 'h+1h' })
      .copy('h+1h', '1h')
      .expectOk()
      .expectStruct({ copy: '1h' })
      .expectThread('T1', 'done', { value: 0x41 })
      .expectPage('h+1h', 'present', '41');
  });

  it('refuses a COPY smaller than a huge page: EINVAL, copy = -EINVAL', () => {
    huge().copy('h', '1p').expectErrno('EINVAL').expectStruct({ copy: '-EINVAL' });
  });

  it('a forked child keeps the private huge pages (copy-on-write)', () => {
    huge().copy('h', '1h').fork('c').expectPage('c:h', 'present', '41').expectPage('c:h+1h', 'missing');
  });

  it('shared hugetlb has MINOR faults through an alias', () => {
    sim()
      .mmap('h', 'hugetlb', '1h', { shared: true, file: 'hf' })
      .mmap('g', 'hugetlb', '1h', { shared: true, file: 'hf' })
      .uffd()
      .register('h', '1h', 'MINOR')
      .write('main', 'g', 9)
      .touch('T1', 'h')
      .read()
      .expectMsg({ 'arg.pagefault.flags': 4 })
      .continue('h', '1h')
      .expectOk()
      .expectThread('T1', 'done', { value: 9 });
  });
});
