// UFFDIO_API and UFFDIO_REGISTER on the real kernel, through the executor: the answers of the
// reference's probe 1.12 and 1.13 (Linux 6.18 here).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { K } from './test-kit';

let k: K;
beforeEach(async () => {
  k = await K.open();
});
afterEach(() => k.dispose());

const EINVAL = 22;

describe('UFFDIO_API', () => {
  it('reports every feature and the three basic ioctls, and enables what was asked', async () => {
    const r = await k.uffd('uffd', ['UFFD_FEATURE_THREAD_ID', 'UFFD_FEATURE_EVENT_REMOVE']);
    expect(r.ret).toBe(0);
    expect(r.struct?.after).toEqual({ api: 0xaan, features: 0x1ffffn, ioctls: 0x8000000000000003n });
    expect(k.queue('uffd')).toMatchObject({ initialized: true, features: 0x108n, flags: 0o2004000 });
  });

  it('refuses a second handshake and zeroes the struct', async () => {
    await k.uffd('uffd');
    const r = await k.ioctl('uffd', 'UFFDIO_API', { api: 0xaa, features: 1 });
    expect(r).toMatchObject({ ret: -1, errno: EINVAL });
    expect(r.struct?.after).toEqual({ api: 0n, features: 0n, ioctls: 0n });
    expect(r.struct?.before).toEqual({ api: 0xaan, features: 1n, ioctls: 0n });
  });

  it.each([
    ['a wrong api', { api: 0xab, features: 0 }],
    ['an unknown feature', { api: 0xaa, features: 0x40000000 }],
  ])('refuses %s and zeroes the struct', async (_what, arg) => {
    await k.ok({ op: 'userfaultfd', flags: 'O_NONBLOCK', as: 'uffd' });
    const r = await k.ioctl('uffd', 'UFFDIO_API', arg);
    expect(r).toMatchObject({ ret: -1, errno: EINVAL });
    expect(r.struct?.afterBytes).toEqual(new Uint8Array(24));
    expect(k.queue('uffd').initialized).toBe(false);
  });

  it('refuses everything else before the handshake: ioctls and read EINVAL, poll POLLERR', async () => {
    await k.mmap('a', 'anon', '1p');
    await k.ok({ op: 'userfaultfd', flags: 'O_NONBLOCK', as: 'uffd' });
    expect(await k.register('uffd', 'a', '1p', 'MISSING')).toMatchObject({ ret: -1, errno: EINVAL });
    expect(await k.read('uffd')).toMatchObject({ ret: -1, errno: EINVAL });
    expect(await k.run({ op: 'poll', fd: 'uffd' })).toMatchObject({ ret: 1, revents: 0x8 });
  });
});

describe('/dev/userfaultfd and fcntl', () => {
  it('makes a uffd with USERFAULTFD_IOC_NEW (as root), refusing bad flags and other requests', async () => {
    const dev = await k.run({ op: 'open', path: '/dev/userfaultfd', flags: 'O_CLOEXEC', as: 'dev' });
    if (process.getuid?.() !== 0) {
      expect(dev).toMatchObject({ ret: -1, errno: 13 }); // crw------- root: EACCES
      return;
    }
    expect(k.last.snapshot.fds).toEqual([{ name: 'dev', fd: dev.fd, path: '/dev/userfaultfd' }]);
    const made = await k.run({
      op: 'ioctl',
      fd: 'dev',
      request: 'USERFAULTFD_IOC_NEW',
      arg: 'O_NONBLOCK',
      as: 'uffd',
    });
    expect(made.ret).toBe(made.fd);
    expect((await k.ioctl('uffd', 'UFFDIO_API', { api: 'UFFD_API' })).ret).toBe(0);
    expect(k.queue('uffd')).toMatchObject({ initialized: true, flags: 0o4000 });
    expect(
      await k.run({ op: 'ioctl', fd: 'dev', request: 'USERFAULTFD_IOC_NEW', arg: 0x10, as: 'bad' }),
    ).toMatchObject({ ret: -1, errno: EINVAL });
    expect(await k.ioctl('dev', 'UFFDIO_API', { api: 'UFFD_API' })).toMatchObject({ ret: -1, errno: EINVAL });
  });

  it('turns O_NONBLOCK off and on with F_SETFL; F_GETFL shows it', async () => {
    await k.uffd('uffd');
    const nonblock = await k.run({ op: 'fcntl', fd: 'uffd', cmd: 'F_GETFL' });
    expect(nonblock.ret & 0o4000).toBe(0o4000);
    await k.run({ op: 'fcntl', fd: 'uffd', cmd: 'F_SETFL', flags: 0 });
    expect(k.queue('uffd').flags).toBe(0o2000000);
    expect((await k.run({ op: 'poll', fd: 'uffd' })).revents).toBe(0x8);
    await k.run({ op: 'fcntl', fd: 'uffd', cmd: 'F_SETFL', flags: 'O_NONBLOCK' });
    expect((await k.run({ op: 'poll', fd: 'uffd' })).revents).toBe(0);
  });
});

describe('UFFDIO_REGISTER', () => {
  it.each([
    ['anon', 'MISSING', 0x13cn],
    ['anon', 'WP', 0x17cn],
    ['anon', ['MISSING', 'WP'], 0x17cn],
    ['shmem', 'MINOR', 0x1bcn],
    ['memfd', ['MISSING', 'WP', 'MINOR'], 0x1fcn],
  ] as const)('%s with %j returns ioctls %s', async (kind, mode, ioctls) => {
    await k.mmap('a', kind, '2p');
    await k.uffd('uffd');
    const r = await k.register('uffd', 'a', '2p', mode as never);
    expect(r.ret).toBe(0);
    expect(r.struct?.after.ioctls).toBe(ioctls);
    expect(r.snapshot.registrations).toEqual([
      { process: 'main', start: k.addr('a'), end: k.addr('a+2p'), uffd: 'uffd', mode: r.struct?.before.mode },
    ]);
  });

  it('refuses MINOR on private anonymous memory and any mode on a regular file (EINVAL)', async () => {
    await k.mmap('a', 'anon', '1p');
    await k.mmap('f', 'file', '1p');
    await k.uffd('uffd');
    expect(await k.register('uffd', 'a', '1p', 'MINOR')).toMatchObject({ ret: -1, errno: EINVAL });
    expect(await k.register('uffd', 'f', '1p', 'MISSING')).toMatchObject({ ret: -1, errno: EINVAL });
    expect(k.last.snapshot.registrations).toEqual([]);
  });

  it('refuses a shared mapping of a read-only fd (EPERM: no VM_MAYWRITE)', async () => {
    await k.mmap('m', 'memfd', '1p', { readOnlyFd: true, prot: ['PROT_READ'] });
    await k.uffd('uffd');
    expect(await k.register('uffd', 'm', '1p', 'MISSING')).toMatchObject({ ret: -1, errno: 1 });
  });

  it('registers across a hole between two areas, one entry per vma', async () => {
    await k.mmap('a', 'anon', '2p');
    await k.mmap('b', 'anon', '2p');
    await k.uffd('uffd');
    const len = k.addr('b+2p') - k.addr('a');
    expect((await k.register('uffd', 'a', Number(len), 'MISSING')).ret).toBe(0);
    expect(k.last.snapshot.registrations.map((r) => [r.start, r.end])).toEqual([
      [k.addr('a'), k.addr('a+2p')],
      [k.addr('b'), k.addr('b+2p')],
    ]);
  });

  it('refuses a range another uffd registered (EBUSY) and its unregister through the other (EINVAL)', async () => {
    await k.mmap('a', 'anon', '2p');
    await k.uffd('u1');
    await k.uffd('u2');
    expect((await k.register('u1', 'a', '2p', 'MISSING')).ret).toBe(0);
    expect(await k.register('u2', 'a', '2p', 'MISSING')).toMatchObject({ ret: -1, errno: 16 });
    expect(await k.ioctl('u2', 'UFFDIO_UNREGISTER', { start: 'a', len: '2p' })).toMatchObject({
      ret: -1,
      errno: EINVAL,
    });
    expect(k.last.snapshot.registrations.map((r) => r.uffd)).toEqual(['u1']);
  });

  it('re-registering MISSING over MISSING|WP answers for MISSING but keeps WP', async () => {
    await k.mmap('a', 'anon', '1p');
    await k.uffd('uffd');
    await k.register('uffd', 'a', '1p', ['MISSING', 'WP']);
    const r = await k.register('uffd', 'a', '1p', 'MISSING');
    expect(r.struct?.after.ioctls).toBe(0x13cn);
    expect(r.snapshot.registrations[0]?.mode).toBe(3n);
  });

  it('splits the vma when part of it is unregistered', async () => {
    await k.mmap('a', 'anon', '4p');
    await k.uffd('uffd');
    await k.register('uffd', 'a', '4p', 'MISSING');
    expect((await k.ioctl('uffd', 'UFFDIO_UNREGISTER', { start: 'a+1p', len: '2p' })).ret).toBe(0);
    expect(k.last.snapshot.registrations.map((r) => [r.start, r.end])).toEqual([
      [k.addr('a'), k.addr('a+1p')],
      [k.addr('a+3p'), k.addr('a+4p')],
    ]);
  });
});
