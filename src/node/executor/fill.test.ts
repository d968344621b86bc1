// The ioctls that fill pages, as the real kernel answers them (reference 1.12, 1.13): results
// in the struct's output field, partial progress with EAGAIN, page states and contents after.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { K } from './test-kit';

let k: K;
beforeEach(async () => {
  k = await K.open();
  await k.mmap('a', 'anon', '4p');
  await k.uffd('uffd');
  await k.register('uffd', 'a', '4p', ['MISSING', 'WP']);
});
afterEach(() => k.dispose());

const [ENOENT, EAGAIN, EEXIST, EINVAL] = [2, 11, 17, 22];

describe('UFFDIO_COPY', () => {
  it('copies two pages and reports 8192; the pages hold the source bytes', async () => {
    const r = await k.copy('uffd', 'a', '2p', 0x41);
    expect(r.ret).toBe(0);
    expect(r.struct?.after.copy).toBe(8192n);
    expect([k.page('a', 0), k.page('a', 1), k.page('a', 2)]).toEqual(['present', 'present', 'missing']);
    expect(k.content('a', 1)).toBe('41');
  });

  it('fails with EEXIST (copy = -EEXIST) over a present first page', async () => {
    await k.copy('uffd', 'a', '1p', 1);
    const r = await k.copy('uffd', 'a', '1p', 2);
    expect(r).toMatchObject({ ret: -1, errno: EEXIST });
    expect(r.struct?.after.copy).toBe(-17n);
    expect(k.content('a', 0)).toBe('01');
  });

  it('stops at a present second page: EAGAIN, copy = the bytes before it', async () => {
    await k.copy('uffd', 'a+1p', '1p', 1);
    const r = await k.copy('uffd', 'a', '2p', 2);
    expect(r).toMatchObject({ ret: -1, errno: EAGAIN });
    expect(r.struct?.after.copy).toBe(4096n);
  });

  it('leaves the output field alone when the mode is invalid', async () => {
    const r = await k.ioctl('uffd', 'UFFDIO_COPY', { dst: 'a', src: 'a+2p', len: '1p', mode: 4, copy: 7 });
    expect(r).toMatchObject({ ret: -1, errno: EINVAL });
    expect(r.struct?.after.copy).toBe(7n);
  });

  it('answers ENOENT across the end of the vma and on an unregistered one', async () => {
    await k.mmap('b', 'anon', '1p');
    expect(await k.copy('uffd', 'a+3p', '2p', 1)).toMatchObject({ ret: -1, errno: ENOENT });
    expect(await k.copy('uffd', 'b', '1p', 1)).toMatchObject({ ret: -1, errno: ENOENT });
  });

  it('with MODE_WP installs the page write-protected', async () => {
    await k.copy('uffd', 'a', '1p', 5, 'UFFDIO_COPY_MODE_WP');
    expect(k.page('a', 0)).toBe('write-protected');
  });
});

describe('UFFDIO_ZEROPAGE', () => {
  it('maps the zero page, then EEXIST over it', async () => {
    const r = await k.ioctl('uffd', 'UFFDIO_ZEROPAGE', { range: { start: 'a', len: '1p' } });
    expect(r.struct?.after.zeropage).toBe(4096n);
    expect(k.page('a', 0)).toBe('zero');
    expect(k.content('a', 0)).toBe('00');
    const again = await k.ioctl('uffd', 'UFFDIO_ZEROPAGE', { range: { start: 'a', len: '1p' } });
    expect(again).toMatchObject({ ret: -1, errno: EEXIST });
  });
});

describe('UFFDIO_POISON', () => {
  it('poisons a page (EEXIST a second time); COPY overwrites the marker', async () => {
    const r = await k.ioctl('uffd', 'UFFDIO_POISON', { range: { start: 'a', len: '1p' } });
    expect(r.struct?.after.updated).toBe(4096n);
    expect(k.page('a', 0)).toBe('poisoned');
    expect(await k.ioctl('uffd', 'UFFDIO_POISON', { range: { start: 'a', len: '1p' } })).toMatchObject({
      errno: EEXIST,
    });
    expect((await k.copy('uffd', 'a', '1p', 9)).ret).toBe(0);
    expect(k.page('a', 0)).toBe('present');
  });
});

describe('UFFDIO_WRITEPROTECT', () => {
  it('protects and unprotects a present page; refuses WP|DONTWAKE', async () => {
    await k.copy('uffd', 'a', '1p', 1);
    await k.ioctl('uffd', 'UFFDIO_WRITEPROTECT', { range: { start: 'a', len: '1p' }, mode: 'WP' });
    expect(k.page('a', 0)).toBe('write-protected');
    await k.ioctl('uffd', 'UFFDIO_WRITEPROTECT', { range: { start: 'a', len: '1p' }, mode: 0 });
    expect(k.page('a', 0)).toBe('present');
    expect(
      await k.ioctl('uffd', 'UFFDIO_WRITEPROTECT', {
        range: { start: 'a', len: '1p' },
        mode: ['WP', 'DONTWAKE'],
      }),
    ).toMatchObject({ errno: EINVAL });
  });

  it('answers ENOENT on a vma not registered for WP', async () => {
    await k.mmap('b', 'anon', '1p');
    await k.register('uffd', 'b', '1p', 'MISSING');
    const r = await k.ioctl('uffd', 'UFFDIO_WRITEPROTECT', { range: { start: 'b', len: '1p' }, mode: 'WP' });
    expect(r).toMatchObject({ ret: -1, errno: ENOENT });
  });
});

describe('UFFDIO_MOVE', () => {
  it('moves a page into the registered range; EEXIST onto a present one; src holes by mode', async () => {
    await k.mmap('s', 'anon', '2p');
    await k.touch('T', 's', 'write', { len: '1p', value: 0x77 });
    const r = await k.ioctl('uffd', 'UFFDIO_MOVE', { dst: 'a', src: 's', len: '1p', mode: 0 });
    expect(r.struct?.after.move).toBe(4096n);
    expect([k.page('a', 0), k.content('a', 0), k.page('s', 0)]).toEqual(['present', '77', 'missing']);
    expect(await k.ioctl('uffd', 'UFFDIO_MOVE', { dst: 'a', src: 's', len: '1p', mode: 0 })).toMatchObject({
      errno: EEXIST,
    });
    expect(
      await k.ioctl('uffd', 'UFFDIO_MOVE', { dst: 'a+1p', src: 's+1p', len: '1p', mode: 0 }),
    ).toMatchObject({
      errno: ENOENT,
    });
    const holes = await k.ioctl('uffd', 'UFFDIO_MOVE', {
      dst: 'a+1p',
      src: 's+1p',
      len: '1p',
      mode: 'ALLOW_SRC_HOLES',
    });
    expect(holes.struct?.after.move).toBe(4096n);
  });
});

describe('UFFDIO_WAKE', () => {
  it('refuses a zero length and wakes nobody on an empty range', async () => {
    expect(await k.ioctl('uffd', 'UFFDIO_WAKE', { start: 'a', len: 0 })).toMatchObject({ errno: EINVAL });
    expect((await k.ioctl('uffd', 'UFFDIO_WAKE', { start: 'a', len: '4p' })).ret).toBe(0);
  });
});
