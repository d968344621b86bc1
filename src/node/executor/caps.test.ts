// Bad input gets a clear error naming the field, never an exception; caps are enforced.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Operation } from '../../portable/model/operation';
import { K } from './test-kit';

let k: K;
afterEach(() => k.dispose());

describe('usage errors', () => {
  it.each([
    [{ op: 'nope' }, 'op', /unknown operation 'nope'/],
    [{ op: 'read', fd: 'ghost' }, 'fd', /no fd named 'ghost'/],
    [{ op: 'mmap', as: 'a', kind: 'anon', len: 'b+1p' }, 'len', /unknown name 'b'/],
    [{ op: 'mmap', as: 'a', kind: 'bogus', len: '1p' }, 'kind', /unknown area kind/],
    [{ op: 'touch', thread: 'T', addr: 'a', access: 'poke' }, 'access', /'read' or 'write'/],
    [{ op: 'madvise', addr: 0, len: 1, advice: 'MADV_NOPE' }, 'advice', /unknown advice/],
    [{ op: 'signal', thread: 'nobody', signal: 'SIGUSR1' }, 'thread', /no thread named/],
    [{ op: 'exit', process: 'main' }, 'process', /only a forked child/],
    [{ op: 'open', path: '/etc/passwd', as: 'p' }, 'path', /only \/dev\/userfaultfd/],
  ] as const)('%j', async (op, field, message) => {
    k = await K.open();
    const r = await k.run(op as unknown as Operation);
    expect(r.usageError?.field).toBe(field);
    expect(r.usageError?.message).toMatch(message);
    expect(r.snapshot.threads.length).toBeGreaterThan(0);
  });

  it('refuses a new operation for a blocked thread, naming what it waits for', async () => {
    k = await K.open();
    await k.mmap('a', 'anon', '1p');
    await k.uffd('uffd');
    await k.register('uffd', 'a', '1p', 'MISSING');
    await k.touch('T1', 'a', 'read');
    const r = await k.touch('T1', 'a', 'read');
    expect(r.usageError?.message).toMatch(/thread 'T1' is blocked in a fault \(read 0x/);
  });

  it('answers a closed fd with EBADF and no syscall', async () => {
    k = await K.open();
    await k.uffd('uffd');
    await k.run({ op: 'close', fd: 'uffd' });
    expect(await k.run({ op: 'poll', fd: 'uffd' })).toMatchObject({ ret: -1, errno: 9 });
    expect(await k.run({ op: 'close', fd: 'uffd' })).toMatchObject({ ret: -1, errno: 9 });
  });
});

describe('caps', () => {
  it('limits areas, bytes, threads, fds, reads and touches', async () => {
    k = await K.open({
      maxAreas: 2,
      maxAreaBytes: 8192n,
      maxThreads: 2,
      maxFds: 1,
      maxReadBytes: 64,
      maxTouchBytes: 4096n,
    });
    await k.mmap('a', 'anon', '1p');
    expect((await k.run({ op: 'mmap', as: 'b', kind: 'anon', len: '3p' })).usageError?.message).toMatch(
      /at most 8192/,
    );
    await k.mmap('b', 'anon', '1p');
    expect((await k.run({ op: 'mmap', as: 'c', kind: 'anon', len: '1p' })).usageError?.message).toMatch(
      /too many areas/,
    );
    await k.touch('T1', 'a', 'read');
    expect((await k.touch('T2', 'a', 'read')).usageError?.message).toMatch(/too many threads/);
    expect((await k.touch('T1', 'a', 'read', { len: '2p' })).usageError?.field).toBe('len');
    await k.uffd('u1');
    expect((await k.run({ op: 'userfaultfd', as: 'u2' })).usageError?.message).toMatch(/too many open fds/);
    expect((await k.read('u1', 65)).usageError?.field).toBe('size');
  });
});

describe('batches', () => {
  it('run on one CPU and put the affinity back; with snapshots: last every result has the final state', async () => {
    const affinity = () =>
      readFileSync('/proc/thread-self/status', 'utf8').match(/^Cpus_allowed_list:\s*(.*)$/m)?.[1];
    const before = affinity();
    k = await K.open();
    const rs = await k.x.runBatch(
      [
        { op: 'mmap', as: 'a', kind: 'anon', len: '1p' },
        { op: 'userfaultfd', flags: 'O_NONBLOCK', as: 'uffd' },
        { op: 'ioctl', fd: 'uffd', request: 'UFFDIO_API', arg: { api: 'UFFD_API' } },
      ],
      { snapshots: 'last' },
    );
    expect(affinity()).toBe(before);
    expect(rs.map((r) => r.ret)).toEqual([Number(rs[0]!.addr), rs[1]!.fd, 0]);
    expect(rs[0]!.snapshot).toBe(rs[2]!.snapshot);
    expect(rs[0]!.snapshot.uffds[0]?.initialized).toBe(true);
  });
});
