import { describe, expect, it } from 'vitest';
import { parseLine, type ParsedLine } from './line';
import { ConsoleError } from './syntax';

const ctx = {
  defaultUffd: 'uffd',
  freshName: (op: string) => (op === 'mmap' ? 'b' : op === 'fork' ? 'c' : 'uffd2'),
};

function op(line: string) {
  const r: ParsedLine = parseLine(line, ctx);
  if (r.kind !== 'op') throw new Error(`not an operation: ${line}`);
  return r.op;
}

/** The error a line gives: its message and the text it points at. */
function error(line: string): { message: string; at: string; column: number } {
  try {
    parseLine(line, ctx);
  } catch (e) {
    if (!(e instanceof ConsoleError)) throw e;
    return { message: e.message, at: line.slice(e.at, e.end), column: e.at };
  }
  throw new Error(`no error for: ${line}`);
}

describe('the call syntax', () => {
  it('reads the examples of the help', () => {
    expect(op('ioctl(uffd, UFFDIO_COPY, {dst: a+1p, src: {fill: 0x41}, len: 1p})')).toEqual({
      op: 'ioctl',
      fd: 'uffd',
      request: 'UFFDIO_COPY',
      arg: { dst: 'a+1p', src: { fill: 0x41 }, len: '1p' },
    });
    expect(op('uffd = userfaultfd(O_CLOEXEC|O_NONBLOCK)')).toEqual({
      op: 'userfaultfd',
      as: 'uffd',
      flags: 'O_CLOEXEC|O_NONBLOCK',
    });
    expect(op('a = mmap(4p, anon)')).toEqual({ op: 'mmap', as: 'a', kind: 'anon', len: '4p' });
    expect(op('touch(T1, a+1p, read)')).toEqual({ op: 'touch', thread: 'T1', addr: 'a+1p', access: 'read' });
    expect(op('read(uffd);')).toEqual({ op: 'read', fd: 'uffd' });
    expect(
      op('ioctl(uffd, UFFDIO_REGISTER, {range: {start: a, len: 4p}, mode: UFFDIO_REGISTER_MODE_MISSING})'),
    ).toEqual({
      op: 'ioctl',
      fd: 'uffd',
      request: 'UFFDIO_REGISTER',
      arg: { range: { start: 'a', len: '4p' }, mode: 'UFFDIO_REGISTER_MODE_MISSING' },
    });
  });

  it('keeps plain decimals as numbers and everything else as expression text', () => {
    expect(op('read(uffd, 64)')).toEqual({ op: 'read', fd: 'uffd', size: 64 });
    expect(op('read(uffd, 0x40)')).toEqual({ op: 'read', fd: 'uffd', size: '0x40' });
    expect(op('munmap(a + 2p, (2p))')).toEqual({ op: 'munmap', addr: 'a + 2p', len: '(2p)' });
  });

  it('gives a fresh name to a result the line does not name', () => {
    expect(op('userfaultfd(0)')).toEqual({ op: 'userfaultfd', flags: 0, as: 'uffd2' });
    expect(op('fork()')).toEqual({ op: 'fork', child: 'c' });
  });

  it('says what is wrong and where', () => {
    expect(error('ioctl(uffd, UFFDIO_COPPY, {})')).toMatchObject({
      message: "unknown ioctl 'UFFDIO_COPPY' — did you mean 'UFFDIO_COPY'?",
      at: 'UFFDIO_COPPY',
    });
    expect(error('ioctl(uffd, UFFDIO_COPY, {dest: a})')).toMatchObject({
      message: expect.stringContaining("uffdio_copy has no field 'dest' — did you mean 'dst'?"),
      at: 'dest',
    });
    expect(error('touch(T1, a+*1p, read)')).toMatchObject({ message: "unexpected '*'", column: 12 });
    expect(error('touch(T1, a+1p, reed)')).toMatchObject({
      message: "access must be one of read, write — did you mean 'read'?",
      at: 'reed',
    });
    expect(error('touch(T1, a+1p)')).toMatchObject({
      message: expect.stringMatching(/^missing access: touch\(/),
    });
    expect(error('close(uffd, 3)')).toMatchObject({
      message: expect.stringMatching(/^too many arguments/),
      at: '3',
    });
    expect(error('mmap(4p, anon, {shred: true})')).toMatchObject({
      message: expect.stringContaining("mmap has no option 'shred' — did you mean 'shared'?"),
      at: 'shred',
    });
    expect(error('read(uffd')).toMatchObject({
      message: "expected ',' or ')', but the line ends",
      column: 9,
    });
    expect(error('x = close(uffd)')).toMatchObject({ message: 'close() returns nothing to name', at: 'x' });
    expect(error('mmapp(4p, anon)')).toMatchObject({
      message: "unknown call 'mmapp' — did you mean 'mmap'?",
      at: 'mmapp',
    });
    expect(error('touch(T1, a, write, {value: 0x100})')).toMatchObject({
      message: 'value must be a byte, 0 to 0xff',
    });
    expect(error('ioctl(uffd, UFFDIO_API, {api: UFFD_API, api: 0})')).toMatchObject({
      message: "'api' is given twice",
    });
    expect(error('read(uffd) x')).toMatchObject({ message: "unexpected 'x' after the call", at: 'x' });
  });

  it('maps each field to its place in the line', () => {
    const line = 'ioctl(uffd, UFFDIO_REGISTER, {range: {start: b, len: 4p}, mode: 1})';
    const r = parseLine(line, ctx);
    if (r.kind !== 'op') throw new Error('not an op');
    const span = r.spans.get('arg.range.start')!;
    expect(line.slice(span.start, span.end)).toBe('b');
    const fd = r.spans.get('fd')!;
    expect(line.slice(fd.start, fd.end)).toBe('uffd');
  });
});

describe('short forms', () => {
  it('expand to the same operations as the calls', () => {
    expect(op('copy a+1p 1p')).toEqual(
      op('ioctl(uffd, UFFDIO_COPY, {dst: a+1p, src: {fill: 0x41}, len: 1p, mode: 0})'),
    );
    expect(op('copy a+1p')).toEqual(op('copy a+1p 1p'));
    expect(op('copy a 2p src=b dontwake fd=u2')).toEqual(
      op('ioctl(u2, UFFDIO_COPY, {dst: a, src: b, len: 2p, mode: UFFDIO_COPY_MODE_DONTWAKE})'),
    );
    expect(op('api')).toEqual(op('ioctl(uffd, UFFDIO_API, {api: UFFD_API, features: 0})'));
    expect(op('api thread_id exact_address')).toEqual(
      op(
        'ioctl(uffd, UFFDIO_API, {api: UFFD_API, features: UFFD_FEATURE_THREAD_ID|UFFD_FEATURE_EXACT_ADDRESS})',
      ),
    );
    expect(op('register a 4p missing wp')).toEqual(
      op(
        'ioctl(uffd, UFFDIO_REGISTER, {range: {start: a, len: 4p}, mode: UFFDIO_REGISTER_MODE_MISSING|UFFDIO_REGISTER_MODE_WP})',
      ),
    );
    expect(op('register a 4p')).toEqual(op('register a 4p missing'));
    expect(op('unregister a 4p')).toEqual(op('ioctl(uffd, UFFDIO_UNREGISTER, {start: a, len: 4p})'));
    expect(op('wake a 2p')).toEqual(op('ioctl(uffd, UFFDIO_WAKE, {start: a, len: 2p})'));
    expect(op('unwp a+1p')).toEqual(
      op('ioctl(uffd, UFFDIO_WRITEPROTECT, {range: {start: a+1p, len: 1p}, mode: 0})'),
    );
    expect(op('wp a 4p')).toEqual(
      op('ioctl(uffd, UFFDIO_WRITEPROTECT, {range: {start: a, len: 4p}, mode: UFFDIO_WRITEPROTECT_MODE_WP})'),
    );
    expect(op('move a b 2p holes')).toEqual(
      op('ioctl(uffd, UFFDIO_MOVE, {dst: a, src: b, len: 2p, mode: UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES})'),
    );
    expect(op('mmap 4p shmem')).toEqual(op('b = mmap(4p, shmem)'));
    expect(op('touch T1 a+1p write value=0x7f')).toEqual(op('touch(T1, a+1p, write, {value: 0x7f})'));
    expect(op('touch T1 a+1p')).toEqual(op('touch(T1, a+1p, read)'));
    expect(op('read')).toEqual(op('read(uffd)'));
    expect(op('read u2 size=64')).toEqual(op('read(u2, 64)'));
    expect(op('madvise a 4p dontneed')).toEqual(op('madvise(a, 4p, MADV_DONTNEED)'));
    expect(op('uffd')).toEqual(op('uffd2 = userfaultfd(O_CLOEXEC|O_NONBLOCK)'));
    expect(op('fork')).toEqual(op('c = fork()'));
  });

  it('says what is wrong and where', () => {
    expect(error('copy')).toMatchObject({ message: expect.stringMatching(/^missing DST: copy DST/) });
    expect(error('copy a 1p dontwak')).toMatchObject({
      message: expect.stringContaining("unexpected 'dontwak' — did you mean 'dontwake'?"),
      at: 'dontwak',
    });
    expect(error('copy a 1p fil=1')).toMatchObject({
      message: expect.stringContaining("unknown option 'fil=' — did you mean 'fill'?"),
    });
    expect(error('copy a src=b fill=1')).toMatchObject({ message: 'give fill= or src=, not both' });
    expect(error('coyp a')).toMatchObject({
      message: "unknown command 'coyp' — did you mean 'copy'? (type help)",
      at: 'coyp',
    });
    expect(error('ioctl')).toMatchObject({
      message: expect.stringMatching(/^ioctl takes arguments: \[NAME =\] ioctl\(fd/),
    });
    expect(() => parseLine('api', {})).toThrow(/no uffd yet/);
  });

  it('recognises console commands and blank lines', () => {
    expect(parseLine('help copy')).toEqual({ kind: 'meta', command: 'help', arg: 'copy' });
    expect(parseLine('clear')).toEqual({ kind: 'meta', command: 'clear' });
    expect(parseLine('   ')).toEqual({ kind: 'empty' });
    expect(parseLine('# a comment')).toEqual({ kind: 'empty' });
  });
});
