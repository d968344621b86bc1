// Non-cooperative events on the real kernel (reference 2.5, 2.8, 2.9, 2.11): the thread doing
// munmap, madvise, mremap or fork blocks until the monitor reads the event.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UFFD_EVENT_FORK, UFFD_EVENT_REMAP, UFFD_EVENT_REMOVE, UFFD_EVENT_UNMAP } from '../../portable/uapi';
import { K } from './test-kit';

let k: K;
beforeEach(async () => {
  k = await K.open();
});
afterEach(() => k.dispose());

const EVENTS = ['UFFD_FEATURE_EVENT_REMOVE', 'UFFD_FEATURE_EVENT_UNMAP', 'UFFD_FEATURE_EVENT_REMAP'];

async function registered(len = '4p', features = EVENTS) {
  await k.mmap('a', 'anon', len);
  await k.uffd('uffd', features);
  await k.register('uffd', 'a', len, 'MISSING');
}

describe('UFFD_EVENT_REMOVE', () => {
  it('madvise(MADV_DONTNEED) blocks until its event is read; COPY meanwhile fails EAGAIN', async () => {
    await registered();
    await k.copy('uffd', 'a', '2p', 1);
    const r = await k.run({ op: 'madvise', addr: 'a', len: '2p', advice: 'MADV_DONTNEED', thread: 'M' });
    expect(r).toMatchObject({ ret: 0, blocked: true });
    expect(k.thread('M')).toMatchObject({ state: 'blocked-event', uffd: 'uffd' });
    expect(k.queue('uffd').events).toEqual([{ thread: 'M', event: UFFD_EVENT_REMOVE }]);
    const c = await k.copy('uffd', 'a+2p', '1p', 1);
    expect(c).toMatchObject({ ret: -1, errno: 11 });
    expect(c.struct?.after.copy).toBe(-11n);
    const m = (await k.read('uffd')).msgs?.[0];
    expect(m?.fields).toMatchObject({
      event: UFFD_EVENT_REMOVE,
      'arg.remove.start': k.addr('a'),
      'arg.remove.end': k.addr('a+2p'),
    });
    expect(k.thread('M').state).toBe('done');
    expect(k.queue('uffd').events).toEqual([]);
    expect([k.page('a', 0), k.page('a', 1)]).toEqual(['missing', 'missing']);
  });

  it('a page fault queued after the event is read first', async () => {
    await registered();
    await k.run({ op: 'madvise', addr: 'a', len: '1p', advice: 'MADV_DONTNEED', thread: 'M' });
    await k.touch('T1', 'a+3p', 'read');
    const r = await k.read('uffd', 64);
    expect(r.msgs?.map((m) => m.event)).toEqual([0x12, UFFD_EVENT_REMOVE]);
    expect(k.thread('M').state).toBe('done');
    expect(k.queue('uffd')).toMatchObject({ waiting: [{ thread: 'T1' }], events: [] });
  });

  it('is clipped to the registered vma (2.11)', async () => {
    await k.mmap('a', 'anon', '4p');
    await k.uffd('uffd', EVENTS);
    await k.register('uffd', 'a+1p', '1p', 'MISSING');
    await k.run({ op: 'madvise', addr: 'a', len: '4p', advice: 'MADV_DONTNEED' });
    const m = (await k.read('uffd')).msgs?.[0];
    expect(m?.fields).toMatchObject({ 'arg.remove.start': k.addr('a+1p'), 'arg.remove.end': k.addr('a+2p') });
    expect(k.thread('main').state).toBe('done');
  });
});

describe('UFFD_EVENT_UNMAP', () => {
  it('munmap sends the whole munmap range, unclipped, and blocks until read', async () => {
    await k.mmap('a', 'anon', '4p');
    await k.uffd('uffd', EVENTS);
    await k.register('uffd', 'a+1p', '1p', 'MISSING');
    const r = await k.run({ op: 'munmap', addr: 'a', len: '4p' });
    expect(r.blocked).toBe(true);
    expect(k.page('a', 0)).toBe('not-mapped');
    const m = (await k.read('uffd')).msgs?.[0];
    expect(m?.fields).toMatchObject({
      event: UFFD_EVENT_UNMAP,
      'arg.remove.start': k.addr('a'),
      'arg.remove.end': k.addr('a+4p'),
    });
    expect(k.thread('main').state).toBe('done');
    expect(k.last.snapshot.registrations).toEqual([]);
  });
});

describe('UFFD_EVENT_REMAP', () => {
  it('mremap moves the range: REMAP (old length), then UNMAP of the old range; it stays registered', async () => {
    await registered('2p');
    const r = await k.run({
      op: 'mremap',
      addr: 'a',
      oldLen: '2p',
      newLen: '64p',
      flags: ['MREMAP_MAYMOVE'],
      as: 'b',
    });
    expect(r.blocked).toBe(true);
    const remap = (await k.read('uffd')).msgs?.[0];
    expect(remap?.fields).toMatchObject({
      event: UFFD_EVENT_REMAP,
      'arg.remap.from': k.addr('a'),
      'arg.remap.to': k.addr('b'),
      'arg.remap.len': 0x2000n,
    });
    expect(k.queue('uffd').events).toEqual([{ thread: 'main', event: UFFD_EVENT_UNMAP }]);
    const unmap = await k.read('uffd');
    expect(unmap.msgs?.[0]?.fields).toMatchObject({
      'arg.remove.start': k.addr('a'),
      'arg.remove.end': k.addr('a+2p'),
    });
    expect(k.thread('main').state).toBe('done');
    expect(k.last.snapshot.registrations).toEqual([
      { process: 'main', start: k.addr('b'), end: k.addr('b+64p'), uffd: 'uffd', mode: 1n },
    ]);
    expect((await k.copy('uffd', 'b', '1p', 3)).ret).toBe(0);
  });

  it('a mremap that shrinks in place sends UNMAP for the tail', async () => {
    await registered('4p');
    const r = await k.run({ op: 'mremap', addr: 'a', oldLen: '4p', newLen: '2p' });
    expect(r.blocked).toBe(true);
    const m = (await k.read('uffd')).msgs?.[0];
    expect(m?.fields).toMatchObject({
      event: UFFD_EVENT_UNMAP,
      'arg.remove.start': k.addr('a+2p'),
      'arg.remove.end': k.addr('a+4p'),
    });
    expect(k.thread('main').state).toBe('done');
    expect([k.page('a', 1), k.page('a', 2)]).toEqual(['missing', 'not-mapped']);
  });

  it('without EVENT_REMAP the moved range loses its registration', async () => {
    await registered('2p', []);
    const r = await k.run({
      op: 'mremap',
      addr: 'a',
      oldLen: '2p',
      newLen: '2p',
      flags: ['MREMAP_MAYMOVE'],
      as: 'b',
    });
    expect(r).toMatchObject({ ret: Number(k.addr('b')), addr: k.addr('b') });
    expect(r.blocked).toBeUndefined();
    expect(await k.copy('uffd', 'b', '1p', 3)).toMatchObject({ errno: 2 });
  });
});

describe('UFFD_EVENT_FORK', () => {
  it('fork blocks until the FORK message is read; the child faults to the new uffd', async () => {
    await k.mmap('a', 'anon', '3p');
    await k.uffd('uffd', 'UFFD_FEATURE_EVENT_FORK');
    await k.register('uffd', 'a', '3p', 'MISSING');
    await k.copy('uffd', 'a', '1p', 0x61);
    const f = await k.run({ op: 'fork', child: 'c' });
    expect(f.blocked).toBe(true);
    expect(k.queue('uffd').events).toEqual([{ thread: 'main', event: UFFD_EVENT_FORK }]);
    // The kernel sends FORK before the child gets a pid: it does not run until the message is read.
    // Meanwhile its areas are shown as main's were at fork().
    expect(k.last.snapshot.processes.find((p) => p.name === 'c')).toMatchObject({ alive: true, pid: 0 });
    expect([k.page('a', 0, 'c'), k.content('a', 0, 'c')]).toEqual(['present', '61']);
    expect(k.last.snapshot.registrations.map((x) => [x.process, x.uffd])).toEqual([
      ['main', 'uffd'],
      ['c', 'uffd@c'],
    ]);
    expect(k.last.notes?.join()).toMatch(/has not run yet/);
    expect((await k.touch('c', 'a', 'read')).usageError?.message).toMatch(/has not started/);

    const r = await k.read('uffd');
    const ufd = Number(r.msgs?.[0]?.fields['arg.fork.ufd']);
    expect(r.msgs?.[0]?.bytes.subarray(12)).toEqual(new Uint8Array(20));
    expect(k.thread('main')).toMatchObject({ state: 'done' });
    expect(k.last.ret).toBe(32);
    expect(k.last.snapshot.processes.find((p) => p.name === 'c')?.pid).toBeGreaterThan(0);
    expect(k.queue('uffd@c')).toMatchObject({ fd: ufd, mm: 'c', initialized: true, features: 2n });
    expect(k.last.snapshot.registrations.map((x) => [x.process, x.uffd])).toEqual([
      ['main', 'uffd'],
      ['c', 'uffd@c'],
    ]);
    expect([k.page('a', 0, 'c'), k.content('a', 0, 'c'), k.page('a', 1, 'c')]).toEqual([
      'present',
      '61',
      'missing',
    ]);

    await k.touch('c', 'a+1p', 'read');
    expect(k.thread('c')).toMatchObject({ state: 'blocked-fault', uffd: 'uffd@c', address: k.addr('a+1p') });
    expect(k.queue('uffd@c').pending).toEqual([{ thread: 'c', address: k.addr('a+1p'), flags: 0 }]);
    expect(k.queue('uffd').pending).toEqual([]);
    expect((await k.read('uffd@c')).msgs?.[0]?.fields['arg.pagefault.address']).toBe(k.addr('a+1p'));
    await k.copy('uffd@c', 'a+1p', '1p', 0x62);
    expect(k.thread('c')).toMatchObject({ state: 'done', value: 0x62 });
    expect(k.page('a', 1)).toBe('missing');
    expect(await k.ioctl('uffd@c', 'UFFDIO_API', { api: 'UFFD_API' })).toMatchObject({ errno: 22 });

    await k.touch('c', 'a+2p', 'read');
    expect(k.queue('uffd@c').pending).toHaveLength(1);
    await k.run({ op: 'exit', process: 'c' });
    // The child has no mm: its areas, registrations and queue entries go; its thread is nowhere.
    expect(k.last.snapshot.processes.find((p) => p.name === 'c')?.alive).toBe(false);
    expect(k.thread('c')).toMatchObject({ state: 'exited' });
    expect(k.thread('c').address).toBeUndefined();
    expect(k.last.snapshot.areas.filter((a) => a.process === 'c')).toEqual([]);
    expect(k.last.snapshot.registrations.map((x) => x.process)).toEqual(['main']);
    expect(k.queue('uffd@c').pending).toEqual([]);
    expect(await k.copy('uffd@c', 'a+1p', '1p', 0)).toMatchObject({ errno: 3 });
  });

  it('without EVENT_FORK the child is not registered: its access just reads', async () => {
    await k.mmap('a', 'anon', '1p');
    await k.uffd('uffd');
    await k.register('uffd', 'a', '1p', 'MISSING');
    expect((await k.run({ op: 'fork', child: 'c' })).blocked).toBeUndefined();
    await k.touch('c', 'a', 'read');
    expect(k.thread('c')).toMatchObject({ state: 'done', value: 0 });
    expect(k.last.snapshot.registrations.map((x) => x.process)).toEqual(['main']);
  });
});

describe('a child’s own memory calls', () => {
  it('mremap and madvise in the child wait for their events on the child’s uffd; mmap there too', async () => {
    await k.mmap('a', 'anon', '2p');
    await k.uffd('uffd', [
      'UFFD_FEATURE_EVENT_FORK',
      'UFFD_FEATURE_EVENT_REMAP',
      'UFFD_FEATURE_EVENT_REMOVE',
    ]);
    await k.register('uffd', 'a', '2p', 'MISSING');
    await k.copy('uffd', 'a', '1p', 0x11);
    await k.run({ op: 'fork', child: 'c' });
    await k.read('uffd');
    const r = await k.run({
      op: 'mremap',
      thread: 'c',
      addr: 'a',
      oldLen: '2p',
      newLen: '2p',
      flags: ['MREMAP_MAYMOVE'],
      as: 'm',
    });
    expect(r.blocked).toBe(true);
    expect(k.queue('uffd@c').events).toEqual([{ thread: 'c', event: UFFD_EVENT_REMAP }]);
    expect(k.queue('uffd').events).toEqual([]);
    const remap = (await k.read('uffd@c')).msgs?.[0];
    expect(remap?.fields).toMatchObject({ 'arg.remap.from': k.addr('a'), 'arg.remap.to': k.addr('m') });
    expect(k.thread('c').state).toBe('done');
    expect([k.page('m', 0, 'c'), k.content('m', 0, 'c'), k.page('a', 0, 'c'), k.page('a', 0)]).toEqual([
      'present',
      '11',
      'not-mapped',
      'present',
    ]);
    await k.run({ op: 'madvise', thread: 'c', addr: 'm', len: '2p', advice: 'MADV_DONTNEED' });
    expect(k.queue('uffd@c').events).toEqual([{ thread: 'c', event: UFFD_EVENT_REMOVE }]);
    await k.read('uffd@c');
    expect(k.page('m', 0, 'c')).toBe('missing');
    const mm = await k.run({ op: 'mmap', thread: 'c', as: 'n', kind: 'anon', len: '1p' });
    expect(mm).toMatchObject({ ret: Number(k.addr('n')), addr: k.addr('n') });
    expect(k.page('n', 0, 'c')).toBe('missing');
    expect(k.last.snapshot.areas.some((x) => x.name === 'n' && x.process === 'main')).toBe(false);
    await k.run({ op: 'exit', process: 'c' });
    // It has no mm: its areas go, the ones it made itself included; main's stay.
    expect(k.last.snapshot.areas.filter((x) => x.process === 'c')).toEqual([]);
    expect(k.page('a', 0)).toBe('present');
  });
});

describe('close', () => {
  it('releases a thread waiting for its event', async () => {
    await registered();
    await k.run({ op: 'madvise', addr: 'a', len: '1p', advice: 'MADV_DONTNEED', thread: 'M' });
    await k.run({ op: 'close', fd: 'uffd' });
    expect(k.thread('M').state).toBe('done');
  });
});
