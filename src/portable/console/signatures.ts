// How each operation is written as a call: its positional parameters, its {options}, and the name it
// assigns. The parser and the printer both read this one table, so they cannot drift apart.

import type { Advice, AreaKind, MremapFlag, OpName, Prot } from '../model/operation';
import { AREA_KINDS } from '../model/operation';

export type Kind =
  /** An expression: a number if it is a plain decimal, else its text. */
  | 'expr'
  /** An expression or a [list] of them. */
  | 'mask'
  /** A name of an fd, area, thread or process. */
  | 'name'
  /** A quoted path. */
  | 'path'
  /** A byte value, printed in hex. */
  | 'byte'
  | 'bool'
  /** An ioctl request: a name or a number. */
  | 'request'
  /** An ioctl's argument: a {struct} or a mask. */
  | 'ioctlArg'
  | { readonly oneOf: readonly string[] }
  /** Several words of a set, `A|B` or [A, B]. */
  | { readonly someOf: readonly string[] };

export interface Param {
  /** The Operation field. */
  readonly field: string;
  readonly kind: Kind;
  readonly optional?: boolean;
}

export interface Signature {
  readonly op: OpName;
  /** The C-like function name. */
  readonly fn: string;
  readonly params: readonly Param[];
  /** Named options, given as a last {object} argument. */
  readonly options?: readonly Param[];
  /** The field `name = fn(...)` sets, and whether a name must be given. */
  readonly assign?: { readonly field: string; readonly required: boolean };
}

export const PROTS: readonly Prot[] = ['PROT_NONE', 'PROT_READ', 'PROT_WRITE', 'PROT_EXEC'];
export const ADVICES: readonly Advice[] = [
  'MADV_DONTNEED',
  'MADV_REMOVE',
  'MADV_FREE',
  'MADV_DONTNEED_LOCKED',
  'MADV_PAGEOUT',
  'MADV_COLD',
];
export const MREMAP_FLAGS: readonly MremapFlag[] = ['MREMAP_MAYMOVE', 'MREMAP_FIXED', 'MREMAP_DONTUNMAP'];
export const KINDS: readonly AreaKind[] = AREA_KINDS;
export const ACCESSES = ['read', 'write'] as const;
export const FCNTL_CMDS = ['F_SETFL', 'F_GETFL'] as const;
export const SIGNALS = ['SIGUSR1'] as const;
export const DEV_USERFAULTFD = '/dev/userfaultfd';

const thread: Param = { field: 'thread', kind: 'name', optional: true };

export const SIGNATURES: readonly Signature[] = [
  {
    op: 'userfaultfd',
    fn: 'userfaultfd',
    params: [{ field: 'flags', kind: 'mask', optional: true }],
    assign: { field: 'as', required: true },
  },
  {
    op: 'open',
    fn: 'open',
    params: [
      { field: 'path', kind: 'path' },
      { field: 'flags', kind: 'mask', optional: true },
    ],
    assign: { field: 'as', required: true },
  },
  {
    op: 'ioctl',
    fn: 'ioctl',
    params: [
      { field: 'fd', kind: 'name' },
      { field: 'request', kind: 'request' },
      { field: 'arg', kind: 'ioctlArg', optional: true },
    ],
    assign: { field: 'as', required: false },
  },
  { op: 'close', fn: 'close', params: [{ field: 'fd', kind: 'name' }] },
  {
    op: 'read',
    fn: 'read',
    params: [
      { field: 'fd', kind: 'name' },
      { field: 'size', kind: 'expr', optional: true },
    ],
  },
  { op: 'poll', fn: 'poll', params: [{ field: 'fd', kind: 'name' }] },
  {
    op: 'fcntl',
    fn: 'fcntl',
    params: [
      { field: 'fd', kind: 'name' },
      { field: 'cmd', kind: { oneOf: FCNTL_CMDS } },
      { field: 'flags', kind: 'mask', optional: true },
    ],
  },
  {
    op: 'mmap',
    fn: 'mmap',
    params: [
      { field: 'len', kind: 'expr' },
      { field: 'kind', kind: { oneOf: KINDS } },
    ],
    options: [
      { field: 'prot', kind: { someOf: PROTS } },
      { field: 'shared', kind: 'bool' },
      { field: 'file', kind: 'name' },
      { field: 'offset', kind: 'expr' },
      { field: 'fileSize', kind: 'expr' },
      { field: 'readOnlyFd', kind: 'bool' },
      thread,
    ],
    assign: { field: 'as', required: true },
  },
  {
    op: 'munmap',
    fn: 'munmap',
    params: [
      { field: 'addr', kind: 'expr' },
      { field: 'len', kind: 'expr' },
    ],
    options: [thread],
  },
  {
    op: 'mremap',
    fn: 'mremap',
    params: [
      { field: 'addr', kind: 'expr' },
      { field: 'oldLen', kind: 'expr' },
      { field: 'newLen', kind: 'expr' },
    ],
    options: [{ field: 'flags', kind: { someOf: MREMAP_FLAGS } }, { field: 'newAddr', kind: 'expr' }, thread],
    assign: { field: 'as', required: false },
  },
  {
    op: 'madvise',
    fn: 'madvise',
    params: [
      { field: 'addr', kind: 'expr' },
      { field: 'len', kind: 'expr' },
      { field: 'advice', kind: { oneOf: ADVICES } },
    ],
    options: [thread],
  },
  { op: 'fork', fn: 'fork', params: [], options: [thread], assign: { field: 'child', required: true } },
  { op: 'exit', fn: 'exit', params: [{ field: 'process', kind: 'name' }] },
  {
    op: 'touch',
    fn: 'touch',
    params: [
      { field: 'thread', kind: 'name' },
      { field: 'addr', kind: 'expr' },
      { field: 'access', kind: { oneOf: ACCESSES } },
    ],
    options: [
      { field: 'len', kind: 'expr' },
      { field: 'value', kind: 'byte' },
    ],
  },
  {
    op: 'signal',
    fn: 'signal',
    params: [
      { field: 'thread', kind: 'name' },
      { field: 'signal', kind: { oneOf: SIGNALS } },
    ],
  },
];

export const SIGNATURE_BY_FN = new Map(SIGNATURES.map((s) => [s.fn, s]));
export const SIGNATURE_BY_OP = new Map(SIGNATURES.map((s) => [s.op, s]));

/** `ioctl(fd, request, arg?)`: the call's shape for help and errors. */
export function usage(sig: Signature): string {
  const params = sig.params.map((p) => (p.optional ? `${p.field}?` : p.field));
  if (sig.options?.length) params.push(`{${sig.options.map((o) => o.field).join(', ')}}`);
  const call = `${sig.fn}(${params.join(', ')})`;
  if (!sig.assign) return call;
  return sig.assign.required ? `NAME = ${call}` : `[NAME =] ${call}`;
}
