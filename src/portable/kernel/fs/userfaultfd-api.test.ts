// UFFDIO_API: the handshake, its errors and how they changed (reference 1.2, 1.12, 3.2, 3.4; the
// man-page review thread: features must be 0 before 4.11, the struct is zeroed on EINVAL).

import { describe, expect, it } from 'vitest';
import { sim } from '../testing/sim-test';

describe('UFFDIO_API on 6.18', () => {
  it('reports every feature and the three basic ioctls, and enables only what was asked', () => {
    sim()
      .userfaultfd()
      .api('UFFD_FEATURE_THREAD_ID')
      .expectOk()
      .expectStruct({ api: 0xaa, features: 0x1ffff, ioctls: 0x8000000000000003n.toString() })
      .check((s) => expect(s.uffds[0]!.features).toBe(0x100n))
      .check((s) => expect(s.uffds[0]!.initialized).toBe(true));
  });

  it.each([
    ['a wrong api', { api: 0xab, features: 0 }],
    ['an unknown feature', { api: 'UFFD_API', features: 1 << 30 }],
    ['feature bit 63', { api: 'UFFD_API', features: '0x8000000000000000' }],
  ])('refuses %s with EINVAL and zeroes the struct', (_what, arg) => {
    sim()
      .userfaultfd()
      .ioctl('UFFDIO_API', { ...arg, ioctls: 5 })
      .expectErrno('EINVAL')
      .expectZeroedStruct()
      .check((s) => expect(s.uffds[0]!.initialized).toBe(false));
  });

  it('refuses a second call, even after a first with no features, and zeroes the struct', () => {
    sim().uffd().api('UFFD_FEATURE_PAGEFAULT_FLAG_WP').expectErrno('EINVAL').expectZeroedStruct();
  });

  it('refuses every other ioctl, read and poll before the handshake', () => {
    sim()
      .mmap('a', 'anon', '1p')
      .userfaultfd()
      .register('a', '1p', 'MISSING')
      .expectErrno('EINVAL')
      .ioctl(0xc018aa3e, { api: 0 })
      .expectErrno('EINVAL')
      .read()
      .expectErrno('EINVAL')
      .poll()
      .expectRevents(0x8)
      .expectRet(1);
  });

  it('answers an unknown request number with EINVAL, not ENOTTY', () => {
    sim().uffd().ioctl(0xc018aa3e, {}).expectErrno('EINVAL');
  });

  it('needs CAP_SYS_PTRACE for EVENT_FORK (EPERM, struct zeroed)', () => {
    sim({ capSysPtrace: false })
      .userfaultfd('uffd', ['O_NONBLOCK', 'UFFD_USER_MODE_ONLY'])
      .api('UFFD_FEATURE_EVENT_FORK')
      .expectErrno('EPERM')
      .expectZeroedStruct();
  });

  it('turns WP_UNPOPULATED on with WP_ASYNC', () => {
    sim()
      .uffd('UFFD_FEATURE_WP_ASYNC')
      .check((s) => expect(s.uffds[0]!.features).toBe((1n << 15n) | (1n << 13n)));
  });

  it('answers EFAULT for an argument pointer that points nowhere', () => {
    sim().userfaultfd().ioctl('UFFDIO_API', 0).expectErrno('EFAULT');
  });
});

describe('UFFDIO_API by kernel release', () => {
  it.each([
    ['4.3', 0x0],
    ['4.10', 0x0],
    ['4.11', 0x7e],
    ['4.13', 0x7e],
    ['4.14', 0x1fe],
    ['5.6', 0x1fe],
    ['5.7', 0x1ff],
    ['5.12', 0x1ff],
    ['5.13', 0x3ff],
    ['5.14', 0x7ff],
    ['5.17', 0x7ff],
    ['5.18', 0xfff],
    ['5.19', 0x1fff],
    ['6.3', 0x1fff],
    ['6.4', 0x3fff],
    ['6.5', 0x3fff],
    ['6.6', 0x7fff],
    ['6.7', 0xffff],
    ['6.8', 0x1ffff],
    ['6.18', 0x1ffff],
  ])('%s reports features %s', (kernel, features) => {
    sim({ kernel }).userfaultfd().api(0).expectOk().expectStruct({ features });
  });

  it('before 4.11 the features must be zero: anything else is EINVAL, struct zeroed', () => {
    sim({ kernel: '4.10' })
      .userfaultfd()
      .api('UFFD_FEATURE_EVENT_FORK')
      .expectErrno('EINVAL')
      .expectZeroedStruct();
    sim({ kernel: '4.11' }).userfaultfd().api('UFFD_FEATURE_EVENT_FORK').expectOk();
  });

  it('before 5.15 a second call is EINVAL and leaves the struct as the caller wrote it', () => {
    sim({ kernel: '5.14' })
      .uffd()
      .ioctl('UFFDIO_API', { api: 'UFFD_API', features: 0, ioctls: 7 })
      .expectErrno('EINVAL')
      .expectStruct({ api: 0xaa, features: 0, ioctls: 7 });
  });

  it('before 5.5 EVENT_FORK needed no CAP_SYS_PTRACE', () => {
    sim({ kernel: '5.4', capSysPtrace: false })
      .userfaultfd('uffd', 'O_NONBLOCK')
      .api('UFFD_FEATURE_EVENT_FORK')
      .expectOk();
  });

  it('6.0 to 6.3 ignored unknown features and the api value (a regression reverted in 6.4)', () => {
    sim({ kernel: '6.2' })
      .userfaultfd()
      .ioctl('UFFDIO_API', { api: 0xab, features: (1 << 30) | 0x100 })
      .expectOk()
      .check((s) => expect(s.uffds[0]!.features).toBe(0x100n));
    sim({ kernel: '6.4' })
      .userfaultfd()
      .ioctl('UFFDIO_API', { api: 0xab, features: 0 })
      .expectErrno('EINVAL');
  });

  it('checks EVENT_FORK before unknown features from 6.10, after them before', () => {
    const arg = { api: 'UFFD_API', features: [1 << 30, 'UFFD_FEATURE_EVENT_FORK'] };
    const flags = ['O_NONBLOCK', 'UFFD_USER_MODE_ONLY'];
    sim({ kernel: '6.9', capSysPtrace: false })
      .userfaultfd('uffd', flags)
      .ioctl('UFFDIO_API', arg)
      .expectErrno('EINVAL');
    sim({ kernel: '6.10', capSysPtrace: false })
      .userfaultfd('uffd', flags)
      .ioctl('UFFDIO_API', arg)
      .expectErrno('EPERM');
  });

  it.each([
    ['UFFDIO_MOVE', '6.7'],
    ['UFFDIO_POISON', '6.5'],
    ['UFFDIO_CONTINUE', '5.12'],
    ['UFFDIO_WRITEPROTECT', '5.6'],
  ] as const)('%s does not exist in %s: an unknown command', (request, kernel) => {
    sim({ kernel }).uffd().ioctl(request, {}).expectErrno('EINVAL');
  });
});
