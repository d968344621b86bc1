// The simulator as a Backend: info, async and batch runs, reset, and the conventions both engines
// follow for names, numbers and refused operations (docs/engine-conventions.md).

import { describe, expect, it } from 'vitest';
import { fromWire, toWire } from '../model/wire';
import { createSimulator } from './index';
import { sim } from './testing/sim-test';

describe('the Backend', () => {
  it('describes itself with the profile’s version', () => {
    expect(createSimulator().info()).toEqual({
      engine: 'simulator',
      kernelVersion: '6.18',
      pageSize: 4096,
      hugePageSize: 2 << 20,
    });
    expect(createSimulator({ kernel: '5.10.200' }).info().kernelVersion).toBe('5.10');
  });

  it('refuses a version it does not model, saying which it does', () => {
    expect(() => createSimulator({ kernel: '4.2' })).toThrow(/4\.3 to 6\.18/);
    expect(() => createSimulator({ kernel: 'latest' })).toThrow(/unknown kernel version 'latest'/);
  });

  it('runs a batch in order, and reset() forgets everything', async () => {
    const b = createSimulator();
    const rs = await b.runBatch([
      { op: 'userfaultfd', as: 'u', flags: 'O_NONBLOCK' },
      { op: 'userfaultfd', as: 'v' },
    ]);
    expect(rs.map((r) => r.fd)).toEqual([3, 4]);
    await b.reset();
    const r = await b.run({ op: 'userfaultfd', as: 'u' });
    expect(r.fd).toBe(3);
    expect(r.snapshot.uffds.map((u) => u.name)).toEqual(['u']);
  });

  it('gives results that survive the wire format', () => {
    const t = sim().mmap('a', 'anon', '1p').uffd().register('a', '1p', 'MISSING').touch('T1', 'a').read();
    const back = fromWire<typeof t.last>(toWire(t.last));
    expect(back).toEqual(t.last);
  });

  it('can leave snapshots out, for speed', () => {
    const b = createSimulator({ snapshots: false });
    const r = b.runSync({ op: 'mmap', as: 'a', kind: 'anon', len: '1p' });
    expect(r.snapshot.areas).toEqual([]);
    expect(b.snapshot().areas.map((a) => a.name)).toEqual(['a']);
  });
});

describe('names and numbers', () => {
  it('numbers fds lowest-free from 3; a closed name answers EBADF; a new one may take its number', () => {
    sim()
      .userfaultfd('u1')
      .userfaultfd('u2')
      .close('u1')
      .expectOk()
      .close('u1')
      .expectErrno('EBADF')
      .poll('u1')
      .expectErrno('EBADF')
      .userfaultfd('u3')
      .expectRet(3)
      .userfaultfd('u1')
      .expectRet(5);
  });

  it('numbers process main 1000, its threads 1000, 1001…, forked children 2000…', () => {
    sim()
      .mmap('a', 'anon', '1p')
      .touch('T1', 'a')
      .fork('c')
      .fork('d', 'T1')
      .check((s) => {
        expect(s.threads.map((t) => [t.name, t.process, t.tid])).toEqual([
          ['main', 'main', 1000],
          ['T1', 'main', 1001],
          ['c', 'c', 2000],
          ['d', 'd', 2001],
        ]);
        expect(s.areas.map((a) => `${a.process}:${a.name}`)).toEqual(['main:a', 'c:a', 'd:a']);
      });
  });

  it('leaves a thread idle until its first memory operation, then done after each; the monitor’s calls leave main as it was', () => {
    sim()
      .expectThread('main', 'idle')
      .userfaultfd('u')
      .expectThread('main', 'idle')
      .mmap('a', 'anon', '1p')
      .expectThread('main', 'done')
      .mmap('b', 'anon', '1p', { thread: 'T1' })
      .expectThread('T1', 'done')
      .touch('T2', 'a')
      .expectThread('T2', 'done', { value: 0 });
  });

  it('runs the monitor’s calls beside main: ioctl, read, poll, close, fcntl, userfaultfd, open change nothing of it', () => {
    const t = sim().mmap('a', 'anon', '2p').touch('main', 'a');
    const main = () => t.snap.threads.find((x) => x.name === 'main');
    const before = main();
    expect(before).toMatchObject({ state: 'done', value: 0 });
    t.uffd()
      .register('a', '2p', 'MISSING')
      .op({ op: 'open', path: '/dev/userfaultfd', as: 'dev' })
      .op({ op: 'ioctl', fd: 'dev', request: 'USERFAULTFD_IOC_NEW', arg: 'O_CLOEXEC', as: 'u2' })
      .read()
      .poll()
      .fcntl('uffd', 'F_GETFL')
      .close('dev');
    expect(t.results.every((r) => !r.usageError)).toBe(true);
    expect(main()).toEqual(before);
  });

  it('returns the address from mmap and mremap, and an area grown in place takes the new pages', () => {
    sim()
      .mmap('a', 'anon', '2p')
      .expectRet(0x100000000000)
      .mremap('a', '2p', '3p', ['MREMAP_MAYMOVE'], 'b')
      .expectRet(0x100000600000)
      .check((_s, t) => expect(t.last.addr).toBe(0x100000600000n))
      .mremap('b', '3p', '5p', [])
      .expectRet(0x100000600000)
      .check((s) => expect(s.areas.find((x) => x.name === 'b')!.len).toBe(5n * 4096n))
      .expectPage('b+4p', 'missing')
      .expectPage('a', 'not-mapped');
  });

  it('refuses a shared anon area, a file for an anonymous kind, and the backend’s own names', () => {
    sim()
      .mmap('a', 'anon', '1p', { shared: true })
      .expectUsage(/kind shmem/, 'shared');
    sim()
      .mmap('a', 'hugetlb', '1h', { file: 'x' })
      .expectUsage(/private hugetlb area has no file/, 'file');
    sim()
      .mmap('$a', 'anon', '1p')
      .expectUsage(/backend’s own/, 'as');
  });

  it('places areas 2 MiB aligned with gaps, from SIM_AREA_BASE', () => {
    sim()
      .mmap('a', 'anon', '1p')
      .mmap('b', 'anon', '3M')
      .check((s) => expect(s.areas.map((a) => a.start)).toEqual([0x100000000000n, 0x100000600000n]));
  });
});

describe('refused operations (usageError, nothing reaches the kernel)', () => {
  it('names the field of an unknown name or a bad expression', () => {
    sim()
      .userfaultfd()
      .read('nope')
      .expectUsage(/no fd is named 'nope'/, 'fd');
    sim()
      .mmap('a', 'anon', 'lots')
      .expectUsage(/unknown name 'lots'/, 'len');
    sim()
      .uffd()
      .register('b', '1p', 'MISSING')
      .expectUsage(/unknown name 'b'/, 'arg.range.start');
    sim()
      .uffd()
      .ioctl('UFFDIO_COPY', { dst: 0, sauce: 1 })
      .expectUsage(/has no field 'sauce'/, 'arg.sauce');
  });

  it('refuses work for a blocked thread, saying what it is blocked in', () => {
    sim()
      .mmap('a', 'anon', '1p')
      .uffd()
      .register('a', '1p', 'MISSING')
      .touch('T1', 'a')
      .touch('T1', 'a')
      .expectUsage(/thread 'T1' is blocked in a fault at 0x100000000000/, 'thread')
      .munmap('a', '1p', 'T1')
      .expectUsage(/blocked/);
  });

  it('refuses an existing area or fd name, a taken child name, and exiting main', () => {
    sim()
      .mmap('a', 'anon', '1p')
      .mmap('a', 'anon', '1p')
      .expectUsage(/already used in this session/, 'as')
      .userfaultfd('u')
      .userfaultfd('u')
      .expectUsage(/already an open fd/, 'as')
      .fork('c')
      .fork('c')
      .expectUsage(/taken/, 'child')
      .exit('main')
      .expectUsage(/cannot exit/);
  });

  it('answers something that is not an operation with a usage error, not an exception', () => {
    const r = createSimulator().runSync({ op: 'frobnicate' } as never);
    expect(r.usageError).toEqual({ message: "unknown operation 'frobnicate'", field: 'op' });
    expect(createSimulator().runSync(null as never).usageError?.message).toMatch(/not an operation/);
  });
});

describe('userfaultfd(2) and /dev/userfaultfd', () => {
  it('refuses unknown flags with EINVAL, UFFD_USER_MODE_ONLY before 5.11', () => {
    sim().userfaultfd('u', 0x10).expectErrno('EINVAL');
    sim({ kernel: '5.10' }).userfaultfd('u', 'UFFD_USER_MODE_ONLY').expectErrno('EINVAL');
    sim().userfaultfd('u', ['O_NONBLOCK', 'O_CLOEXEC', 'UFFD_USER_MODE_ONLY']).expectRet(3);
  });

  it('without CAP_SYS_PTRACE needs UFFD_USER_MODE_ONLY or vm.unprivileged_userfaultfd = 1 (EPERM)', () => {
    sim({ capSysPtrace: false }).userfaultfd('u', 0).expectErrno('EPERM');
    sim({ capSysPtrace: false }).userfaultfd('u', 'UFFD_USER_MODE_ONLY').expectOk();
    sim({ capSysPtrace: false, unprivilegedUserfaultfd: 1 }).userfaultfd('u', 0).expectOk();
    sim({ capSysPtrace: false, kernel: '5.10' }).userfaultfd('u', 0).expectOk();
    sim({ capSysPtrace: false, kernel: '5.1', unprivilegedUserfaultfd: 0 }).userfaultfd('u', 0).expectOk();
  });

  it('opens /dev/userfaultfd (6.1) and makes uffds with USERFAULTFD_IOC_NEW', () => {
    sim()
      .op({ op: 'open', path: '/dev/userfaultfd', flags: 'O_CLOEXEC', as: 'dev' })
      .expectRet(3)
      .op({ op: 'ioctl', fd: 'dev', request: 'USERFAULTFD_IOC_NEW', arg: 'O_NONBLOCK', as: 'u' })
      .expectRet(4)
      .op({ op: 'ioctl', fd: 'dev', request: 'USERFAULTFD_IOC_NEW', arg: 0x10, as: 'w' })
      .expectErrno('EINVAL')
      .ioctl('UFFDIO_API', { api: 'UFFD_API' }, 'dev')
      .expectErrno('EINVAL')
      .read('dev')
      .expectErrno('EINVAL')
      .poll('dev')
      .expectRevents(1)
      .fcntl('dev', 'F_GETFL')
      .expectRet(0x8002)
      .check((s) => expect(s.fds).toEqual([{ name: 'dev', fd: 3, path: '/dev/userfaultfd' }]));
    sim({ kernel: '6.0' }).op({ op: 'open', path: '/dev/userfaultfd', as: 'dev' }).expectErrno('ENOENT');
    sim({ capSysPtrace: false })
      .op({ op: 'open', path: '/dev/userfaultfd', as: 'dev' })
      .expectErrno('EACCES');
  });

  it('USERFAULTFD_IOC_NEW on a uffd is an unknown command', () => {
    sim().uffd().ioctl('USERFAULTFD_IOC_NEW', 0).expectErrno('EINVAL');
  });
});

describe('the fill source $src', () => {
  it('is placed on first use, at least 2 MiB, and placed again larger when needed', () => {
    sim()
      .mmap('a', 'anon', '4M')
      .uffd()
      .register('a', '4M', 'MISSING')
      .copy('a', '1p', { fill: 1 })
      .check((s) => expect(s.areas.find((x) => x.name === '$src')!.len).toBe(2n << 20n))
      .copy('a+1p', '3M', { fill: 2 })
      .expectOk()
      .check((s) => {
        const src = s.areas.filter((x) => x.name === '$src');
        expect(src.map((x) => x.len)).toEqual([4n << 20n]);
      })
      .expectPage('a+2p', 'present', '02');
  });
});
