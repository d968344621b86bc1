// Each call as a form: its fields (typed inputs that take the expression language, named checkboxes
// for mode and feature bits), how they are checked, and the Operation they make; their defaults are
// in form-defaults.ts. Pure, so it is tested without a DOM.

import { exprValue } from '../../portable/console/parse-call';
import { NAME } from '../../portable/console/syntax';
import { evalExpr, ExprError, type Expr } from '../../portable/model/expr';
import type { AreaKind, Operation, StructArg } from '../../portable/model/operation';
import { FEATURES, IOCTL_BY_NAME, USERFAULTFD_FLAGS, type FlagInfo } from '../../portable/uapi/names';
import { ADVICES, KINDS, MREMAP_FLAGS, PROTS } from '../../portable/console/signatures';
import { isIoctl, type CallId } from './calls';
import { sessionExprContext } from './expr-context';
import type { FormContext } from './form-defaults';

export type FieldSpec =
  | { readonly kind: 'fd'; readonly key: string; readonly label: string }
  | { readonly kind: 'expr'; readonly key: string; readonly label: string; readonly optional?: boolean }
  | {
      readonly kind: 'flags';
      readonly key: string;
      readonly label: string;
      readonly flags: readonly FlagInfo[];
    }
  | {
      readonly kind: 'choice';
      readonly key: string;
      readonly label: string;
      readonly options: readonly string[];
    }
  | { readonly kind: 'bool'; readonly key: string; readonly label: string }
  | { readonly kind: 'name'; readonly key: string; readonly label: string; readonly optional?: boolean }
  | { readonly kind: 'src'; readonly key: string; readonly label: string }
  | { readonly kind: 'byte'; readonly key: string; readonly label: string; readonly optional?: boolean };

/** A form's values: text for inputs, booleans for checkboxes, names for flag sets. */
export type Value = string | boolean | readonly string[];
export type Values = Readonly<Record<string, Value>>;

const flag = (names: readonly string[]): FlagInfo[] => names.map((name) => ({ name, value: 0n }));
const modes = (call: string) => IOCTL_BY_NAME.get(call)?.modes ?? [];
const fd: FieldSpec = { kind: 'fd', key: 'fd', label: 'fd' };
const range = (prefix: string): FieldSpec[] => [
  { kind: 'expr', key: `${prefix}start`, label: `${prefix}start` },
  { kind: 'expr', key: `${prefix}len`, label: `${prefix}len` },
];
const mode = (call: string): FieldSpec => ({ kind: 'flags', key: 'mode', label: 'mode', flags: modes(call) });

export function fieldsOf(call: CallId): FieldSpec[] {
  switch (call) {
    case 'UFFDIO_API':
      return [
        fd,
        { kind: 'expr', key: 'api', label: 'api' },
        { kind: 'flags', key: 'features', label: 'features', flags: FEATURES },
      ];
    case 'UFFDIO_REGISTER':
      return [fd, ...range('range.'), mode(call)];
    case 'UFFDIO_UNREGISTER':
    case 'UFFDIO_WAKE':
      return [fd, ...range('')];
    case 'UFFDIO_COPY':
      return [
        fd,
        { kind: 'expr', key: 'dst', label: 'dst' },
        { kind: 'src', key: 'src', label: 'src' },
        { kind: 'expr', key: 'len', label: 'len' },
        mode(call),
      ];
    case 'UFFDIO_MOVE':
      return [
        fd,
        { kind: 'expr', key: 'dst', label: 'dst' },
        { kind: 'expr', key: 'src', label: 'src' },
        { kind: 'expr', key: 'len', label: 'len' },
        mode(call),
      ];
    case 'UFFDIO_ZEROPAGE':
    case 'UFFDIO_WRITEPROTECT':
    case 'UFFDIO_CONTINUE':
    case 'UFFDIO_POISON':
      return [fd, ...range('range.'), mode(call)];
    case 'USERFAULTFD_IOC_NEW':
      return [
        { kind: 'fd', key: 'fd', label: 'device fd' },
        { kind: 'flags', key: 'flags', label: 'flags', flags: USERFAULTFD_FLAGS },
        { kind: 'name', key: 'as', label: 'name the new uffd' },
      ];
    case 'userfaultfd':
      return [
        { kind: 'flags', key: 'flags', label: 'flags', flags: USERFAULTFD_FLAGS },
        { kind: 'name', key: 'as', label: 'name' },
      ];
    case 'open':
      return [
        { kind: 'flags', key: 'flags', label: 'flags (with O_RDWR)', flags: flag(['O_CLOEXEC']) },
        { kind: 'name', key: 'as', label: 'name' },
      ];
    case 'read':
      return [fd, { kind: 'expr', key: 'size', label: 'size (bytes)' }];
    case 'poll':
    case 'close':
      return [fd];
    case 'fcntl':
      return [
        fd,
        { kind: 'choice', key: 'cmd', label: 'cmd', options: ['F_SETFL', 'F_GETFL'] },
        { kind: 'flags', key: 'flags', label: 'flags (F_SETFL)', flags: flag(['O_NONBLOCK']) },
      ];
    case 'mmap':
      return [
        { kind: 'name', key: 'as', label: 'name' },
        { kind: 'expr', key: 'len', label: 'len' },
        { kind: 'choice', key: 'kind', label: 'kind', options: KINDS },
        { kind: 'bool', key: 'shared', label: 'shared (memfd, hugetlb)' },
        { kind: 'flags', key: 'prot', label: 'prot', flags: flag(PROTS) },
        { kind: 'name', key: 'file', label: 'file (alias another area’s memfd)', optional: true },
        { kind: 'expr', key: 'offset', label: 'file offset', optional: true },
        { kind: 'bool', key: 'readOnlyFd', label: 'through an fd opened O_RDONLY' },
      ];
    case 'munmap':
      return [
        { kind: 'expr', key: 'addr', label: 'addr' },
        { kind: 'expr', key: 'len', label: 'len' },
      ];
    case 'mremap':
      return [
        { kind: 'expr', key: 'addr', label: 'addr' },
        { kind: 'expr', key: 'oldLen', label: 'old len' },
        { kind: 'expr', key: 'newLen', label: 'new len' },
        { kind: 'flags', key: 'flags', label: 'flags', flags: flag(MREMAP_FLAGS) },
        { kind: 'name', key: 'as', label: 'name of the new place (moves)', optional: true },
      ];
    case 'madvise':
      return [
        { kind: 'expr', key: 'addr', label: 'addr' },
        { kind: 'expr', key: 'len', label: 'len' },
        { kind: 'choice', key: 'advice', label: 'advice', options: ADVICES },
      ];
    case 'fork':
      return [{ kind: 'name', key: 'child', label: 'child' }];
    case 'exit':
      return [{ kind: 'name', key: 'process', label: 'process' }];
    case 'touch':
      return [
        { kind: 'name', key: 'thread', label: 'thread' },
        { kind: 'expr', key: 'addr', label: 'addr' },
        { kind: 'choice', key: 'access', label: 'access', options: ['read', 'write'] },
        { kind: 'expr', key: 'len', label: 'len (bytes)', optional: true },
        { kind: 'byte', key: 'value', label: 'value written', optional: true },
      ];
    case 'signal':
      return [{ kind: 'name', key: 'thread', label: 'thread' }];
  }
}

const text = (v: Value | undefined): string => (typeof v === 'string' ? v.trim() : '');

function checkExpr(value: string, ctx: FormContext): string | undefined {
  try {
    evalExpr(value, sessionExprContext(ctx.snapshot));
    return undefined;
  } catch (e) {
    if (e instanceof ExprError) return `${e.message} (at column ${e.at + 1})`;
    return String(e);
  }
}

/** Errors by field key; empty when the form can run. */
export function validate(call: CallId, values: Values, ctx: FormContext): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const f of fieldsOf(call)) {
    const v = text(values[f.key]);
    if (f.kind === 'expr') {
      if (!v) {
        if (!f.optional) errors[f.key] = 'required';
        continue;
      }
      const e = checkExpr(v, ctx);
      if (e) errors[f.key] = e;
    } else if (f.kind === 'name' || f.kind === 'fd') {
      if (!v) {
        if (!(f.kind === 'name' && f.optional)) errors[f.key] = 'required';
      } else if (!NAME.test(v)) errors[f.key] = 'a name: letters, digits, _';
    } else if (f.kind === 'flags') {
      const extra = text(values[`${f.key}.extra`]);
      const e = extra ? checkExpr(extra, ctx) : undefined;
      if (e) errors[`${f.key}.extra`] = e;
    } else if (f.kind === 'byte' && v) {
      const n = /^(0x[0-9a-fA-F]+|\d+)$/.test(v) ? Number(v) : NaN;
      if (!(n >= 0 && n <= 255)) errors[f.key] = 'a byte: 0 to 0xff';
    } else if (f.kind === 'src') {
      const [how, rest = ''] = v.split(':');
      if (how === 'fill') {
        const n = /^(0x[0-9a-fA-F]+|\d+)$/.test(rest) ? Number(rest) : NaN;
        if (!(n >= 0 && n <= 255)) errors[f.key] = 'fill: a byte, 0 to 0xff';
      } else {
        const e = rest ? checkExpr(rest, ctx) : 'an address';
        if (e) errors[f.key] = e;
      }
    }
  }
  return errors;
}

function mask(values: Values, key: string): Expr {
  const names = (values[key] as readonly string[] | undefined) ?? [];
  const extra = text(values[`${key}.extra`]);
  const parts = [...names, ...(extra ? [extra] : [])];
  return parts.length ? exprValue(parts.join('|')) : 0;
}

const expr = (values: Values, key: string): Expr => exprValue(text(values[key]));

/** Optional fields, only when given. */
function opt(values: Values, key: string, make: (v: string) => unknown = exprValue): Record<string, unknown> {
  const v = text(values[key]);
  return v ? { [key]: make(v) } : {};
}

function ioctlArg(call: CallId, values: Values): StructArg {
  const r = (prefix: string) => ({
    start: expr(values, `${prefix}start`),
    len: expr(values, `${prefix}len`),
  });
  switch (call) {
    case 'UFFDIO_API':
      return { api: expr(values, 'api'), features: mask(values, 'features') };
    case 'UFFDIO_UNREGISTER':
    case 'UFFDIO_WAKE':
      return r('');
    case 'UFFDIO_COPY': {
      const [how, rest = ''] = text(values.src).split(':');
      const src = how === 'fill' ? { fill: Number(rest) } : exprValue(rest);
      return { dst: expr(values, 'dst'), src, len: expr(values, 'len'), mode: mask(values, 'mode') };
    }
    case 'UFFDIO_MOVE':
      return {
        dst: expr(values, 'dst'),
        src: expr(values, 'src'),
        len: expr(values, 'len'),
        mode: mask(values, 'mode'),
      };
    default:
      return { range: r('range.'), mode: mask(values, 'mode') };
  }
}

/** The operation a valid form makes. */
export function buildOperation(call: CallId, values: Values): Operation {
  const v = (k: string) => text(values[k]);
  if (isIoctl(call)) return { op: 'ioctl', fd: v('fd'), request: call, arg: ioctlArg(call, values) };
  switch (call) {
    case 'USERFAULTFD_IOC_NEW':
      return { op: 'ioctl', fd: v('fd'), request: call, arg: mask(values, 'flags'), as: v('as') };
    case 'userfaultfd':
      return { op: 'userfaultfd', flags: mask(values, 'flags'), as: v('as') };
    case 'open':
      return { op: 'open', path: '/dev/userfaultfd', flags: mask(values, 'flags'), as: v('as') };
    case 'read':
      return { op: 'read', fd: v('fd'), size: expr(values, 'size') };
    case 'poll':
    case 'close':
      return { op: call, fd: v('fd') };
    case 'fcntl': {
      const cmd = v('cmd') as 'F_SETFL' | 'F_GETFL';
      return {
        op: 'fcntl',
        fd: v('fd'),
        cmd,
        ...(cmd === 'F_SETFL' ? { flags: mask(values, 'flags') } : {}),
      };
    }
    case 'mmap':
      return {
        op: 'mmap',
        as: v('as'),
        kind: v('kind') as AreaKind,
        len: expr(values, 'len'),
        prot: [...((values.prot as readonly string[] | undefined) ?? [])] as (typeof PROTS)[number][],
        ...(values.shared ? { shared: true } : {}),
        ...(values.readOnlyFd ? { readOnlyFd: true } : {}),
        ...opt(values, 'file', (x) => x),
        ...opt(values, 'offset'),
      } as Operation;
    case 'munmap':
      return { op: 'munmap', addr: expr(values, 'addr'), len: expr(values, 'len') };
    case 'mremap':
      return {
        op: 'mremap',
        addr: expr(values, 'addr'),
        oldLen: expr(values, 'oldLen'),
        newLen: expr(values, 'newLen'),
        flags: [
          ...((values.flags as readonly string[] | undefined) ?? []),
        ] as (typeof MREMAP_FLAGS)[number][],
        ...opt(values, 'as', (x) => x),
      } as Operation;
    case 'madvise':
      return {
        op: 'madvise',
        addr: expr(values, 'addr'),
        len: expr(values, 'len'),
        advice: v('advice') as (typeof ADVICES)[number],
      };
    case 'fork':
      return { op: 'fork', child: v('child') };
    case 'exit':
      return { op: 'exit', process: v('process') };
    case 'touch':
      return {
        op: 'touch',
        thread: v('thread'),
        addr: expr(values, 'addr'),
        access: v('access') as 'read' | 'write',
        ...opt(values, 'len'),
        ...opt(values, 'value', (x) => Number(x)),
      } as Operation;
    case 'signal':
      return { op: 'signal', thread: v('thread'), signal: 'SIGUSR1' };
  }
}
