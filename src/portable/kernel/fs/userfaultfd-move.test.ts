// UFFDIO_MOVE (6.8): anonymous pages only, within the monitor's own mm, into a range registered with
// this uffd (reference 1.11; probes 1.12 and p7 in 1.13).

import { describe, it } from 'vitest';
import { sim } from '../testing/sim-test';

const setup = () =>
  sim()
    .mmap('dst', 'anon', '4p')
    .mmap('src', 'anon', '4p')
    .uffd('UFFD_FEATURE_MOVE')
    .register('dst', '4p', 'MISSING')
    .write('main', 'src', 0x33, '1p');

describe('UFFDIO_MOVE', () => {
  it('moves a page: the data is at dst, the source page is gone', () => {
    setup()
      .move('dst', 'src', '1p')
      .expectOk()
      .expectStruct({ move: '1p' })
      .expectPage('dst', 'present', '33')
      .expectPage('src', 'missing');
  });

  it('wakes a thread waiting on the destination', () => {
    setup().touch('T1', 'dst').move('dst', 'src', '1p').expectThread('T1', 'done', { value: 0x33 });
  });

  it('refuses an unregistered destination: EINVAL, move = -EINVAL', () => {
    setup()
      .unregister('dst', '4p')
      .move('dst', 'src', '1p')
      .expectErrno('EINVAL')
      .expectStruct({ move: '-EINVAL' });
  });

  it('checks the destination before the source hole: EEXIST', () => {
    setup().copy('dst+1p', '1p').move('dst+1p', 'src+1p', '1p').expectErrno('EEXIST');
  });

  it('a source hole is ENOENT, or counted as moved with ALLOW_SRC_HOLES', () => {
    setup()
      .move('dst', 'src+1p', '1p')
      .expectErrno('ENOENT')
      .expectStruct({ move: '-ENOENT' })
      .move('dst+1p', 'src+1p', '1p', 'UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES')
      .expectOk()
      .expectStruct({ move: '1p' })
      .expectPage('dst+1p', 'missing');
  });

  it('two pages [hole, page]: ENOENT with nothing moved; with ALLOW_SRC_HOLES both count', () => {
    setup()
      .write('main', 'src+3p', 9, '1p')
      .move('dst', 'src+2p', '2p')
      .expectErrno('ENOENT')
      .expectPage('src+3p', 'present')
      .move('dst', 'src+2p', '2p', 'UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES')
      .expectOk()
      .expectStruct({ move: '2p' })
      .expectPage('dst+1p', 'present', '09');
  });

  it('moves the shared zero page as a zero page', () => {
    setup().touch('main', 'src+2p').move('dst', 'src+2p', '1p').expectOk().expectPage('dst', 'zero');
  });

  it('refuses a page COW-shared with a forked child: EBUSY', () => {
    setup().fork('c').move('dst', 'src', '1p').expectErrno('EBUSY').expectStruct({ move: '-EBUSY' });
  });

  it('still refuses it after the child exited: the page stays not exclusive until written (probe)', () => {
    setup().fork('c').exit('c').move('dst', 'src', '1p').expectErrno('EBUSY');
  });

  it('moves the page again once the parent wrote to it (its own copy now)', () => {
    setup()
      .fork('c')
      .write('main', 'src', 0x44)
      .move('dst', 'src', '1p')
      .expectOk()
      .expectPage('dst', 'present', '33 @0=44');
  });

  it.each([
    ['a source not page aligned', 'dst', 'src+1'],
    ['an unknown mode bit', 'dst', 'src'],
  ])('%s: EINVAL with move untouched', (what, dst, src) => {
    setup()
      .ioctl('UFFDIO_MOVE', { dst, src, len: '1p', mode: what.includes('mode') ? 8 : 0, move: 3 })
      .expectErrno('EINVAL')
      .expectStruct({ move: 3 });
  });

  it('refuses shmem at either end, different protections, and a source past its vma: EINVAL', () => {
    setup()
      .mmap('m', 'memfd', '1p')
      .mmap('ro', 'anon', '1p', { prot: ['PROT_READ'] })
      .register('m', '1p', 'MISSING')
      .move('m', 'src', '1p')
      .expectErrno('EINVAL')
      .move('dst', 'ro', '1p')
      .expectErrno('EINVAL')
      .move('dst', 'src+3p', '2p')
      .expectErrno('EINVAL')
      .expectStruct({ move: '-EINVAL' });
  });

  it('refuses a move through a forked child’s uffd (another mm): EINVAL', () => {
    setup()
      .uffd(['UFFD_FEATURE_EVENT_FORK', 'UFFD_FEATURE_MOVE'], 'parent')
      .mmap('x', 'anon', '1p')
      .register('x', '1p', 'MISSING', 'parent')
      .fork('c')
      .read('parent')
      .move('x', 'src', '1p', 0, 'parent@c')
      .expectErrno('EINVAL');
  });
});
