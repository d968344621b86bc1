// The executor passes the kernel only addresses of the session's own region, or addresses the
// kernel refuses before it uses any memory. Everything else is refused before any syscall.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { K } from './test-kit';

let k: K;
beforeEach(async () => {
  k = await K.open();
  await k.mmap('a', 'anon', '4p');
  await k.uffd('uffd');
});
afterEach(() => k.dispose());

/** An address of Node's own heap: never the session's. */
function nodeHeap(): bigint {
  const line = readFileSync('/proc/self/maps', 'utf8')
    .split('\n')
    .find((l) => l.includes('[heap]'))!;
  return BigInt(`0x${line.split('-')[0]}`);
}

/** Every vma of this process registered with a uffd (smaps VmFlags um/uw/ui). */
function registeredAnywhere(): string[] {
  const out: string[] = [];
  let range = '';
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) range = line.split(' ')[0]!;
    else if (line.startsWith('VmFlags:') && /\b(um|uw|ui)\b/.test(line)) out.push(range);
  }
  return out;
}

describe('addresses outside the session', () => {
  it('refuses to register Node’s own memory, naming the field, and the kernel sees nothing', async () => {
    const heap = nodeHeap();
    const r = await k.register('uffd', Number(heap), '4p', 'MISSING');
    expect(r.usageError).toMatchObject({ field: 'arg.range.start' });
    expect(r.usageError?.message).toMatch(/outside this session/);
    expect(r.call).toBe('');
    expect(registeredAnywhere()).toEqual([]);
  });

  it('refuses a range that starts inside the session and runs out of it', async () => {
    const r = await k.register('uffd', 'a', Number(1n << 41n), 'MISSING');
    expect(r.usageError?.field).toBe('arg.range.start');
    expect(registeredAnywhere()).toEqual([]);
  });

  it('refuses a COPY source that is not the session’s', async () => {
    await k.register('uffd', 'a', '4p', 'MISSING');
    const r = await k.ioctl('uffd', 'UFFDIO_COPY', { dst: 'a', src: Number(nodeHeap()), len: '1p' });
    expect(r.usageError?.field).toBe('arg.src');
    expect(k.page('a', 0)).toBe('missing');
  });

  it('copies from another area of the session', async () => {
    await k.register('uffd', 'a', '4p', 'MISSING');
    await k.mmap('s', 'anon', '1p');
    await k.touch('T', 's', 'write', { len: '1p', value: 0x3c });
    expect((await k.ioctl('uffd', 'UFFDIO_COPY', { dst: 'a', src: 's', len: '1p' })).ret).toBe(0);
    expect(k.content('a', 0)).toBe('3c');
  });

  it('passes what validate_range() refuses anyway: the kernel answers EINVAL', async () => {
    const heap = nodeHeap();
    expect(await k.register('uffd', Number(heap + 1n), '1p', 'MISSING')).toMatchObject({
      ret: -1,
      errno: 22,
    });
    expect(await k.register('uffd', '0x7ffffffff000', '1p', 'MISSING')).toMatchObject({ ret: -1, errno: 22 });
    expect(await k.register('uffd', Number(heap), 0, 'MISSING')).toMatchObject({ ret: -1, errno: 22 });
  });

  it('passes addresses past the end of user space: the kernel refuses them before any use', async () => {
    await k.register('uffd', 'a', '4p', 'MISSING');
    const r = await k.ioctl('uffd', 'UFFDIO_COPY', { dst: 'a', src: '0x800000000000', len: '1p' });
    expect(r).toMatchObject({ ret: -1, errno: 22 });
    expect(r.struct?.after.copy).toBe(0n);
  });

  it('refuses memory calls and touches outside, and a touch of a hole between areas', async () => {
    const heap = Number(nodeHeap());
    for (const op of [
      { op: 'munmap', addr: heap, len: '1p' },
      { op: 'madvise', addr: heap, len: '1p', advice: 'MADV_DONTNEED' },
      {
        op: 'mremap',
        addr: 'a',
        oldLen: '1p',
        newLen: '1p',
        flags: ['MREMAP_MAYMOVE', 'MREMAP_FIXED'],
        newAddr: heap,
      },
      { op: 'touch', thread: 'T', addr: heap, access: 'write' },
    ] as const) {
      expect((await k.run(op)).usageError, op.op).toBeDefined();
    }
    const hole = await k.touch('T', 'a+5p', 'read');
    expect(hole.usageError?.message).toMatch(/SIGSEGV/);
    expect((await k.run({ op: 'munmap', addr: heap + 1, len: '1p' })).errno).toBe(22);
  });

  it('sends only userfaultfd ioctls, and never registers its own fill buffer', async () => {
    expect((await k.run({ op: 'ioctl', fd: 'uffd', request: 0x5421 })).usageError?.field).toBe('request');
    expect(await k.run({ op: 'ioctl', fd: 'uffd', request: 0xc018aa3e })).toMatchObject({
      ret: -1,
      errno: 22,
    });
    await k.register('uffd', 'a', '4p', 'MISSING');
    await k.copy('uffd', 'a', '1p', 1);
    const r = await k.register('uffd', '$src', '1p', 'MISSING');
    expect(r.usageError?.message).toMatch(/\$src/);
  });
});
