import { describe, expect, it } from 'vitest';
import { OP_NAMES, type Operation } from '../model/operation';
import type { Result } from '../model/result';
import { toWire } from '../model/wire';
import { parseRequest, parseServerMessage, nestsDeeperThan } from './schema';

const LIMITS = { maxBatchOps: 100 };

/** One of every operation, with every optional field, as a scenario would write it. */
const EVERY_OP: Operation[] = [
  { op: 'userfaultfd', flags: 'O_CLOEXEC|O_NONBLOCK|UFFD_USER_MODE_ONLY', as: 'uffd' },
  { op: 'open', path: '/dev/userfaultfd', flags: ['O_CLOEXEC'], as: 'dev' },
  { op: 'ioctl', fd: 'dev', request: 'USERFAULTFD_IOC_NEW', arg: 'O_CLOEXEC', as: 'uffd2' },
  { op: 'ioctl', fd: 'uffd', request: 'UFFDIO_API', arg: { api: 0xaa, features: ['UFFD_FEATURE_MOVE'] } },
  {
    op: 'ioctl',
    fd: 'uffd',
    request: 'UFFDIO_REGISTER',
    arg: { range: { start: 'a', len: '4p' }, mode: 'UFFDIO_REGISTER_MODE_MISSING|UFFDIO_REGISTER_MODE_WP' },
  },
  {
    op: 'ioctl',
    fd: 'uffd',
    request: 'UFFDIO_COPY',
    arg: { dst: 'a+1p', src: { fill: 0x41 }, len: '1p', copy: 7 },
  },
  { op: 'ioctl', fd: 'uffd', request: 0xc028aa03 },
  { op: 'close', fd: 'uffd2' },
  { op: 'read', fd: 'uffd', size: '2*32' },
  { op: 'poll', fd: 'uffd' },
  { op: 'fcntl', fd: 'uffd', cmd: 'F_SETFL', flags: ['O_NONBLOCK'] },
  {
    op: 'mmap',
    as: 'b',
    kind: 'memfd',
    len: '2h',
    prot: ['PROT_READ', 'PROT_WRITE'],
    shared: true,
    file: 'mem',
    offset: 0,
    fileSize: '4h',
    readOnlyFd: false,
    thread: 'T1',
  },
  { op: 'munmap', addr: 'a+2p', len: '1p', thread: 'T2' },
  {
    op: 'mremap',
    addr: 'a',
    oldLen: '4p',
    newLen: '8p',
    flags: ['MREMAP_MAYMOVE'],
    newAddr: 'a+64p',
    as: 'a2',
    thread: 'T1',
  },
  { op: 'madvise', addr: 'a', len: '4p', advice: 'MADV_DONTNEED', thread: 'T1' },
  { op: 'fork', child: 'child', thread: 'T1' },
  { op: 'exit', process: 'child' },
  { op: 'touch', thread: 'T1', addr: 'a+1p+0x7b', access: 'write', len: 2, value: 255 },
  { op: 'signal', thread: 'T1', signal: 'SIGUSR1' },
];

const runOf = (op: unknown) => JSON.stringify({ type: 'run', id: 1, op });

describe('parseRequest', () => {
  it('accepts every operation the model has, unchanged', () => {
    expect(new Set(EVERY_OP.map((o) => o.op))).toEqual(new Set(OP_NAMES));
    for (const op of EVERY_OP) {
      expect(parseRequest(runOf(op), LIMITS)).toEqual({ ok: true, value: { type: 'run', id: 1, op } });
    }
    const batch = parseRequest(
      JSON.stringify({ type: 'runBatch', id: 2, ops: EVERY_OP, keep: 'last' }),
      LIMITS,
    );
    expect(batch.ok).toBe(true);
  });

  it.each([
    [{ op: 'mmapp' }, 'op.op', /^unknown op "mmapp"; the ops are userfaultfd, open/],
    [{ op: 'poll' }, 'op.fd', /^missing field 'fd'$/],
    [{ op: 'poll', fd: 'u', timeout: 5 }, 'op.timeout', /^unknown field 'timeout'$/],
    [{ op: 'mmap', as: 'a', kind: 'anon', len: 2 ** 60 }, 'op.len', /whole number within ±2\^53/],
    [{ op: 'mmap', as: 'a', kind: 'anon', len: 1.5 }, 'op.len', /whole number/],
    [{ op: 'mmap', as: 'a', kind: 'anon', len: '' }, 'op.len', /cannot be empty/],
    [{ op: 'mmap', as: 'a', kind: 'anon', len: 'x'.repeat(300) }, 'op.len', /at most 256 characters/],
    [
      { op: 'mmap', as: 'a', kind: 'ram', len: 1 },
      'op.kind',
      /^expected one of anon, shmem, memfd, hugetlb, file; got "ram"$/,
    ],
    [{ op: 'mmap', as: '1a', kind: 'anon', len: 1 }, 'op.as', /an area name must be 1-64 characters/],
    [{ op: 'touch', thread: 'T', addr: 'a', access: 'read', value: 256 }, 'op.value', /a byte is 0-255/],
    [{ op: 'ioctl', fd: 'u', request: 'UFFDIO_NOPE' }, 'op.request', /expected one of UFFDIO_REGISTER/],
    [{ op: 'ioctl', fd: 'u', request: -1 }, 'op.request', /unsigned 32-bit/],
    [
      { op: 'ioctl', fd: 'u', request: 'UFFDIO_COPY', arg: { src: { fill: [{}] } } },
      'op.arg.src.fill[0]',
      /got Object/,
    ],
    [
      { op: 'ioctl', fd: 'u', request: 'UFFDIO_COPY', arg: { 'no such': 1 } },
      'op.arg.no such',
      /C member name/,
    ],
    [{ op: 'userfaultfd', as: 'u', flags: Array(33).fill('O_CLOEXEC') }, 'op.flags', /at most 32 entries/],
    [null, 'op', /^expected an operation \(an object with 'op'\), got null$/],
  ])('refuses %j naming %s', (op, field, message) => {
    const parsed = parseRequest(runOf(op), LIMITS);
    expect(parsed).toMatchObject({ ok: false, error: { id: 1, code: 'bad-message', field } });
    expect(!parsed.ok && parsed.error.message).toMatch(message);
  });

  it('says what is wrong with the envelope', () => {
    const err = (text: string) => {
      const p = parseRequest(text, LIMITS);
      return p.ok ? undefined : p.error;
    };
    expect(err('{"type":"run"')).toMatchObject({
      id: null,
      message: expect.stringMatching(/^the message is not JSON: /),
    });
    expect(err('[]')).toMatchObject({
      id: null,
      message: 'a request is a JSON object with a type and an id',
    });
    expect(err('{"id":3}')).toMatchObject({
      id: 3,
      field: 'type',
      message: expect.stringMatching(/^missing request type/),
    });
    expect(err('{"type":"hello","id":3}')).toMatchObject({
      id: 3,
      field: 'version',
      message: "missing field 'version'",
    });
    expect(err('{"type":"reset","id":1.5}')).toMatchObject({
      id: null,
      field: 'id',
      message: 'id must be a whole number',
    });
    expect(err('{"type":"runBatch","id":4,"ops":[{"op":"poll","fd":"u"},{"op":"poll"}]}')).toMatchObject({
      id: 4,
      field: 'ops[1].fd',
    });
  });

  it('refuses a batch over the cap before looking at its operations', () => {
    const ops = Array.from({ length: 101 }, () => 'not even an operation');
    expect(parseRequest(JSON.stringify({ type: 'runBatch', id: 5, ops }), LIMITS)).toEqual({
      ok: false,
      error: {
        id: 5,
        code: 'limit',
        field: 'ops',
        message: 'a batch has at most 100 operations; this one has 101',
      },
    });
  });

  it('refuses deep nesting without parsing it', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(parseRequest(deep, LIMITS)).toMatchObject({
      ok: false,
      error: { message: 'the message nests deeper than 32 levels' },
    });
  });

  it('keeps a __proto__ key from reaching anything', () => {
    const parsed = parseRequest(
      '{"type":"run","id":1,"op":{"op":"ioctl","fd":"u","request":"UFFDIO_API","arg":{"__proto__":{"api":1}}}}',
      LIMITS,
    );
    expect(
      parsed.ok && (parsed.value as { op: { arg: Record<string, unknown> } }).op.arg.api,
    ).toBeUndefined();
    expect(({} as Record<string, unknown>).api).toBeUndefined();
  });
});

describe('nestsDeeperThan', () => {
  it('counts brackets outside strings only', () => {
    expect(nestsDeeperThan('[[[]]]', 3)).toBe(false);
    expect(nestsDeeperThan('[[[[]]]]', 3)).toBe(true);
    expect(nestsDeeperThan(`["${'['.repeat(50)}"]`, 3)).toBe(false);
    expect(nestsDeeperThan(`["\\"${'{'.repeat(50)}"]`, 3)).toBe(false);
    expect(nestsDeeperThan('[[],[],[],[]]', 2)).toBe(false);
  });
});

const RESULT: Result = {
  op: { op: 'read', fd: 'uffd' },
  call: 'read(3, buf, 32)',
  ret: 32,
  msgs: [
    {
      event: 0x12,
      eventName: 'UFFD_EVENT_PAGEFAULT',
      fields: { 'arg.pagefault.address': 0x7f0000001000n },
      bytes: new Uint8Array(32),
    },
  ],
  snapshot: {
    pageSize: 4096,
    hugePageSize: 2 << 20,
    processes: [{ name: 'main', pid: 4242, alive: true }],
    areas: [
      {
        name: 'a',
        process: 'main',
        kind: 'anon',
        shared: false,
        prot: ['PROT_READ', 'PROT_WRITE'],
        start: 0x100000000000n,
        len: 0x4000n,
        pageSize: 4096,
        pages: new Uint8Array([1, 3, 1, 1]),
        content: new Map([[1, '41 @7b=01']]),
      },
    ],
    registrations: [
      { process: 'main', start: 0x100000000000n, end: 0x100000004000n, uffd: 'uffd', mode: 1n },
    ],
    uffds: [
      {
        name: 'uffd',
        fd: 3,
        mm: 'main',
        flags: 0x80800,
        initialized: true,
        features: 0n,
        pending: [],
        waiting: [{ thread: 'T1', address: 0x100000001000n, flags: 0 }],
        events: [],
      },
    ],
    fds: [],
    threads: [
      {
        name: 'T1',
        process: 'main',
        tid: 4243,
        state: 'blocked-fault',
        address: 0x100000001000n,
        uffd: 'uffd',
      },
    ],
  },
};

describe('parseServerMessage', () => {
  it('reads a result back with its bigints, bytes and maps', () => {
    const parsed = parseServerMessage(toWire({ type: 'result', id: 3, result: RESULT }));
    expect(parsed).toEqual({ ok: true, value: { type: 'result', id: 3, result: RESULT } });
  });

  it('reads events', () => {
    const event = { type: 'thread-blocked', thread: 'T1', process: 'main', in: 'fault', address: 0x1000n };
    expect(parseServerMessage(toWire(event))).toEqual({ ok: true, value: event });
  });

  it('says what is wrong with a reply it cannot read', () => {
    const broken = {
      ...RESULT,
      snapshot: { ...RESULT.snapshot, areas: [{ ...RESULT.snapshot.areas[0], start: 5 }] },
    };
    expect(parseServerMessage(toWire({ type: 'result', id: 3, result: broken }))).toEqual({
      ok: false,
      error: 'result.snapshot.areas[0].start: Invalid type: Expected bigint but received 5',
    });
    expect(parseServerMessage('{"type":"result","id":1,"result":{"$b":"x"}}')).toMatchObject({ ok: false });
  });
});
