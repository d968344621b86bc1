// operation → text → operation is the identity, for every operation the model can express.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Expr } from '../model/expr';
import type { Operation, StructArg } from '../model/operation';
import { IOCTLS } from '../uapi/names';
import { STRUCTS } from '../uapi/structs';
import { parseCall } from './parse-call';
import { printOperation } from './print';
import { ACCESSES, ADVICES, FCNTL_CMDS, KINDS, MREMAP_FLAGS, PROTS } from './signatures';

const name = fc.oneof(
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/),
  fc.constantFrom('uffd@c', '$src', 'T1', 'main'),
);
const term = fc.oneof(
  fc.constantFrom('a', 'b', 'buf', 'UFFD_API', 'O_CLOEXEC', 'UFFDIO_REGISTER_MODE_WP'),
  fc.tuple(fc.nat(64), fc.constantFrom('p', 'h', 'k', 'M', '')).map(([n, u]) => `${n}${u}`),
  fc.nat().map((n) => `0x${n.toString(16)}`),
);
const exprText = fc
  .tuple(
    term,
    fc.array(fc.tuple(fc.constantFrom('+', '-', '|', ' + ', ' | '), term), { maxLength: 3 }),
    fc.boolean(),
  )
  .map(([t, rest, paren]) => {
    const s = t + rest.map(([o, x]) => o + x).join('');
    return paren ? `(${s})` : s;
  })
  .filter((s) => !/^-?\d+$/.test(s));
const expr: fc.Arbitrary<Expr> = fc.oneof(exprText, fc.integer(), fc.maxSafeNat());
const mask = fc.oneof(expr, fc.array(expr, { maxLength: 3 }));
const opt = <T>(key: string, arb: fc.Arbitrary<T>) =>
  fc.option(arb, { nil: undefined }).map((v) => (v === undefined ? {} : { [key]: v }));
const subset = <T>(xs: readonly T[]) => fc.subarray([...xs]);

/** A struct argument as a user may write it for this ioctl: flat member paths or nested `range: {…}`. */
function structArg(struct: keyof typeof STRUCTS, copy: boolean): fc.Arbitrary<StructArg> {
  const fields = STRUCTS[struct].fields.map((f) => f.name);
  return fc
    .tuple(
      subset(fields),
      fc.boolean(),
      fc.array(mask, { minLength: fields.length, maxLength: fields.length }),
      fc.nat(255),
      fc.boolean(),
    )
    .map(([chosen, nest, values, fill, useFill]) => {
      const out: Record<string, StructArg[string]> = {};
      chosen.forEach((f, i) => {
        const v = copy && f === 'src' && useFill ? { fill } : values[i]!;
        const [head, tail] = f.split('.');
        if (nest && tail) {
          const inner = (out[head!] ??= {}) as Record<string, StructArg[string]>;
          inner[tail] = v;
        } else out[f] = v;
      });
      return out;
    });
}

const ioctlOp: fc.Arbitrary<Operation> = fc.oneof(
  fc
    .constantFrom(...IOCTLS)
    .chain((info) =>
      fc
        .record({ fd: name, arg: structArg(info.struct, info.name === 'UFFDIO_COPY') })
        .map((r) => ({ op: 'ioctl' as const, fd: r.fd, request: info.name, arg: r.arg })),
    ),
  fc
    .record({ fd: name, arg: mask, as: name })
    .map((r) => ({ op: 'ioctl' as const, request: 'USERFAULTFD_IOC_NEW' as const, ...r })),
  fc
    .tuple(
      name,
      fc.nat(0xffffffff),
      fc.option(fc.dictionary(fc.constantFrom('x', 'y', 'range.start'), mask), { nil: undefined }),
    )
    .map(([fd, request, arg]) => ({ op: 'ioctl' as const, fd, request, ...(arg ? { arg } : {}) })),
  name.map((fd) => ({ op: 'ioctl' as const, fd, request: 'UFFDIO_API' as const })),
);

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.tuple(name, opt('flags', mask)).map(([as, f]) => ({ op: 'userfaultfd', as, ...f }) as Operation),
  fc
    .tuple(name, opt('flags', mask))
    .map(([as, f]) => ({ op: 'open', path: '/dev/userfaultfd', as, ...f }) as Operation),
  ioctlOp,
  name.map((fd) => ({ op: 'close', fd }) as Operation),
  fc.tuple(name, opt('size', expr)).map(([fd, s]) => ({ op: 'read', fd, ...s }) as Operation),
  name.map((fd) => ({ op: 'poll', fd }) as Operation),
  fc
    .tuple(name, fc.constantFrom(...FCNTL_CMDS), opt('flags', mask))
    .map(([fd, cmd, f]) => ({ op: 'fcntl', fd, cmd, ...f }) as Operation),
  fc
    .tuple(
      name,
      fc.constantFrom(...KINDS),
      expr,
      opt('prot', subset(PROTS)),
      opt('shared', fc.boolean()),
      opt('file', name),
      opt('offset', expr),
      opt('fileSize', expr),
      opt('readOnlyFd', fc.boolean()),
      opt('thread', name),
    )
    .map(([as, kind, len, ...o]) => Object.assign({ op: 'mmap', as, kind, len }, ...o) as Operation),
  fc
    .tuple(expr, expr, opt('thread', name))
    .map(([addr, len, t]) => ({ op: 'munmap', addr, len, ...t }) as Operation),
  fc
    .tuple(
      expr,
      expr,
      expr,
      opt('flags', subset(MREMAP_FLAGS)),
      opt('newAddr', expr),
      opt('as', name),
      opt('thread', name),
    )
    .map(
      ([addr, oldLen, newLen, ...o]) =>
        Object.assign({ op: 'mremap', addr, oldLen, newLen }, ...o) as Operation,
    ),
  fc
    .tuple(expr, expr, fc.constantFrom(...ADVICES), opt('thread', name))
    .map(([addr, len, advice, t]) => ({ op: 'madvise', addr, len, advice, ...t }) as Operation),
  fc.tuple(name, opt('thread', name)).map(([child, t]) => ({ op: 'fork', child, ...t }) as Operation),
  name.map((process) => ({ op: 'exit', process }) as Operation),
  fc
    .tuple(name, expr, fc.constantFrom(...ACCESSES), opt('len', expr), opt('value', fc.nat(255)))
    .map(
      ([thread, addr, access, ...o]) =>
        Object.assign({ op: 'touch', thread, addr, access }, ...o) as Operation,
    ),
  name.map((thread) => ({ op: 'signal', thread, signal: 'SIGUSR1' }) as Operation),
);

describe('console round trip', () => {
  it('parses what it prints back to the same operation', () => {
    fc.assert(
      fc.property(operation, (op) => {
        const text = printOperation(op);
        expect(parseCall(text).op, text).toEqual(op);
      }),
      { numRuns: 3000 },
    );
  });

  it('prints operations as C would read them', () => {
    const copy: Operation = {
      op: 'ioctl',
      fd: 'uffd',
      request: 'UFFDIO_COPY',
      arg: { dst: 'a+1p', src: { fill: 0x41 }, len: '1p', mode: 0 },
    };
    expect(printOperation(copy)).toBe(
      'ioctl(uffd, UFFDIO_COPY, {dst: a+1p, src: {fill: 0x41}, len: 1p, mode: 0})',
    );
    expect(printOperation({ op: 'userfaultfd', as: 'uffd', flags: 'O_CLOEXEC|O_NONBLOCK' })).toBe(
      'uffd = userfaultfd(O_CLOEXEC|O_NONBLOCK)',
    );
    expect(
      printOperation({ op: 'mmap', as: 'a', kind: 'anon', len: '4p', prot: ['PROT_READ', 'PROT_WRITE'] }),
    ).toBe('a = mmap(4p, anon, {prot: PROT_READ|PROT_WRITE})');
    expect(printOperation({ op: 'touch', thread: 'T1', addr: 'a+1p', access: 'write', value: 0x7f })).toBe(
      'touch(T1, a+1p, write, {value: 0x7f})',
    );
    expect(printOperation({ op: 'open', path: '/dev/userfaultfd', as: 'dev' })).toBe(
      'dev = open("/dev/userfaultfd")',
    );
  });
});
