// The syscall layer and the operations give the same answers: the same fault cycles run once as
// operations through runSync and once as C-like calls on bytes through sim.sys, on two simulators
// set up alike; every return value, struct image, message and the state after each step match.

import { describe, expect, it } from 'vitest';
import type { Operation } from '../../model/operation';
import type { Result } from '../../model/result';
import { pageStateName, type Snapshot } from '../../model/snapshot';
import { decodeMsgs } from '../../uapi/msg';
import { decodeStruct, STRUCTS } from '../../uapi/structs';
import { UFFDIO_COPY, UFFDIO_WRITEPROTECT } from '../../uapi/userfaultfd';
import { createSimulator, type SimBackend } from '../simulator';
import { BLOCKED, F_GETFL, POLLNVAL } from './syscalls';

const SETUP: Operation[] = [
  { op: 'mmap', as: 'a', kind: 'anon', len: '8p' },
  { op: 'mmap', as: 's', kind: 'anon', len: '1p' },
  { op: 'touch', thread: 'main', addr: 's', access: 'write', len: '1p', value: 0x41 },
  { op: 'userfaultfd', as: 'uffd', flags: ['O_CLOEXEC', 'O_NONBLOCK'] },
  {
    op: 'ioctl',
    fd: 'uffd',
    request: 'UFFDIO_API',
    arg: { api: 'UFFD_API', features: ['UFFD_FEATURE_THREAD_ID', 'UFFD_FEATURE_EXACT_ADDRESS'] },
  },
  {
    op: 'ioctl',
    fd: 'uffd',
    request: 'UFFDIO_REGISTER',
    arg: { range: { start: 'a', len: '8p' }, mode: ['MISSING', 'WP'] },
  },
];

/** Fault cycles: a missing read, a failing COPY, a write-protect fault, a read with nothing left. */
const CYCLES: Operation[] = [
  { op: 'touch', thread: 'T1', addr: 'a+1p+0x123', access: 'read' },
  { op: 'poll', fd: 'uffd' },
  { op: 'read', fd: 'uffd', size: 64 },
  { op: 'ioctl', fd: 'uffd', request: 'UFFDIO_COPY', arg: { dst: 'a+1p', src: 's', len: '1p' } },
  { op: 'ioctl', fd: 'uffd', request: 'UFFDIO_COPY', arg: { dst: 'a+1p', src: 's', len: '1p', copy: 7 } },
  { op: 'ioctl', fd: 'uffd', request: 'UFFDIO_COPY', arg: { dst: 'a+3p', src: 's', len: '1p', mode: 'WP' } },
  { op: 'touch', thread: 'T2', addr: 'a+3p+8', access: 'write', len: 16, value: 0x5a },
  { op: 'read', fd: 'uffd' },
  { op: 'read', fd: 'uffd' },
  { op: 'poll', fd: 'uffd' },
  {
    op: 'ioctl',
    fd: 'uffd',
    request: 'UFFDIO_WRITEPROTECT',
    arg: { range: { start: 'a+3p', len: '1p' }, mode: 0 },
  },
  { op: 'touch', thread: 'T1', addr: 'a+3p+8', access: 'read' },
  { op: 'fcntl', fd: 'uffd', cmd: 'F_GETFL' },
];

function session(): SimBackend {
  const b = createSimulator({ snapshots: false });
  for (const op of SETUP) expect(b.runSync(op).ret).toBeGreaterThanOrEqual(0);
  return b;
}

/** The state, without `since` (the operation index a thread went to sleep at: calls have none). */
function state(b: SimBackend): Snapshot {
  const s = b.snapshot();
  return { ...s, threads: s.threads.map(({ since: _since, ...t }) => t) };
}

/** The same call as the operation that gave `r`, through the syscall layer of `b`. */
function asCall(b: SimBackend, r: Result, fd: number): { ret: number; bytes?: Uint8Array } {
  const op = r.op;
  switch (op.op) {
    case 'touch': {
      const addr = Number(/0x[0-9a-f]+/.exec(r.call)![0]);
      const len = op.len === undefined ? 1 : Number(op.len);
      return { ret: b.sys.touch(op.thread, addr, op.access === 'write', len, op.value) };
    }
    case 'poll':
      return { ret: b.sys.poll(fd) };
    case 'read': {
      const buf = new Uint8Array(op.size === undefined ? 32 : Number(op.size));
      const ret = b.sys.read(fd, buf);
      return { ret, bytes: buf.subarray(0, Math.max(ret, 0)) };
    }
    case 'ioctl': {
      const bytes = r.struct!.beforeBytes.slice();
      const request = op.request === 'UFFDIO_COPY' ? UFFDIO_COPY : UFFDIO_WRITEPROTECT;
      return { ret: b.sys.ioctl(fd, request, bytes), bytes };
    }
    case 'fcntl':
      return { ret: b.sys.fcntl(fd, F_GETFL) };
    default:
      throw new Error(`no call for ${op.op}`);
  }
}

describe('the syscall layer', () => {
  it('answers a fault cycle as the operations do: returns, struct bytes, messages, state', () => {
    const ops = session();
    const sys = session();
    const fd = sys.snapshot().uffds[0]!.fd;
    for (const op of CYCLES) {
      const r = ops.runSync(op);
      expect(r.usageError).toBeUndefined();
      const c = asCall(sys, r, fd);
      const what = `${r.call} = ${r.ret}`;
      if (op.op === 'touch') expect(c.ret, what).toBe(r.blocked ? BLOCKED : 0);
      else if (op.op === 'poll') expect(c.ret, what).toBe(r.revents);
      else if (r.ret === -1) expect(-c.ret, what).toBe(r.errno);
      else expect(c.ret, what).toBe(r.ret);
      if (r.struct) {
        expect([...c.bytes!], what).toEqual([...r.struct.afterBytes]);
        expect(r.struct.after, what).toEqual(decodeStruct(STRUCTS[r.struct.name], c.bytes!));
      }
      if (op.op === 'read') {
        const msgs = r.msgs ?? [];
        expect([...c.bytes!], what).toEqual(msgs.flatMap((m) => [...m.bytes]));
        expect(msgs, what).toEqual(decodeMsgs(c.bytes!));
      }
      expect(state(sys), what).toEqual(state(ops));
    }
    // The cycles did what they say: both threads read their page back, T2's bytes included.
    const t1 = sys.snapshot().threads.find((t) => t.name === 'T1');
    expect(t1).toMatchObject({ state: 'done', value: 0x5a });
  });

  it('reads whole messages into the buffer, and EFAULT for one that lands outside it', () => {
    const b = session();
    const fd = b.snapshot().uffds[0]!.fd;
    const a = Number(b.snapshot().areas.find((x) => x.name === 'a')!.start);
    expect(b.sys.touch('T1', a, false)).toBe(BLOCKED);
    expect(b.sys.touch('T2', a + 4096, false)).toBe(BLOCKED);
    // count promises 64 bytes, the buffer holds 32: the first message is read, the second is
    // taken off the queue and lost on the way out (the kernel's copy_to_iter fails); its fault
    // waits on, read.
    const buf = new Uint8Array(32);
    expect(b.sys.read(fd, buf, 64)).toBe(32);
    expect(b.snapshot().uffds[0]).toMatchObject({ pending: [], waiting: [{}, {}] });
    expect(b.sys.read(fd, buf)).toBe(-11);
    expect(b.sys.touch('T3', a + 8192, false)).toBe(BLOCKED);
    expect(b.sys.read(fd, new Uint8Array(0), 32)).toBe(-14);
    expect(b.sys.read(fd, new Uint8Array(31))).toBe(-22);
  });

  it('answers EBADF, POLLNVAL and EFAULT for numbers and pointers that name nothing', () => {
    const b = session();
    const fd = b.snapshot().uffds[0]!.fd;
    expect(b.sys.ioctl(99, UFFDIO_COPY, new Uint8Array(40))).toBe(-9);
    expect(b.sys.read(99, new Uint8Array(32))).toBe(-9);
    expect(b.sys.poll(99)).toBe(POLLNVAL);
    expect(b.sys.close(99)).toBe(-9);
    expect(b.sys.ioctl(fd, UFFDIO_COPY, null)).toBe(-14);
    // 32 bytes of a 40-byte struct: copy_from_user reads them and the page is copied, but put_user
    // of `copy` faults, and EFAULT is the answer.
    const snap = b.snapshot();
    const start = (name: string) => snap.areas.find((x) => x.name === name)!.start;
    const short = new Uint8Array(32);
    const v = new DataView(short.buffer);
    v.setBigUint64(0, start('a'), true);
    v.setBigUint64(8, start('s'), true);
    v.setBigUint64(16, 4096n, true);
    expect(b.sys.ioctl(fd, UFFDIO_COPY, short)).toBe(-14);
    expect(pageStateName(b.snapshot().areas.find((x) => x.name === 'a')!.pages[0]!)).toBe('present');
    expect(b.sys.close(fd)).toBe(0);
    expect(b.sys.fcntl(fd, F_GETFL)).toBe(-9);
  });

  it('names the fds it makes, and refuses a name that is open', () => {
    const b = createSimulator({ snapshots: false });
    expect(b.sys.userfaultfd(0x800)).toBe(3);
    expect(b.sys.userfaultfd(0x800, 'mine')).toBe(4);
    expect(b.snapshot().uffds.map((u) => u.name)).toEqual(['fd3', 'mine']);
    expect(() => b.sys.userfaultfd(0, 'mine')).toThrow(/already an open fd/);
    expect(b.sys.userfaultfd(0x4000)).toBe(-22);
  });
});
