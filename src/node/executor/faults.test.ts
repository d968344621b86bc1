// Threads that fault, block and are woken, on the real kernel: reference 2.8 and 2.10, and the
// fault kinds (missing, write-protect, minor, poison, SIGBUS mode).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { K } from './test-kit';

let k: K;
beforeEach(async () => {
  k = await K.open();
});
afterEach(() => k.dispose());

const [EFAULT, EAGAIN, EEXIST, EINVAL] = [14, 11, 17, 22];

async function missing(features: string[] = [], flags: string[] = ['O_CLOEXEC', 'O_NONBLOCK']) {
  await k.mmap('a', 'anon', '4p');
  await k.uffd('uffd', features, flags);
  await k.register('uffd', 'a', '4p', ['MISSING', 'WP']);
}

describe('a missing fault', () => {
  it('blocks the thread until the monitor reads it and copies the page', async () => {
    await missing();
    const t = await k.touch('T1', 'a+1p+5', 'read');
    expect(t).toMatchObject({ ret: 0, blocked: true });
    // The thread waits on the page, whatever byte it accessed; so does the message without EXACT_ADDRESS.
    expect(k.thread('T1')).toMatchObject({ state: 'blocked-fault', address: k.addr('a+1p'), uffd: 'uffd' });
    expect(k.queue('uffd').pending).toEqual([{ thread: 'T1', address: k.addr('a+1p'), flags: 0 }]);
    expect(k.page('a', 1)).toBe('missing');

    expect((await k.run({ op: 'poll', fd: 'uffd' })).revents).toBe(1);
    const r = await k.read('uffd');
    expect(r.ret).toBe(32);
    expect(r.msgs?.[0]?.fields).toMatchObject({ event: 0x12, 'arg.pagefault.address': k.addr('a+1p') });
    expect(k.queue('uffd')).toMatchObject({
      pending: [],
      waiting: [{ thread: 'T1', address: k.addr('a+1p') }],
    });
    expect((await k.run({ op: 'poll', fd: 'uffd' })).revents).toBe(0);

    const c = await k.copy('uffd', 'a+1p', '1p', 0x41);
    expect(c.ret).toBe(0);
    expect(k.thread('T1')).toMatchObject({ state: 'done', value: 0x41 });
    expect(k.queue('uffd')).toMatchObject({ pending: [], waiting: [] });
  });

  it('queues two faults in order; one read returns both; THREAD_ID carries the tids', async () => {
    await missing(['UFFD_FEATURE_THREAD_ID']);
    await k.touch('T1', 'a+1p+123', 'read');
    await k.touch('T2', 'a+2p+77', 'write');
    expect(k.queue('uffd').pending.map((e) => [e.thread, e.flags])).toEqual([
      ['T1', 0],
      ['T2', 1],
    ]);
    const r = await k.read('uffd', 128);
    expect(r.ret).toBe(64);
    expect(r.msgs?.map((m) => [m.fields['arg.pagefault.address'], m.fields['arg.pagefault.flags']])).toEqual([
      [k.addr('a+1p'), 0n],
      [k.addr('a+2p'), 1n],
    ]);
    expect(r.msgs?.map((m) => m.fields['arg.pagefault.feat.ptid'])).toEqual([
      k.thread('T1').tid,
      k.thread('T2').tid,
    ]);
    expect(await k.read('uffd')).toMatchObject({ ret: -1, errno: EAGAIN });
    await k.ioctl('uffd', 'UFFDIO_ZEROPAGE', { range: { start: 'a+1p', len: '1p' } });
    expect(k.thread('T1')).toMatchObject({ state: 'done', value: 0 });
    expect(k.thread('T2').state).toBe('blocked-fault');
    await k.copy('uffd', 'a+2p', '1p', 0);
    expect(k.thread('T2').state).toBe('done');
    expect(k.content('a', 2)).toBe('00 @4d=01');
  });

  it('faults again after a WAKE that resolved nothing: a new message', async () => {
    await missing();
    await k.touch('T1', 'a', 'read');
    await k.read('uffd');
    expect(k.queue('uffd').waiting).toHaveLength(1);
    await k.ioctl('uffd', 'UFFDIO_WAKE', { start: 'a', len: '1p' });
    expect(k.thread('T1').state).toBe('blocked-fault');
    expect(k.queue('uffd')).toMatchObject({ pending: [{ thread: 'T1', address: k.addr('a') }], waiting: [] });
    expect((await k.read('uffd')).msgs?.[0]?.fields['arg.pagefault.address']).toBe(k.addr('a'));
  });

  it('reports the exact address with EXACT_ADDRESS (and no tid without THREAD_ID)', async () => {
    await missing(['UFFD_FEATURE_EXACT_ADDRESS']);
    await k.touch('T1', 'a+2p+0x321', 'read');
    // The message has the byte; the thread still shows the page it waits on.
    expect(k.queue('uffd').pending[0]?.address).toBe(k.addr('a+2p+0x321'));
    expect(k.thread('T1').address).toBe(k.addr('a+2p'));
    const m = (await k.read('uffd')).msgs?.[0];
    expect(m?.fields).toMatchObject({
      'arg.pagefault.address': k.addr('a+2p+0x321'),
      'arg.pagefault.feat.ptid': 0,
    });
  });

  it('a multi-page write blocks on each missing page in turn', async () => {
    await missing();
    await k.copy('uffd', 'a', '1p', 0);
    await k.touch('T1', 'a+0x800', 'write', { len: '2p', value: 0xee });
    expect(k.thread('T1').address).toBe(k.addr('a+1p'));
    await k.copy('uffd', 'a+1p', '1p', 0);
    expect(k.thread('T1').address).toBe(k.addr('a+2p'));
    await k.copy('uffd', 'a+2p', '1p', 0);
    expect(k.thread('T1').state).toBe('done');
    expect([k.content('a', 1), k.content('a', 2)]).toEqual(['ee', '00 @0=ee' + ee(1, 0x7ff)]);
  });
});

const ee = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => ` @${(from + i).toString(16)}=ee`).join('');

describe('read and poll', () => {
  it('does not block the monitor on a blocking uffd with nothing to read', async () => {
    await missing([], ['O_CLOEXEC']);
    const r = await k.read('uffd');
    expect(r).toMatchObject({ ret: -1, blocked: true });
    expect(r.errno).toBeUndefined();
    expect(r.notes?.[0]).toMatch(/would block/);
    expect((await k.run({ op: 'poll', fd: 'uffd' })).revents).toBe(0x8);
    await k.touch('T1', 'a', 'read');
    expect((await k.read('uffd')).ret).toBe(32);
  });

  it('refuses a buffer smaller than a message (EINVAL)', async () => {
    await missing();
    expect(await k.read('uffd', 31)).toMatchObject({ ret: -1, errno: EINVAL });
  });
});

describe('write protection', () => {
  it('a write to a protected page faults WP|WRITE until unprotected', async () => {
    await missing();
    await k.copy('uffd', 'a', '1p', 1);
    await k.ioctl('uffd', 'UFFDIO_WRITEPROTECT', { range: { start: 'a', len: '1p' }, mode: 'WP' });
    await k.touch('T1', 'a+8', 'write', { value: 2 });
    expect(k.queue('uffd').pending).toEqual([{ thread: 'T1', address: k.addr('a'), flags: 3 }]);
    expect((await k.read('uffd')).msgs?.[0]?.fields['arg.pagefault.flags']).toBe(3n);
    await k.ioctl('uffd', 'UFFDIO_WRITEPROTECT', { range: { start: 'a', len: '1p' }, mode: 0 });
    expect(k.thread('T1').state).toBe('done');
    expect(k.content('a', 0)).toBe('01 @8=02');
  });

  it('protects unpopulated anonymous pages only with WP_UNPOPULATED', async () => {
    await k.mmap('a', 'anon', '2p');
    await k.uffd('plain');
    await k.register('plain', 'a', '1p', 'WP');
    await k.ioctl('plain', 'UFFDIO_WRITEPROTECT', { range: { start: 'a', len: '1p' }, mode: 'WP' });
    await k.touch('T1', 'a', 'write');
    expect(k.thread('T1').state).toBe('done');
    await k.uffd('unpop', 'UFFD_FEATURE_WP_UNPOPULATED');
    await k.register('unpop', 'a+1p', '1p', 'WP');
    await k.ioctl('unpop', 'UFFDIO_WRITEPROTECT', { range: { start: 'a+1p', len: '1p' }, mode: 'WP' });
    expect(k.page('a', 1)).toBe('write-protected');
    await k.touch('T1', 'a+1p', 'write');
    expect(k.queue('unpop').pending).toEqual([{ thread: 'T1', address: k.addr('a+1p'), flags: 3 }]);
  });
});

describe('a minor fault', () => {
  it('is raised by a page in the page cache but not mapped, and resolved by CONTINUE', async () => {
    await k.mmap('a', 'memfd', '2p', { file: 'f' });
    await k.mmap('b', 'memfd', '2p', { file: 'f' });
    await k.uffd('uffd');
    await k.register('uffd', 'b', '2p', 'MINOR');
    await k.touch('W', 'a', 'write', { len: '1p', value: 0x55 });
    expect([k.page('b', 0), k.content('b', 0), k.page('b', 1)]).toEqual(['cache-only', '55', 'missing']);
    await k.touch('T1', 'b+7', 'read');
    expect(k.queue('uffd').pending).toEqual([{ thread: 'T1', address: k.addr('b'), flags: 4 }]);
    expect((await k.read('uffd')).msgs?.[0]?.fields['arg.pagefault.flags']).toBe(4n);
    const c = await k.ioctl('uffd', 'UFFDIO_CONTINUE', { range: { start: 'b', len: '1p' } });
    expect(c.struct?.after.mapped).toBe(4096n);
    expect(k.thread('T1')).toMatchObject({ state: 'done', value: 0x55 });
    expect(await k.ioctl('uffd', 'UFFDIO_CONTINUE', { range: { start: 'b', len: '1p' } })).toMatchObject({
      errno: EEXIST,
    });
    const hole = await k.ioctl('uffd', 'UFFDIO_CONTINUE', { range: { start: 'b+1p', len: '1p' } });
    expect(hole).toMatchObject({ ret: -1, errno: EFAULT });
    expect(hole.struct?.after.mapped).toBe(-14n);
  });
});

describe('the page cache of shared memory', () => {
  it('keeps a page MADV_DONTNEED dropped from a shared anonymous mapping: cache-only, with its content', async () => {
    await k.mmap('s', 'shmem', '2p');
    await k.touch('W', 's', 'write', { len: '1p', value: 0x6b });
    await k.run({ op: 'madvise', addr: 's', len: '2p', advice: 'MADV_DONTNEED' });
    expect([k.page('s', 0), k.page('s', 1)]).toEqual(['cache-only', 'missing']);
    // Its bytes are read through /proc/self/map_files, which only root may open.
    if (process.getuid?.() === 0) expect(k.content('s', 0)).toBe('6b');
    await k.run({ op: 'madvise', addr: 's', len: '1p', advice: 'MADV_REMOVE' });
    expect(k.page('s', 0)).toBe('missing');
  });
});

describe('SIGBUS', () => {
  it('a poisoned page raises SIGBUS in the touching thread (si_code BUS_ADRERR, exact address)', async () => {
    await missing();
    await k.ioctl('uffd', 'UFFDIO_POISON', { range: { start: 'a+1p', len: '1p' } });
    await k.touch('T1', 'a+1p+0x10', 'read');
    expect(k.thread('T1')).toMatchObject({ state: 'sigbus', address: k.addr('a+1p+0x10'), sigbusCode: 2 });
    await k.touch('T1', 'a+2p', 'read');
    expect(k.thread('T1').state).toBe('blocked-fault');
  });

  it('with UFFD_FEATURE_SIGBUS a missing fault raises SIGBUS and queues nothing', async () => {
    await missing(['UFFD_FEATURE_SIGBUS']);
    await k.touch('T1', 'a+3p+9', 'write');
    expect(k.thread('T1')).toMatchObject({ state: 'sigbus', address: k.addr('a+3p+9'), sigbusCode: 2 });
    expect(await k.read('uffd')).toMatchObject({ errno: EAGAIN });
  });
});

describe('signals and close', () => {
  it('a signal takes a blocked thread out of the queue and it faults again', async () => {
    await missing();
    await k.touch('T1', 'a', 'read');
    await k.run({ op: 'signal', thread: 'T1', signal: 'SIGUSR1' });
    expect(k.queue('uffd')).toMatchObject({ pending: [{ thread: 'T1' }], waiting: [] });
    expect(k.last.notes).toBeUndefined();
    await k.read('uffd');
    await k.run({ op: 'signal', thread: 'T1', signal: 'SIGUSR1' });
    expect(k.queue('uffd')).toMatchObject({ pending: [{ thread: 'T1' }], waiting: [] });
    expect((await k.read('uffd')).ret).toBe(32);
  });

  it('closing the uffd wakes every blocked thread; the faults complete as ordinary ones', async () => {
    await missing();
    await k.touch('T1', 'a', 'read');
    await k.touch('T2', 'a+1p', 'write', { value: 3 });
    await k.read('uffd');
    const r = await k.run({ op: 'close', fd: 'uffd' });
    expect(r.ret).toBe(0);
    expect(k.thread('T1')).toMatchObject({ state: 'done', value: 0 });
    expect(k.thread('T2').state).toBe('done');
    expect(r.snapshot.registrations).toEqual([]);
    expect(await k.read('uffd')).toMatchObject({ ret: -1, errno: 9 });
  });
});
