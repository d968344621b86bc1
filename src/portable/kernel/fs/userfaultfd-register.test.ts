// UFFDIO_REGISTER and UFFDIO_UNREGISTER: validation order and errno per path, the ioctls masks by
// memory type, mode and release, holes, another uffd's range, re-registering, splits and merges
// (reference 1.3, 1.3b-d, 1.4, probes 1.12 and 1.13; the man page's REGISTER/UNREGISTER errors).

import { describe, it } from 'vitest';
import { sim } from '../testing/sim-test';

const anon = () => sim().mmap('a', 'anon', '4p').uffd();

describe('UFFDIO_REGISTER errors (man page, probe 1.12)', () => {
  it.each([
    ['mode 0', 'a', '4p', 0],
    ['an unknown mode bit', 'a', '4p', 8],
    ['an unaligned start', 'a+1', '4p', 'MISSING'],
    ['a length not whole pages', 'a', 100, 'MISSING'],
    ['a zero length', 'a', 0, 'MISSING'],
    ['a start past TASK_SIZE', '0x7ffffffff000', '1p', 'MISSING'],
    ['a range with no vma', 'a+4p', '1p', 'MISSING'],
    ['start 0 (no vma there)', 0, '1p', 'MISSING'],
    ['a length past TASK_SIZE', 'a', '0x7ffffffff000', 'MISSING'],
  ])('%s: EINVAL', (_what, start, len, mode) => {
    anon().register(start, len, mode).expectErrno('EINVAL');
  });

  it('refuses MINOR on private anonymous memory', () => {
    anon().register('a', '4p', 'MINOR').expectErrno('EINVAL');
  });

  it('refuses a range another uffd registered (EBUSY), and its UNREGISTER (EINVAL)', () => {
    anon()
      .register('a', '2p', 'MISSING')
      .expectOk()
      .uffd(0, 'other')
      .register('a+1p', '2p', 'MISSING', 'other')
      .expectErrno('EBUSY')
      .unregister('a', '2p', 'other')
      .expectErrno('EINVAL')
      .expectRegistrations([['a', '2p', 1]]);
  });

  it('let another uffd of the same mm unregister a range before 6.17', () => {
    sim({ kernel: '6.16' })
      .mmap('a', 'anon', '4p')
      .uffd()
      .register('a', '2p', 'MISSING')
      .uffd(0, 'other')
      .unregister('a', '2p', 'other')
      .expectOk()
      .expectRegistrations([]);
  });

  it('refuses a regular file (EINVAL) and a shared mapping of a read-only fd (EPERM)', () => {
    sim()
      .mmap('f', 'file', '2p')
      .mmap('m', 'memfd', '2p', { readOnlyFd: true, prot: ['PROT_READ'] })
      .mmap('p', 'memfd', '2p', { readOnlyFd: true, shared: false })
      .uffd()
      .register('f', '2p', 'MISSING')
      .expectErrno('EINVAL')
      .register('m', '2p', 'MISSING')
      .expectErrno('EPERM')
      .register('p', '2p', 'MISSING')
      .expectOk();
  });

  it('registered a read-only shared mapping before 4.20 (no VM_MAYWRITE check)', () => {
    sim({ kernel: '4.19' })
      .mmap('m', 'memfd', '2p', { readOnlyFd: true, prot: ['PROT_READ'] })
      .uffd()
      .register('m', '2p', 'MISSING')
      .expectOk();
  });

  it('allows WP-only on a regular file with WP_ASYNC, not MISSING|WP', () => {
    sim()
      .mmap('f', 'file', '2p')
      .uffd('UFFD_FEATURE_WP_ASYNC')
      .register('f', '2p', 'WP')
      .expectOk()
      .expectStruct({ ioctls: 0x17c })
      .register('f', '2p', ['MISSING', 'WP'])
      .expectErrno('EINVAL');
  });

  it('registers PROT_NONE anonymous memory', () => {
    sim()
      .mmap('a', 'anon', '1p', { prot: ['PROT_NONE'] })
      .uffd()
      .register('a', '1p', 'MISSING')
      .expectOk();
  });
});

describe('the ioctls a registration reports (1.3d, probes 1.12 and 1.13)', () => {
  it.each([
    ['anon', 'MISSING', 0x13c],
    ['anon', 'WP', 0x17c],
    ['anon', ['MISSING', 'WP'], 0x17c],
    ['memfd', 'MISSING', 0x13c],
    ['memfd', 'WP', 0x17c],
    ['memfd', 'MINOR', 0x1bc],
    ['memfd', ['MISSING', 'WP', 'MINOR'], 0x1fc],
    ['shmem', 'MINOR', 0x1bc],
  ] as const)('%s %j: %s', (kind, mode, ioctls) => {
    sim().mmap('a', kind, '2p').uffd().register('a', '2p', [mode].flat()).expectOk().expectStruct({ ioctls });
  });

  it.each([
    ['MISSING', 0x10c],
    ['WP', 0x14c],
    [['MISSING', 'WP'], 0x14c],
    ['MINOR', 0x18c],
  ] as const)('hugetlb %j: %s', (mode, ioctls) => {
    sim()
      .mmap('h', 'hugetlb', '2h')
      .uffd()
      .register('h', '2h', [mode].flat())
      .expectOk()
      .expectStruct({ ioctls });
  });

  it.each([
    ['4.3', 'anon', 0x1c],
    ['4.11', 'shmem', 0xc],
    ['4.14', 'shmem', 0x1c],
    ['5.7', 'anon', 0x1c],
    ['5.19', 'hugetlb', 0xc],
    ['6.6', 'anon', 0x11c],
    ['6.8', 'hugetlb', 0x10c],
  ] as const)('%s, %s MISSING: %s', (kernel, kind, ioctls) => {
    const len = kind === 'hugetlb' ? '1h' : '1p';
    sim({ kernel })
      .mmap('a', kind, len)
      .uffd()
      .register('a', len, 'MISSING')
      .expectOk()
      .expectStruct({ ioctls });
  });

  it('reports the mask of the requested mode even when the vma keeps more (probe 1.12)', () => {
    anon()
      .register('a', '4p', ['MISSING', 'WP'])
      .register('a', '4p', 'MISSING')
      .expectOk()
      .expectStruct({ ioctls: 0x13c })
      .expectRegistrations([['a', '4p', 3]]);
  });
});

describe('which memory each release could register', () => {
  it.each([
    ['4.10', 'shmem', 'MISSING', 'EINVAL'],
    ['4.11', 'shmem', 'MISSING', 'ok'],
    ['5.6', 'anon', 'WP', 'EINVAL'],
    ['5.7', 'anon', 'WP', 'ok'],
    ['5.18', 'shmem', 'WP', 'EINVAL'],
    ['5.19', 'shmem', 'WP', 'ok'],
    ['5.12', 'hugetlb', 'MINOR', 'EINVAL'],
    ['5.13', 'hugetlb', 'MINOR', 'ok'],
    ['5.13', 'shmem', 'MINOR', 'EINVAL'],
    ['5.14', 'shmem', 'MINOR', 'ok'],
  ] as const)('%s: %s %s → %s', (kernel, kind, mode, want) => {
    const len = kind === 'hugetlb' ? '1h' : '1p';
    const t = sim({ kernel }).mmap('a', kind, len).uffd().register('a', len, mode);
    if (want === 'ok') t.expectOk();
    else t.expectErrno(want);
  });
});

describe('ranges, holes, splits and merges (1.3c, probe 1.12)', () => {
  it('registers a range with a hole in it, and unregisters it', () => {
    sim()
      .mmap('a', 'anon', '4p')
      .munmap('a+1p', '1p')
      .uffd()
      .register('a', '4p', 'MISSING')
      .expectOk()
      .expectRegistrations([
        ['a', '1p', 1],
        ['a+2p', '2p', 1],
      ])
      .unregister('a', '4p')
      .expectOk()
      .expectRegistrations([]);
  });

  it('splits the vma at the range ends and merges it again when the modes agree', () => {
    anon()
      .register('a+1p', '1p', 'MISSING')
      .register('a+2p', '1p', 'WP')
      .expectRegistrations([
        ['a+1p', '1p', 1],
        ['a+2p', '1p', 2],
      ])
      .register('a+2p', '1p', 'MISSING')
      .expectRegistrations([['a+1p', '2p', 1]])
      .unregister('a+1p', '1p')
      .expectRegistrations([['a+2p', '1p', 1]]);
  });

  it('replaces the mode when the new one adds something (register MISSING then WP gives WP)', () => {
    anon()
      .register('a', '4p', 'MISSING')
      .register('a', '4p', 'WP')
      .expectRegistrations([['a', '4p', 2]]);
  });

  it('needs hugetlb ranges on huge pages', () => {
    sim()
      .mmap('h', 'hugetlb', '2h')
      .uffd()
      .register('h+1p', '1h', 'MISSING')
      .expectErrno('EINVAL')
      .register('h', '1p', 'MISSING')
      .expectErrno('EINVAL')
      .register('h', '2h', 'MISSING')
      .expectOk()
      .unregister('h+1p', '1h')
      .expectErrno('EINVAL')
      .unregister('h', '1h+1p')
      .expectErrno('EINVAL')
      .expectRegistrations([['h', '2h', 1]]);
  });
});

describe('UFFDIO_UNREGISTER', () => {
  it('wakes the faults waiting in a MISSING range: they fault as ordinary faults', () => {
    anon()
      .register('a', '4p', 'MISSING')
      .touch('T1', 'a+1p')
      .expectThread('T1', 'blocked-fault')
      .unregister('a', '4p')
      .expectOk()
      .expectThread('T1', 'done', { value: 0 })
      .expectPage('a+1p', 'zero', '00')
      .expectQueues('uffd', { pending: 0, waiting: 0 });
  });

  it('does not wake a writer blocked in a WP-only range, but clears the protection', () => {
    anon()
      .write('main', 'a')
      .register('a', '4p', 'WP')
      .writeprotect('a', '1p', 'UFFDIO_WRITEPROTECT_MODE_WP')
      .write('T1', 'a', 7)
      .expectThread('T1', 'blocked-fault')
      .unregister('a', '4p')
      .expectThread('T1', 'blocked-fault')
      .expectPage('a', 'present')
      .wake('a', '1p')
      .expectThread('T1', 'done')
      .expectPage('a', 'present', '00 @0=07');
  });

  it('fails with ENOMEM once the mm is gone (a forked child exited)', () => {
    sim()
      .mmap('a', 'anon', '1p')
      .uffd('UFFD_FEATURE_EVENT_FORK')
      .register('a', '1p', 'MISSING')
      .fork('c')
      .read()
      .exit('c')
      .register('a', '1p', 'MISSING', 'uffd@c')
      .expectErrno('ENOMEM')
      .unregister('a', '1p', 'uffd@c')
      .expectErrno('ENOMEM');
  });
});
