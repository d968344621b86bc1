// UFFDIO_COPY, ZEROPAGE, CONTINUE and POISON: errno per path, the result field, partial progress,
// waking (reference 1.6-1.10 with the probes of 1.12 and 1.13; man page COPY/ZEROPAGE errors).

import { describe, expect, it } from 'vitest';
import { sim } from '../testing/sim-test';

const anon = (features: string | number = 0) =>
  sim()
    .mmap('a', 'anon', '4p')
    .mmap('b', 'anon', '4p')
    .uffd(features)
    .register('a', '4p', 'MISSING')
    .expectOk();

describe('UFFDIO_COPY', () => {
  it('copies two pages: copy = 8192, both present with the source bytes', () => {
    anon()
      .copy('a', '2p', { fill: 0x5a })
      .expectOk()
      .expectStruct({ copy: '2p' })
      .expectPage('a+1p', 'present', '5a');
  });

  it('over a present page: EEXIST with copy = -EEXIST', () => {
    anon().copy('a', '1p').copy('a', '1p').expectErrno('EEXIST').expectStruct({ copy: '-EEXIST' });
  });

  it('stops at a present page: EAGAIN with copy = the bytes before it, the error itself unreported', () => {
    anon().copy('a+1p', '1p').copy('a', '2p').expectErrno('EAGAIN').expectStruct({ copy: '1p' });
  });

  it('wakes only the part it copied', () => {
    anon()
      .touch('T1', 'a')
      .touch('T2', 'a+2p')
      .copy('a+1p', '1p')
      .copy('a', '3p')
      .expectErrno('EAGAIN')
      .expectThread('T1', 'done')
      .expectThread('T2', 'blocked-fault');
  });

  it.each([
    ['a source in the first 64 KiB (unmapped here)', 8],
    ['an unmapped source', 'b+8p'],
  ])('%s: EFAULT with copy = -EFAULT', (_what, src) => {
    anon().copy('a', '1p', { src }).expectErrno('EFAULT').expectStruct({ copy: '-EFAULT' });
  });

  it('takes a source that is not page aligned, byte for byte', () => {
    anon()
      .write('main', 'b', 0x11, '1p')
      .write('main', 'b+1p', 0x22, '1p')
      .copy('a', '1p', { src: 'b+0x800' })
      .expectOk()
      .check((s) => {
        const a = s.areas.find((x) => x.name === 'a')!;
        expect(a.content.get(0)).toMatch(/^11 @800=22 @801=22/);
      });
  });

  it('refuses an unknown mode bit with EINVAL and leaves copy as the caller wrote it', () => {
    anon().copy('a', '1p', { mode: 4, copy: 7 }).expectErrno('EINVAL').expectStruct({ copy: 7 });
  });

  it('refuses a source at or past TASK_SIZE with EINVAL (copy untouched)', () => {
    anon().copy('a', '1p', { src: '0x7ffffffff000' }).expectErrno('EINVAL').expectStruct({ copy: 0 });
  });

  it.each([
    ['crossing the end of the vma', 'a+3p', '2p'],
    ['into an unregistered vma', 'b', '1p'],
    ['where nothing is mapped', 'b+5p', '1p'],
    ['at address 0', 0, '1p'],
  ])('%s: ENOENT with copy = -ENOENT', (_what, dst, len) => {
    anon().copy(dst, len).expectErrno('ENOENT').expectStruct({ copy: '-ENOENT' });
  });

  it('was EINVAL for an unregistered vma before 4.11', () => {
    sim({ kernel: '4.10' }).mmap('b', 'anon', '1p').uffd().copy('b', '1p').expectErrno('EINVAL');
  });

  it('refuses MODE_WP into a range not registered for WP: EINVAL, copy = -EINVAL', () => {
    anon()
      .copy('a', '1p', { mode: 'UFFDIO_COPY_MODE_WP' })
      .expectErrno('EINVAL')
      .expectStruct({ copy: '-EINVAL' });
  });

  it('fills a range registered by another uffd of the same mm', () => {
    anon().uffd(0, 'other').copy('a', '1p', {}, 'other').expectOk();
  });

  it('overwrites a poison marker', () => {
    anon()
      .poison('a', '1p')
      .expectOk()
      .copy('a', '1p', { fill: 3 })
      .expectOk()
      .expectPage('a', 'present', '03');
  });

  it('with DONTWAKE leaves the thread asleep until UFFDIO_WAKE (a batch, then one wake)', () => {
    anon()
      .touch('T1', 'a+1p')
      .touch('T2', 'a+2p')
      .read('uffd', 64)
      .copy('a+1p', '1p', { mode: 'UFFDIO_COPY_MODE_DONTWAKE' })
      .copy('a+2p', '1p', { mode: 'UFFDIO_COPY_MODE_DONTWAKE' })
      .expectThread('T1', 'blocked-fault')
      .expectQueues('uffd', { waiting: 2 })
      .wake('a', '4p')
      .expectOk()
      .expectThread('T1', 'done', { value: 0x41 })
      .expectThread('T2', 'done')
      .expectQueues('uffd', { pending: 0, waiting: 0 });
  });

  it('only checked that the source does not wrap before 6.6', () => {
    sim({ kernel: '6.5' })
      .mmap('a', 'anon', '1p')
      .uffd()
      .register('a', '1p', 'MISSING')
      .copy('a', '1p', { src: '0x7ffffffff000' })
      .expectErrno('EFAULT')
      .copy('a', '1p', { src: '0xfffffffffffff000' })
      .expectErrno('EINVAL');
  });

  it('checks the source against mmap_min_addr', () => {
    sim({ mmapMinAddr: 65536 })
      .mmap('a', 'anon', '1p')
      .uffd()
      .register('a', '1p', 'MISSING')
      .copy('a', '1p', { src: 8 })
      .expectErrno('EINVAL')
      .expectStruct({ copy: 0 });
  });

  it('answers ESRCH (ENOSPC in 4.11 and 4.12) once the process is gone', () => {
    for (const [kernel, errno] of [
      ['6.18', 'ESRCH'],
      ['4.13', 'ESRCH'],
      ['4.12', 'ENOSPC'],
    ] as const) {
      sim({ kernel })
        .mmap('a', 'anon', '1p')
        .uffd('UFFD_FEATURE_EVENT_FORK')
        .register('a', '1p', 'MISSING')
        .fork('c')
        .read()
        .exit('c')
        .copy('a', '1p', {}, 'uffd@c')
        .expectErrno(errno);
    }
  });
});

describe('UFFDIO_ZEROPAGE', () => {
  it('maps the zero page: zeropage = 4096', () => {
    anon().zeropage('a', '1p').expectOk().expectStruct({ zeropage: '1p' }).expectPage('a', 'zero', '00');
  });

  it('over a present page: EEXIST, zeropage = -EEXIST', () => {
    anon().copy('a', '1p').zeropage('a', '1p').expectErrno('EEXIST').expectStruct({ zeropage: '-EEXIST' });
  });

  it('refuses mode 2 (no WP mode) with EINVAL, zeropage untouched', () => {
    anon().zeropage('a', '1p', 2).expectErrno('EINVAL').expectStruct({ zeropage: 0 });
  });

  it('refuses hugetlb: EINVAL, zeropage = -EINVAL', () => {
    sim()
      .mmap('h', 'hugetlb', '1h')
      .uffd()
      .register('h', '1h', 'MISSING')
      .zeropage('h', '1h')
      .expectErrno('EINVAL')
      .expectStruct({ zeropage: '-EINVAL' });
  });

  it('on shmem fills the page cache with a zeroed page (4.14), an alias sees it', () => {
    const t = (kernel: string) =>
      sim({ kernel })
        .mmap('a', 'memfd', '1p', { file: 'f' })
        .mmap('b', 'memfd', '1p', { file: 'f' })
        .uffd()
        .register('a', '1p', 'MISSING')
        .zeropage('a', '1p');
    t('4.13').expectErrno('EINVAL');
    t('4.14').expectOk().expectPage('a', 'present', '00').expectPage('b', 'cache-only', '00');
  });

  it('works on a MINOR-only shmem range too (the mode is not checked)', () => {
    sim().mmap('a', 'memfd', '1p').uffd().register('a', '1p', 'MINOR').zeropage('a', '1p').expectOk();
  });
});

describe('UFFDIO_CONTINUE', () => {
  it('refuses anonymous memory: EINVAL, mapped = -EINVAL', () => {
    anon().continue('a', '1p').expectErrno('EINVAL').expectStruct({ mapped: '-EINVAL' });
  });

  it('refuses an unknown mode bit with EINVAL, mapped untouched', () => {
    anon().continue('a', '1p', 4).expectErrno('EINVAL').expectStruct({ mapped: 0 });
  });

  it('on a page-cache hole: EFAULT; past the end of the file: EINVAL (probes)', () => {
    sim()
      .mmap('a', 'memfd', '2p', { fileSize: '1p' })
      .uffd()
      .register('a', '2p', 'MINOR')
      .continue('a', '1p')
      .expectErrno('EFAULT')
      .expectStruct({ mapped: '-EFAULT' })
      .continue('a+1p', '1p')
      .expectErrno('EINVAL');
  });

  it('has MODE_WP from 6.4, and it needs a WP registration', () => {
    const t = (kernel: string) =>
      sim({ kernel })
        .mmap('a', 'memfd', '1p', { file: 'f' })
        .mmap('b', 'memfd', '1p', { file: 'f' })
        .write('main', 'b')
        .uffd()
        .register('a', '1p', 'MINOR');
    t('6.3').continue('a', '1p', 'UFFDIO_CONTINUE_MODE_WP').expectErrno('EINVAL').expectStruct({ mapped: 0 });
    t('6.4')
      .continue('a', '1p', 'UFFDIO_CONTINUE_MODE_WP')
      .expectErrno('EINVAL')
      .expectStruct({ mapped: '-EINVAL' });
    t('6.4')
      .register('a', '1p', ['MINOR', 'WP'])
      .continue('a', '1p', 'UFFDIO_CONTINUE_MODE_WP')
      .expectOk()
      .expectPage('a', 'write-protected');
  });
});

describe('UFFDIO_POISON', () => {
  it('installs a poison marker: updated = 4096; a second one is EEXIST', () => {
    anon()
      .poison('a', '1p')
      .expectOk()
      .expectStruct({ updated: '1p' })
      .expectPage('a', 'poisoned')
      .poison('a', '1p')
      .expectErrno('EEXIST')
      .expectStruct({ updated: '-EEXIST' });
  });

  it('raises SIGBUS (BUS_ADRERR here) at the exact address on a touch', () => {
    anon()
      .poison('a', '1p')
      .touch('T1', 'a+0x10')
      .expectThread('T1', 'sigbus', { address: 'a+0x10', sigbusCode: 2 });
  });

  it('stays after UNREGISTER; ZEROPAGE over it is EEXIST; MADV_DONTNEED clears it', () => {
    anon()
      .poison('a', '1p')
      .zeropage('a', '1p')
      .expectErrno('EEXIST')
      .unregister('a', '4p')
      .expectPage('a', 'poisoned')
      .madvise('a', '1p', 'MADV_DONTNEED')
      .expectOk()
      .expectPage('a', 'missing')
      .touch('T1', 'a')
      .expectThread('T1', 'done', { value: 0 });
  });

  it('wakes a thread waiting on the page, which then gets SIGBUS', () => {
    anon().touch('T1', 'a').poison('a', '1p').expectThread('T1', 'sigbus', { address: 'a' });
  });

  it('on shmem: past the end of the file is EFAULT; MADV_DONTNEED clears the marker', () => {
    sim()
      .mmap('a', 'memfd', '2p', { fileSize: '1p' })
      .uffd()
      .register('a', '2p', 'MISSING')
      .poison('a+1p', '1p')
      .expectErrno('EFAULT')
      .poison('a', '1p')
      .expectOk()
      .madvise('a', '1p', 'MADV_DONTNEED')
      .expectPage('a', 'missing');
  });
});

describe('fills while a non-cooperative event is unread (mmap_changing)', () => {
  const pending = (kernel: string) =>
    sim({ kernel })
      .mmap('a', 'anon', '4p')
      .uffd('UFFD_FEATURE_EVENT_REMOVE')
      .register('a', '4p', 'MISSING')
      .madvise('a', '1p', 'MADV_DONTNEED', 'T1')
      .expectBlocked();

  it('answers EAGAIN before reading the argument, with the result field = -EAGAIN from 6.15', () => {
    pending('6.18')
      .ioctl('UFFDIO_COPY', { copy: 1 })
      .expectErrno('EAGAIN')
      .expectStruct({ copy: '-EAGAIN' })
      .ioctl('UFFDIO_ZEROPAGE', { zeropage: 1 })
      .expectStruct({ zeropage: '-EAGAIN' })
      .ioctl('UFFDIO_MOVE', { move: 1 })
      .expectStruct({ move: '-EAGAIN' })
      .ioctl('UFFDIO_POISON', { updated: 1 })
      .expectStruct({ updated: '-EAGAIN' })
      .ioctl('UFFDIO_CONTINUE', { mapped: 1 })
      .expectStruct({ mapped: '-EAGAIN' })
      .ioctl('UFFDIO_WRITEPROTECT', {})
      .expectErrno('EAGAIN')
      .read()
      .expectThread('T1', 'done')
      .copy('a', '1p')
      .expectOk();
  });

  it('left the result field alone before 6.15, and had no such check before 4.18', () => {
    pending('6.14').copy('a', '1p', { copy: 5 }).expectErrno('EAGAIN').expectStruct({ copy: 5 });
    pending('4.17').copy('a', '1p').expectOk();
  });
});
