// The fault cycle as operations, for the agent's tests and benchmark: an area registered for
// MISSING faults, then touch → read → UFFDIO_COPY on each page in turn.

import type { Operation } from '../../portable/model/operation';

/** `a` of `pages` pages, `uffd` handshaken and registered MISSING over all of it. */
export const faultSetup = (pages: number): Operation[] => [
  { op: 'mmap', as: 'a', kind: 'anon', len: `${pages}p` },
  { op: 'userfaultfd', flags: ['O_CLOEXEC', 'O_NONBLOCK'], as: 'uffd' },
  { op: 'ioctl', fd: 'uffd', request: 'UFFDIO_API', arg: { api: 'UFFD_API' } },
  {
    op: 'ioctl',
    fd: 'uffd',
    request: 'UFFDIO_REGISTER',
    arg: { range: { start: 'a', len: `${pages}p` }, mode: 'UFFDIO_REGISTER_MODE_MISSING' },
  },
];

/** UFFDIO_COPY of one page filled with `fill` to page `page` of `a`. */
export const copyPage = (page: number, fill: number): Operation => ({
  op: 'ioctl',
  fd: 'uffd',
  request: 'UFFDIO_COPY',
  arg: { dst: `a+${page}p`, src: { fill }, len: '1p', mode: 0 },
});

/**
 * `cycles` fault cycles by T1 over the `pages` pages of `a`, page after page; before starting
 * again from page 0 the area is emptied (MADV_DONTNEED). Cycle i copies a page of i & 0xff.
 */
export function faultCycles(pages: number, cycles: number): Operation[] {
  const ops: Operation[] = [];
  for (let i = 0; i < cycles; i++) {
    const page = i % pages;
    if (page === 0 && i > 0)
      ops.push({ op: 'madvise', addr: 'a', len: `${pages}p`, advice: 'MADV_DONTNEED' });
    ops.push(
      { op: 'touch', thread: 'T1', addr: `a+${page}p`, access: 'read' },
      { op: 'read', fd: 'uffd' },
      copyPage(page, i & 0xff),
    );
  }
  return ops;
}
