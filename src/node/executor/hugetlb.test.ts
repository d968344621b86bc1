// hugetlb areas on the real kernel (reference 1.13): the executor adds the huge pages a session
// needs to the pool as root, and gives back exactly what it added when the session ends. Other
// test files change the pool meanwhile, so the checks read the session's own pool changes, each
// taken under the pool's lock, never the pool's size at two moments.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canReserve, hugePageInfo } from './hugepages';
import { K } from './test-kit';

const EINVAL = 22;
const reservable = canReserve();

let k: K;
beforeEach(async () => {
  k = await K.open();
});
afterEach(() => k.dispose());

/**
 * Maps a hugetlb area. Without root and with no free huge pages it cannot: the test then checks
 * that the executor says so plainly, and stops there.
 */
async function mapHuge(
  name: string,
  len: string,
  more: { shared?: boolean; file?: string } = {},
): Promise<boolean> {
  const r = await k.run({ op: 'mmap', as: name, kind: 'hugetlb', len, ...more });
  if (!reservable && hugePageInfo().free === 0) {
    expect(r.usageError?.message).toMatch(/only root can reserve/);
    console.info('hugetlb: not root and no free huge pages; checked only that the executor says so');
    return false;
  }
  expect(r.usageError).toBeUndefined();
  expect(r.ret).not.toBe(-1);
  return true;
}

describe('hugetlb (reserving huge pages needs root: vm.nr_hugepages)', () => {
  it('reserves pages for a mapping, registers with the basic ioctls, copies whole huge pages', async () => {
    if (!(await mapHuge('h', '2h'))) return;
    if (reservable) expect(k.x.machine.huge.share).toBe(2);
    expect(k.last.snapshot.areas.find((a) => a.name === 'h')).toMatchObject({
      pageSize: 2 << 20,
      len: 4n << 20n,
    });
    await k.uffd('uffd');
    expect(await k.register('uffd', 'h+4k', '1h', 'MISSING')).toMatchObject({ errno: EINVAL });
    expect((await k.register('uffd', 'h', '2h', 'MISSING')).struct?.after.ioctls).toBe(0x10cn);
    const zp = await k.ioctl('uffd', 'UFFDIO_ZEROPAGE', { range: { start: 'h', len: '1h' } });
    expect(zp).toMatchObject({ errno: EINVAL });
    expect(zp.struct?.after.zeropage).toBe(-22n);
    expect(await k.copy('uffd', 'h', '1p', 1)).toMatchObject({ errno: EINVAL });
    await k.touch('T1', 'h+1h+0x1234', 'read');
    expect(k.thread('T1')).toMatchObject({ state: 'blocked-fault', address: k.addr('h+1h') });
    expect(k.queue('uffd').pending[0]?.address).toBe(k.addr('h+1h'));
    const c = await k.copy('uffd', 'h+1h', '1h', 0x5a);
    expect(c.struct?.after.copy).toBe(2n << 20n);
    expect(k.thread('T1')).toMatchObject({ state: 'done', value: 0x5a });
    expect([k.page('h', 0), k.page('h', 1), k.content('h', 1)]).toEqual(['missing', 'present', '5a']);
  });

  it('gives the reserved pages back when the session ends', async () => {
    if (!(await mapHuge('h', '1h', { shared: true }))) return;
    await k.touch('T1', 'h', 'write', { value: 7 });
    expect(k.page('h', 0)).toBe('present');
    // Its page stays in the file when unmapped: mapping the file again needs no more.
    await k.run({ op: 'munmap', addr: 'h', len: '1h' });
    await mapHuge('again', '1h', { shared: true, file: 'h' });
    expect(k.content('again', 0)).toBe('00 @0=07');
    // A private area's page goes back to the pool when unmapped: the next one reuses it.
    await mapHuge('p', '1h');
    await k.touch('T2', 'p', 'write', { value: 8 });
    await k.run({ op: 'munmap', addr: 'p', len: '1h' });
    await mapHuge('q', '1h');
    const huge = k.x.machine.huge;
    const share = huge.share;
    expect(share).toBe(reservable ? 2 : 0);
    await k.dispose();
    expect(huge.share).toBe(0);
    if (reservable)
      expect(huge.lastRelease).toEqual({
        before: huge.lastRelease!.before,
        after: huge.lastRelease!.before - 2,
      });
  });

  it('a shared hugetlb file: a page in its cache is a minor fault through an alias', async () => {
    if (!(await mapHuge('a', '1h', { shared: true, file: 'hf' }))) return;
    await mapHuge('b', '1h', { shared: true, file: 'hf' });
    await k.uffd('uffd');
    expect((await k.register('uffd', 'b', '1h', 'MINOR')).struct?.after.ioctls).toBe(0x18cn);
    await k.touch('W', 'a', 'write', { value: 0x33 });
    expect([k.page('b', 0), k.content('b', 0)]).toEqual(['cache-only', '00 @0=33']);
    await k.touch('T1', 'b+9', 'read');
    expect(k.queue('uffd').pending).toEqual([{ thread: 'T1', address: k.addr('b'), flags: 4 }]);
    await k.ioctl('uffd', 'UFFDIO_CONTINUE', { range: { start: 'b', len: '1h' } });
    expect(k.thread('T1')).toMatchObject({ state: 'done', value: 0 });
  });

  it('shows a poisoned huge page (PAGEMAP_SCAN: swapped, no uffd-wp) and SIGBUS on touch', async () => {
    if (!(await mapHuge('h', '2h'))) return;
    await k.uffd('uffd');
    await k.register('uffd', 'h', '2h', 'MISSING');
    const r = await k.ioctl('uffd', 'UFFDIO_POISON', { range: { start: 'h', len: '1h' } });
    expect(r.struct?.after.updated).toBe(2n << 20n);
    expect([k.page('h', 0), k.page('h', 1)]).toEqual(['poisoned', 'missing']);
    await k.touch('T1', 'h+8', 'read');
    expect(k.thread('T1')).toMatchObject({ state: 'sigbus', address: k.addr('h+8') });
  });

  it('a forked child gets huge pages of its own for its private mapping (no reservation there)', async () => {
    if (!(await mapHuge('h', '2h'))) return;
    await k.uffd('uffd', 'UFFD_FEATURE_EVENT_FORK');
    await k.register('uffd', 'h', '2h', 'MISSING');
    await k.run({ op: 'fork', child: 'c' });
    await k.read('uffd');
    await k.touch('c', 'h+1h', 'read');
    await k.read('uffd@c');
    expect((await k.copy('uffd@c', 'h+1h', '1h', 9)).ret).toBe(0);
    expect(k.thread('c')).toMatchObject({ state: 'done', value: 9 });
  });
});
