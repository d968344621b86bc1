// Without root the executor uses what it is allowed (UFFD_USER_MODE_ONLY) and says what it cannot
// do; without the C helper (no compiler) it does everything but touch, fork and signal, and says
// why. As root the first test drops to an unprivileged user (setpriv); as a user it runs as is.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Operation } from '../../portable/model/operation';
import { PAGE } from '../../portable/model/snapshot';
import { runFixture } from './fixture';

const NOBODY = 65534;

const REGISTERED: Operation[] = [
  { op: 'mmap', as: 'a', kind: 'anon', len: '2p' },
  { op: 'userfaultfd', flags: ['O_NONBLOCK', 'UFFD_USER_MODE_ONLY'], as: 'u2' },
  { op: 'ioctl', fd: 'u2', request: 'UFFDIO_API', arg: { api: 'UFFD_API', features: 0 } },
  {
    op: 'ioctl',
    fd: 'u2',
    request: 'UFFDIO_REGISTER',
    arg: { range: { start: 'a', len: '2p' }, mode: 'MISSING' },
  },
];

describe('an unprivileged session', () => {
  it('works with UFFD_USER_MODE_ONLY and reports EPERM, EACCES and no huge pages plainly', () => {
    const root = process.getuid?.() === 0;
    const out = runFixture(
      [
        { op: 'userfaultfd', flags: ['O_NONBLOCK'], as: 'plain' },
        { op: 'userfaultfd', flags: ['O_NONBLOCK', 'UFFD_USER_MODE_ONLY'], as: 'uffd' },
        {
          op: 'ioctl',
          fd: 'uffd',
          request: 'UFFDIO_API',
          arg: { api: 'UFFD_API', features: 'UFFD_FEATURE_EVENT_FORK' },
        },
        ...REGISTERED,
        { op: 'touch', thread: 'T1', addr: 'a', access: 'read' },
        { op: 'read', fd: 'u2' },
        { op: 'ioctl', fd: 'u2', request: 'UFFDIO_ZEROPAGE', arg: { range: { start: 'a', len: '1p' } } },
        { op: 'open', path: '/dev/userfaultfd', as: 'dev' },
        { op: 'mmap', as: 'h', kind: 'hugetlb', len: '1h' },
      ],
      root ? { user: NOBODY } : {},
    );
    expect(out.uid).not.toBe(0);
    const [plain, , forkFeature, , , , register, touch, read, zero, dev, huge] = out.results;
    // Without UFFD_USER_MODE_ONLY the syscall needs CAP_SYS_PTRACE or vm.unprivileged_userfaultfd=1.
    if (readFileSync('/proc/sys/vm/unprivileged_userfaultfd', 'utf8').trim() === '0') {
      expect(plain).toMatchObject({ ret: -1, errno: 1 });
      expect(out.probe.syscall).toEqual({ ok: false, error: 'EPERM' });
    }
    expect(forkFeature).toMatchObject({ ret: -1, errno: 1 });
    expect(register?.ret).toBe(0);
    expect(touch?.blocked).toBe(true);
    expect(read?.ret).toBe(32);
    expect(zero?.ret).toBe(0);
    expect(zero?.threads.find((t) => t.name === 'T1')?.state).toBe('done');
    // MAPPED|PRESENT|ZERO: the zero page is seen without root (PAGEMAP_SCAN's PAGE_IS_PFNZERO).
    expect(zero?.areas.find((a) => a.name === 'a')?.pages[0]).toBe(7);
    expect(dev).toMatchObject({ ret: -1, errno: 13 });
    // Unless another session has reserved huge pages meanwhile, it cannot map one, and says why.
    if (huge?.ret === -1) expect(huge.usageError).toMatch(/only root can reserve/);
    expect(out.probe).toMatchObject({ root: false, userModeOnly: { ok: true } });
  });
});

describe('page states an unprivileged session reads', () => {
  it('tells a uffd-wp marker from a poison marker, and reading them fills in neither', () => {
    const root = process.getuid?.() === 0;
    const out = runFixture(
      [
        { op: 'mmap', as: 'a', kind: 'anon', len: '2p' },
        { op: 'userfaultfd', flags: ['O_NONBLOCK', 'UFFD_USER_MODE_ONLY'], as: 'u' },
        {
          op: 'ioctl',
          fd: 'u',
          request: 'UFFDIO_API',
          arg: { api: 'UFFD_API', features: ['UFFD_FEATURE_WP_UNPOPULATED', 'UFFD_FEATURE_POISON'] },
        },
        {
          op: 'ioctl',
          fd: 'u',
          request: 'UFFDIO_REGISTER',
          arg: { range: { start: 'a', len: '2p' }, mode: 'MISSING|WP' },
        },
        {
          op: 'ioctl',
          fd: 'u',
          request: 'UFFDIO_WRITEPROTECT',
          arg: { range: { start: 'a', len: '1p' }, mode: 'WP' },
        },
        { op: 'ioctl', fd: 'u', request: 'UFFDIO_POISON', arg: { range: { start: 'a+1p', len: '1p' } } },
        { op: 'ioctl', fd: 'u', request: 'UFFDIO_WRITEPROTECT', arg: { range: { start: 'a', len: '1p' } } },
      ],
      root ? { user: NOBODY } : {},
    );
    expect(out.uid).not.toBe(0);
    const pages = out.results.map((r) => r.areas.find((a) => a.name === 'a')?.pages);
    // pagemap hides a swap entry's type and offset from this user; the uffd-wp bit is all it shows.
    expect(pages[5]).toEqual([PAGE.MAPPED | PAGE.UFFD_WP, PAGE.MAPPED | PAGE.POISONED]);
    // Unprotected, the marker is gone and the page is missing: the snapshot did not read it in.
    expect(pages[6]).toEqual([PAGE.MAPPED, PAGE.MAPPED | PAGE.POISONED]);
  });
});

describe('a session without the C helper', () => {
  it('maps, registers and unmaps, and says plainly why it cannot touch, fork or signal', () => {
    const out = runFixture(
      [
        ...REGISTERED,
        { op: 'munmap', addr: 'a+1p', len: '1p' },
        { op: 'touch', thread: 'T1', addr: 'a', access: 'read' },
        { op: 'fork', child: 'c' },
        { op: 'signal', thread: 'main', signal: 'SIGUSR1' },
      ],
      { env: { UFFD_HELPER: 'off' } },
    );
    const [, , , register, munmap, touch, fork, signal] = out.results;
    expect(register?.ret).toBe(0);
    expect(munmap).toMatchObject({ ret: 0 });
    expect(munmap?.areas[0]?.pages).toEqual([1, 0]);
    for (const r of [touch, fork, signal])
      expect(r?.usageError).toMatch(/needs the executor's C helper.*UFFD_HELPER=off/);
    expect(out.probe.helper).toEqual({ ok: false, why: 'UFFD_HELPER=off in the environment' });
  });
});
