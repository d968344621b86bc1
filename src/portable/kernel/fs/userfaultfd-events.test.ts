// Non-cooperative events: FORK, REMAP, REMOVE and UNMAP, the caller blocking until the monitor reads
// them, and what close() does to a waiting event (reference 2.5, probes 2.8, 2.9 and 2.11).

import { describe, expect, it } from 'vitest';
import { sim } from '../testing/sim-test';

const EVENTS = [
  'UFFD_FEATURE_EVENT_FORK',
  'UFFD_FEATURE_EVENT_REMAP',
  'UFFD_FEATURE_EVENT_REMOVE',
  'UFFD_FEATURE_EVENT_UNMAP',
];

const setup = (features: string[] = EVENTS) =>
  sim().mmap('a', 'anon', '4p').uffd(features).register('a', '4p', 'MISSING').expectOk();

describe('UFFD_EVENT_FORK', () => {
  it('blocks fork() until read; the read installs the child’s uffd as a new fd', () => {
    setup()
      .fork('c')
      .expectBlocked()
      .expectThread('main', 'blocked-event', { uffd: 'uffd' })
      .expectQueues('uffd', { events: 1 })
      // dup_mmap() has run: the child's mm, and its registration, exist before fork() returns.
      .expectRegistrations([['a', '4p', 1]], 'c')
      .check((s) => expect(s.areas.filter((a) => a.process === 'c').map((a) => a.name)).toEqual(['a']))
      .touch('c', 'a')
      .expectUsage(/has not started/)
      .read()
      .expectMsg({ event: 'UFFD_EVENT_FORK', 'arg.fork.ufd': 4 })
      .check((_s, t) => expect([...t.last.msgs![0]!.bytes.slice(12)].every((b) => b === 0)).toBe(true))
      .expectThread('main', 'done')
      .check((s) => {
        const u = s.uffds.find((x) => x.name === 'uffd@c')!;
        expect([u.fd, u.mm, u.initialized, u.flags]).toEqual([4, 'c', true, 0x80800]);
      })
      .expectRegistrations([['a', '4p', 1]], 'c');
  });

  it('sends the child’s faults to the new uffd; COPY through it resolves them', () => {
    setup()
      .fork('c')
      .read()
      .touch('c', 'a+1p')
      .expectThread('c', 'blocked-fault', { uffd: 'uffd@c' })
      .expectQueues('uffd', { pending: 0 })
      .read('uffd@c')
      .expectMsg({ 'arg.pagefault.address': 'a+1p' })
      .copy('a+1p', '1p', { fill: 0x66 }, 'uffd@c')
      .expectOk()
      .expectThread('c', 'done', { value: 0x66 })
      .expectPage('c:a+1p', 'present', '66')
      .expectPage('a+1p', 'missing')
      .ioctl('UFFDIO_API', { api: 'UFFD_API' }, 'uffd@c')
      .expectErrno('EINVAL');
  });

  it('without EVENT_FORK the child’s copy is not registered: it just faults', () => {
    setup(['UFFD_FEATURE_EVENT_REMOVE'])
      .fork('c')
      .expectOk()
      .expectRet(2000)
      .expectRegistrations([], 'c')
      .touch('c', 'a')
      .expectThread('c', 'done', { value: 0 });
  });

  it('shares private pages copy-on-write: each side keeps its own after a write', () => {
    setup([])
      .copy('a', '1p', { fill: 1 })
      .fork('c')
      .write('c', 'a', 2, '1p')
      .expectPage('a', 'present', '01')
      .expectPage('c:a', 'present', '02');
  });

  it('copies the PTEs of memory with anonymous pages only: a mapping only read leaves the child none', () => {
    sim()
      .mmap('r', 'anon', '2p')
      .mmap('w', 'anon', '2p')
      .touch('main', 'r')
      .touch('main', 'w')
      .write('main', 'w+1p')
      .fork('c')
      .expectPage('c:r', 'missing')
      .expectPage('c:w', 'zero')
      .expectPage('c:w+1p', 'present');
  });

  it('keeps the child’s uffd-wp bits only with EVENT_FORK', () => {
    const t = (features: string[]) =>
      sim()
        .mmap('a', 'anon', '1p')
        .write('main', 'a')
        .uffd(features)
        .register('a', '1p', 'WP')
        .writeprotect('a', '1p', 'UFFDIO_WRITEPROTECT_MODE_WP')
        .fork('c');
    t(['UFFD_FEATURE_EVENT_FORK']).read().expectPage('c:a', 'write-protected');
    t([]).expectPage('c:a', 'present').expectPage('a', 'write-protected');
  });

  it('close() of the uffd while FORK is unread: fork() returns, the child’s registration is gone', () => {
    setup().fork('c').close().expectThread('main', 'done').expectRegistrations([], 'c');
  });
});

describe('UFFD_EVENT_REMAP', () => {
  it('mremap moving a range: REMAP {from, to, old len}, then UNMAP of the old range; the new place stays registered', () => {
    setup()
      .mremap('a', '2p', '2p', ['MREMAP_MAYMOVE'], 'b', 'M')
      .expectBlocked()
      .check((_s, t) => expect([t.last.ret, t.last.addr]).toEqual([0, undefined]))
      .read()
      .expectMsg({
        event: 'UFFD_EVENT_REMAP',
        'arg.remap.from': 'a',
        'arg.remap.to': 'b',
        'arg.remap.len': '2p',
      })
      .expectThread('M', 'blocked-event')
      .read()
      .expectMsg({ event: 'UFFD_EVENT_UNMAP', 'arg.remove.start': 'a', 'arg.remove.end': 'a+2p' })
      .expectThread('M', 'done')
      .copy('b', '1p')
      .expectOk()
      .expectPage('a', 'not-mapped');
  });

  it('growing while moving reports the old length', () => {
    setup()
      .mremap('a', '2p', '64p', ['MREMAP_MAYMOVE'], 'b', 'M')
      .read()
      .expectMsg({ 'arg.remap.len': '2p' })
      .read()
      .expectMsg({ event: 'UFFD_EVENT_UNMAP' });
  });

  it('without EVENT_REMAP the moved range is no longer registered', () => {
    setup(['UFFD_FEATURE_EVENT_REMOVE'])
      .mremap('a', '2p', '2p', ['MREMAP_MAYMOVE'], 'b')
      .expectOk()
      .copy('b', '1p')
      .expectErrno('ENOENT');
  });

  it('shrinking in place unmaps the tail: UNMAP for it', () => {
    setup()
      .mremap('a', '4p', '1p', [], undefined, 'M')
      .read()
      .expectMsg({ event: 'UFFD_EVENT_UNMAP', 'arg.remove.start': 'a+1p', 'arg.remove.end': 'a+4p' });
  });

  it('growing in place keeps the new part registered, with no event', () => {
    sim()
      .mmap('a', 'anon', '2p')
      .uffd(EVENTS)
      .register('a', '2p', 'MISSING')
      .mremap('a', '2p', '4p', [])
      .expectOk()
      .expectRegistrations([['a', '4p', 1]])
      .read()
      .expectErrno('EAGAIN');
  });
});

describe('UFFD_EVENT_REMOVE', () => {
  it('madvise(MADV_DONTNEED) sends REMOVE and blocks; COPY meanwhile is EAGAIN', () => {
    setup()
      .copy('a', '1p')
      .madvise('a', '2p', 'MADV_DONTNEED', 'M')
      .expectBlocked()
      .copy('a+2p', '1p')
      .expectErrno('EAGAIN')
      .expectStruct({ copy: '-EAGAIN' })
      .expectPage('a', 'present')
      .read()
      .expectMsg({ event: 'UFFD_EVENT_REMOVE', 'arg.remove.start': 'a', 'arg.remove.end': 'a+2p' })
      .expectThread('M', 'done')
      .expectPage('a', 'missing');
  });

  it('clips the range to the registered vma', () => {
    sim()
      .mmap('a', 'anon', '4p')
      .uffd(EVENTS)
      .register('a+1p', '1p', 'MISSING')
      .madvise('a', '4p', 'MADV_DONTNEED', 'M')
      .read()
      .expectMsg({ 'arg.remove.start': 'a+1p', 'arg.remove.end': 'a+2p' });
  });

  it('MADV_FREE sends REMOVE too, and the pages stay', () => {
    setup()
      .copy('a', '1p')
      .madvise('a', '1p', 'MADV_FREE', 'M')
      .read()
      .expectMsg({ event: 'UFFD_EVENT_REMOVE' })
      .expectPage('a', 'present');
  });

  it('MADV_REMOVE on private anonymous memory is EINVAL, with no event', () => {
    setup().madvise('a', '1p', 'MADV_REMOVE').expectErrno('EINVAL').expectQueues('uffd', { events: 0 });
  });

  it('MADV_REMOVE on shmem sends REMOVE, then the page leaves the file for every mapping', () => {
    sim()
      .mmap('a', 'memfd', '2p', { file: 'f' })
      .mmap('b', 'memfd', '2p', { file: 'f' })
      .write('main', 'b', 5, '2p')
      .touch('main', 'a')
      .uffd(EVENTS)
      .register('a', '2p', 'MISSING')
      .madvise('a', '1p', 'MADV_REMOVE', 'M')
      .read()
      .expectMsg({ event: 'UFFD_EVENT_REMOVE' })
      .expectPage('a', 'missing')
      .expectPage('b', 'missing')
      .expectPage('b+1p', 'present', '05');
  });

  it('PAGEOUT and COLD send nothing', () => {
    setup()
      .madvise('a', '4p', 'MADV_PAGEOUT')
      .expectOk()
      .madvise('a', '4p', 'MADV_COLD')
      .expectOk()
      .expectQueues('uffd', { events: 0 });
  });
});

describe('UFFD_EVENT_UNMAP', () => {
  it('sends the whole munmap range, once, though only part of it is registered', () => {
    sim()
      .mmap('a', 'anon', '4p')
      .uffd(EVENTS)
      .register('a+1p', '1p', 'MISSING')
      .munmap('a', '4p', 'M')
      .expectBlocked()
      .read()
      .expectMsg({ event: 'UFFD_EVENT_UNMAP', 'arg.remove.start': 'a', 'arg.remove.end': 'a+4p' })
      .expectThread('M', 'done')
      .expectQueues('uffd', { events: 0 });
  });

  it('sends one event per uffd, each waited for in turn', () => {
    sim()
      .mmap('a', 'anon', '2p')
      .uffd(EVENTS)
      .uffd(EVENTS, 'u2')
      .register('a', '1p', 'MISSING')
      .register('a+1p', '1p', 'MISSING', 'u2')
      .munmap('a', '2p', 'M')
      .expectQueues('uffd', { events: 1 })
      .expectQueues('u2', { events: 0 })
      .read()
      .expectQueues('u2', { events: 1 })
      .expectThread('M', 'blocked-event', { uffd: 'u2' })
      .read('u2')
      .expectThread('M', 'done');
  });

  it('munmap of the last two pages of a registered vma: UNMAP with exactly that range', () => {
    setup()
      .munmap('a+2p', '2p', 'M')
      .read()
      .expectMsg({ event: 'UFFD_EVENT_UNMAP', 'arg.remove.start': 'a+2p', 'arg.remove.end': 'a+4p' })
      .expectRegistrations([['a', '2p', 1]]);
  });

  it('close() releases a thread waiting on an unread event', () => {
    setup().munmap('a', '4p', 'M').close().expectThread('M', 'done');
  });
});

describe('waiting on an event', () => {
  it('a handled signal does not end the wait (TASK_KILLABLE)', () => {
    setup()
      .madvise('a', '1p', 'MADV_DONTNEED', 'M')
      .signal('M')
      .expectThread('M', 'blocked-event')
      .expectQueues('uffd', { events: 1 });
  });

  it('after MADV_DONTNEED the page is missing again and faults to the uffd', () => {
    setup()
      .copy('a', '1p')
      .madvise('a', '1p', 'MADV_DONTNEED', 'M')
      .read()
      .touch('T1', 'a')
      .expectThread('T1', 'blocked-fault')
      .read()
      .expectMsg({ event: 'UFFD_EVENT_PAGEFAULT', 'arg.pagefault.address': 'a' });
  });

  it('a child killed while waiting on its event leaves the queue, and COPY works again', () => {
    setup()
      .fork('c')
      .read()
      .munmap('a', '1p', 'c')
      .expectThread('c', 'blocked-event', { uffd: 'uffd@c' })
      .copy('a+1p', '1p', {}, 'uffd@c')
      .expectErrno('EAGAIN')
      .exit('c')
      .expectQueues('uffd@c', { events: 0 })
      .copy('a+1p', '1p')
      .expectOk();
  });
});

describe('a forked child that exits', () => {
  it('takes its blocked thread off the queue; its uffd then answers ESRCH to COPY', () => {
    setup()
      .fork('c')
      .read()
      .touch('c', 'a')
      .expectQueues('uffd@c', { pending: 1 })
      .exit('c')
      .expectThread('c', 'exited')
      .expectQueues('uffd@c', { pending: 0 })
      .check((s) => expect(s.processes.find((p) => p.name === 'c')!.alive).toBe(false))
      .check((s) => expect(s.areas.filter((a) => a.process === 'c')).toEqual([]))
      .copy('a', '1p', {}, 'uffd@c')
      .expectErrno('ESRCH')
      .wake('a', '1p', 'uffd@c')
      .expectOk();
  });
});
