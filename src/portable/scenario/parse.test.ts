import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatScenarioError, parseScenario, type ScenarioError } from './parse';

const HEAD = { format: 'uffd-playground/scenario@1', title: 't' };
const MAP = { op: 'mmap', as: 'a', kind: 'anon', len: '4p' };
const UFFD = { op: 'userfaultfd', flags: 'O_NONBLOCK', as: 'uffd' };
const API = { op: 'ioctl', fd: 'uffd', request: 'UFFDIO_API', arg: { api: 'UFFD_API' } };

function errorsOf(doc: unknown): string[] {
  const r = parseScenario(typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2));
  return r.ok ? [] : r.errors.map((e) => e.message);
}
const steps = (...s: unknown[]) => ({ ...HEAD, steps: s });

describe('parseScenario', () => {
  it('accepts a well-formed scenario and returns it', () => {
    const doc = steps(
      MAP,
      UFFD,
      {
        ...API,
        expect: {
          ret: 0,
          struct: { api: 'UFFD_API', ioctls: '_UFFDIO_REGISTER|_UFFDIO_UNREGISTER|_UFFDIO_API' },
        },
      },
      {
        op: 'ioctl',
        fd: 'uffd',
        request: 'UFFDIO_REGISTER',
        arg: { range: { start: 'a', len: '4p' }, mode: ['UFFDIO_REGISTER_MODE_MISSING'] },
      },
      {
        op: 'touch',
        thread: 'T1',
        addr: 'a+1p+0x7b',
        access: 'read',
        expect: { blocked: true, threads: { T1: 'blocked-fault' } },
      },
      {
        op: 'read',
        fd: 'uffd',
        expect: {
          msgs: [
            { event: 'UFFD_EVENT_PAGEFAULT', 'arg.pagefault.address': 'a+1p', 'arg.pagefault.feat.ptid': 0 },
          ],
        },
      },
      {
        op: 'ioctl',
        fd: 'uffd',
        request: 'UFFDIO_COPY',
        arg: { dst: 'a+1p', src: { fill: 0x41 }, len: '1p' },
        expect: [
          {
            kernel: '>=6.8',
            expect: {
              ret: 0,
              struct: { copy: '1p' },
              pages: { 'a+1p': { state: 'present', content: '41' }, 'a..a+1p': 'missing' },
            },
          },
          { kernel: '*', expect: { errno: 0 } },
        ],
      },
    );
    const r = parseScenario(JSON.stringify(doc));
    expect(r.ok ? r.scenario.steps.length : r.errors).toBe(7);
  });

  it("accepts the short names the engines' resolver accepts, only where it accepts them", () => {
    const short = steps(
      MAP,
      { op: 'userfaultfd', flags: ['NONBLOCK', 'CLOEXEC'], as: 'uffd' },
      { ...API, arg: { api: 'UFFD_API', features: ['EVENT_FORK', 'THREAD_ID'] } },
      {
        op: 'ioctl',
        fd: 'uffd',
        request: 'UFFDIO_REGISTER',
        arg: { range: { start: 'a', len: '4p' }, mode: 'MISSING|WP' },
      },
    );
    expect(errorsOf(short)).toEqual([]);
    const misplaced = steps(MAP, UFFD, {
      op: 'ioctl',
      fd: 'uffd',
      request: 'UFFDIO_WAKE',
      arg: { start: 'a', len: 'MISSING' },
    });
    expect(errorsOf(misplaced)).toEqual(["step 3 (ioctl): arg.len: unknown name 'MISSING'"]);
  });

  it('reports a JSON syntax error with its line and column', () => {
    const r = parseScenario('{\n  "format": "uffd-playground/scenario@1",\n  "title": "x"\n  "steps": []\n}');
    expect(r.ok).toBe(false);
    const e = (r as { errors: readonly ScenarioError[] }).errors[0]!;
    expect(e).toEqual({
      message: "JSON: expected ',' or '}' after the value of 'title', found '\"'",
      line: 4,
      column: 3,
    });
    expect(formatScenarioError(e, 's.json')).toBe(
      "s.json:4:3: JSON: expected ',' or '}' after the value of 'title', found '\"'",
    );
  });

  it.each([
    ['{"a": 1,}', 'JSON: trailing comma before }'],
    ['{"a": 1, "a": 2}', "JSON: duplicate key 'a'"],
    ["{'a': 1}", "JSON: expected a key in double quotes, found '''"],
    ['', 'JSON: the file is empty'],
    ['{"a": "x', 'JSON: unterminated string'],
    ['[1] 2', "JSON: unexpected '2' after the end of the document"],
  ])('JSON %j -> %s', (text, message) => {
    expect(errorsOf(text)).toEqual([message]);
  });

  it('names an unknown op and suggests the closest', () => {
    expect(errorsOf(steps(MAP, { op: 'mmapp', as: 'b', kind: 'anon', len: '1p' }))).toEqual([
      "step 2: unknown op 'mmapp' — did you mean 'mmap'?",
    ]);
  });

  it('names the step, the op and the field of an unknown name in an expression', () => {
    const reg = {
      op: 'ioctl',
      fd: 'uffd',
      request: 'UFFDIO_REGISTER',
      arg: { range: { start: 'a', len: 'b' }, mode: 1 },
    };
    expect(errorsOf(steps(MAP, UFFD, API, reg))).toEqual(["step 4 (ioctl): arg.range.len: unknown name 'b'"]);
  });

  it('says when a name is used before the step that defines it', () => {
    expect(
      errorsOf(steps({ op: 'touch', thread: 'T', addr: 'b', access: 'read' }, { ...MAP, as: 'b' })),
    ).toEqual(["step 1 (touch): addr: unknown name 'b' (it is defined only at step 2)"]);
    expect(errorsOf(steps({ op: 'close', fd: 'uffd' }, UFFD))).toEqual([
      "step 1 (close): fd: fd 'uffd' is defined only at step 2",
    ]);
  });

  it('reports unknown, misspelt and missing fields', () => {
    expect(errorsOf(steps({ op: 'mmap', as: 'a', kind: 'anon', lenn: '1p' }))).toEqual([
      "step 1 (mmap): unknown field 'lenn' — did you mean 'len'?",
      "step 1 (mmap): missing 'len'",
    ]);
    expect(errorsOf(steps({ ...MAP, kind: 'anonymous' }))).toEqual([
      'step 1 (mmap): kind: expected one of anon, shmem, memfd, hugetlb, file, got the string "anonymous"',
    ]);
  });

  it('checks struct fields against the ioctl and suggests the member path', () => {
    const reg = {
      op: 'ioctl',
      fd: 'uffd',
      request: 'UFFDIO_REGISTER',
      arg: { rnge: { start: 'a', len: '1p' }, mode: 1 },
    };
    expect(errorsOf(steps(MAP, UFFD, API, reg))).toEqual([
      "step 4 (ioctl): arg.rnge.start: struct uffdio_register has no field 'rnge.start' — did you mean 'range.start'?",
      "step 4 (ioctl): arg.rnge.len: struct uffdio_register has no field 'rnge.len' — did you mean 'range.len'?",
    ]);
    const copy = {
      op: 'ioctl',
      fd: 'uffd',
      request: 'UFFDIO_COPY',
      arg: { dst: 'a', src: { fill: 300 }, len: '1p' },
    };
    expect(errorsOf(steps(MAP, UFFD, API, copy))).toEqual([
      'step 4 (ioctl): arg.src.fill: expected a byte (0 to 255), got number 300',
    ]);
  });

  it('names an unknown ioctl request and an unknown fd', () => {
    expect(errorsOf(steps(UFFD, { op: 'ioctl', fd: 'uffd', request: 'UFFDIO_COPPY' }))).toEqual([
      'step 2 (ioctl): request: unknown request the string "UFFDIO_COPPY" — did you mean \'UFFDIO_COPY\'?',
    ]);
    expect(errorsOf(steps(UFFD, { op: 'poll', fd: 'ufd' }))).toEqual([
      "step 2 (poll): fd: unknown fd 'ufd' — did you mean 'uffd'?",
    ]);
  });

  it('accepts the fd a FORK event creates, by its conventional name', () => {
    const fork = { op: 'fork', child: 'c' };
    expect(errorsOf(steps(UFFD, fork, { op: 'read', fd: 'uffd@c' }))).toEqual([]);
    expect(errorsOf(steps(UFFD, fork, { op: 'read', fd: 'uffd@d' }))[0]).toMatch(/unknown fd 'uffd@d'/);
  });

  it('checks the header: format version, title, kernel range, requires', () => {
    expect(
      errorsOf({
        format: 'uffd-playground/scenario@2',
        title: '',
        kernel: '>=5',
        requires: { hugepages: 2 },
        stepz: [],
        steps: [MAP],
      }),
    ).toEqual([
      "unknown field 'stepz' — did you mean 'steps'?",
      'format: the string "uffd-playground/scenario@2" is not supported; this version reads "uffd-playground/scenario@1"',
      'title: expected a non-empty string',
      "kernel: '>=5': expected a version like 5.7, optionally after >=, >, <=, < or =, or a range like 4.11-4.13",
      "requires.hugepages: unknown requirement — did you mean 'hugePages'?",
    ]);
    expect(errorsOf({ ...HEAD, steps: [] })).toEqual(['steps: expected a non-empty list']);
  });

  it('checks expectations: errno names, states, fields, page keys, kernel ranges', () => {
    const touch = {
      op: 'touch',
      thread: 'T1',
      addr: 'a',
      access: 'read',
      expect: {
        errno: 'EINVALL',
        threads: { T1: 'blocked', T2: 'done' },
        pages: { 'a+1q': 'present', 'a+2p': 'presnt', 'a+3p': { content: '4' } },
        struct: { copy: 1 },
        queues: { uffd: { pendng: 1 } },
        blockd: true,
      },
    };
    expect(errorsOf(steps(MAP, UFFD, touch))).toEqual([
      "step 3 (touch): expect.blockd: unknown field — did you mean 'blocked'?",
      'step 3 (touch): expect.errno: expected an errno name or 0, got the string "EINVALL" — did you mean \'EINVAL\'?',
      'step 3 (touch): expect.struct: this step passes no struct to check',
      'step 3 (touch): expect.threads.T1: unknown thread state the string "blocked" — did you mean \'blocked-fault\'? (one of idle, running, blocked-fault, blocked-event, done, sigbus, exited)',
      "step 3 (touch): expect.threads.T2: no step has used a thread 'T2' — did you mean 'T1'?",
      "step 3 (touch): expect.pages[\"a+1q\"]: unexpected 'q' in 'a+1q'",
      'step 3 (touch): expect.pages["a+2p"]: unknown page state the string "presnt" — did you mean \'present\'? (one of not-mapped, missing, present, zero, write-protected, cache-only, poisoned)',
      'step 3 (touch): expect.pages["a+3p"].content: a content tag is a fill byte in hex then \' @offset=xx\' for each byte that differs, e.g. "41" or "00 @7b=01"; got the string "4"',
      "step 3 (touch): expect.queues.uffd.pendng: unknown queue — did you mean 'pending'?",
    ]);
    const versioned = { ...API, expect: [{ kernel: '6.x', expect: { ret: 0 } }, { expect: {} }] };
    expect(errorsOf(steps(UFFD, versioned))).toEqual([
      "step 2 (ioctl): expect[0].kernel: '6.x': expected a version like 5.7, optionally after >=, >, <=, < or =, or a range like 4.11-4.13",
      'step 2 (ioctl): expect[1]: a versioned expectation is {"kernel": "<range>", "expect": {...}}',
    ]);
  });

  it('checks message fields, allowing thread names for ptid', () => {
    const read = {
      op: 'read',
      fd: 'uffd',
      expect: {
        msgs: [
          { event: 'UFFD_EVENT_PAGEFAULT', 'arg.pagefault.ptid': 'T1', 'arg.pagefault.feat.ptid': 'main' },
        ],
      },
    };
    expect(errorsOf(steps(UFFD, read))).toEqual([
      "step 2 (read): expect.msgs[0].arg.pagefault.ptid: uffd_msg has no field 'arg.pagefault.ptid' — did you mean 'arg.pagefault.feat.ptid'?",
    ]);
  });

  it('gives every error the line of its field', () => {
    const text = JSON.stringify(
      steps(MAP, { op: 'touch', thread: 'T', addr: 'zz', access: 'read' }),
      null,
      2,
    );
    const r = parseScenario(text);
    const e = (r as { errors: readonly ScenarioError[] }).errors[0]!;
    expect(text.split('\n')[e.line! - 1]).toContain('"addr": "zz"');
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        parseScenario(s);
      }),
      { numRuns: 2000 },
    );
    const step = fc.record(
      {
        op: fc.constantFrom('mmap', 'ioctl', 'touch', 'read', 'bogus', 3),
        as: fc.constantFrom('a', 'uffd', '9', {}),
        fd: fc.constantFrom('uffd', 'x', null),
        request: fc.constantFrom('UFFDIO_COPY', 'USERFAULTFD_IOC_NEW', 0xc028aa03, 7, {}),
        arg: fc.jsonValue(),
        addr: fc.jsonValue(),
        expect: fc.jsonValue(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 6 }), fc.jsonValue(), (s, extra) => {
        parseScenario(JSON.stringify({ ...HEAD, steps: s }));
        parseScenario(JSON.stringify(extra));
      }),
      { numRuns: 2000 },
    );
  });
});
