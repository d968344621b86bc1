// The shape of an Operation (model/operation.ts) as a valibot schema, for checking what arrives from
// the network. It checks shape and bounds only: whether a name exists or an address lies in the
// session is the backend's to decide (a usageError in the result).

import * as v from 'valibot';
import { AREA_KINDS, OP_NAMES, type Operation } from '../model/operation';
import { ADVICES, MREMAP_FLAGS, PROTS } from '../scenario/op-schema';
import { IOCTLS } from '../uapi/names';

/** Longest expression text: `a+3p+0x7b` is 9; a full 64-bit mask of names fits easily. */
export const MAX_EXPR_LENGTH = 256;
/** Most entries in a mask list or a struct argument. */
export const MAX_LIST = 32;

/** A picklist that says what it accepts in words. */
export const oneOf = <const T extends readonly string[]>(options: T) =>
  v.picklist(options, (issue) => `expected one of ${options.join(', ')}; got ${issue.received}`);

const list = <T extends v.GenericSchema>(item: T, max: number) =>
  v.pipe(v.array(item), v.maxLength(max, `at most ${max} entries`));

/** For a variant: the discriminator is missing or unknown, or the value is not an object at all. */
export function variantMessage(
  issue: v.BaseIssue<unknown>,
  key: string,
  what: string,
  known: string,
): string {
  if (issue.expected === 'Object') return `expected ${what} (an object with '${key}'), got ${issue.received}`;
  const problem = issue.received === 'undefined' ? `missing ${key}` : `unknown ${key} ${issue.received}`;
  return `${problem}; the ${key === 'op' ? 'ops' : 'types'} are ${known}`;
}

const name = (what: string) =>
  v.pipe(
    v.string(`${what} must be a string`),
    v.regex(
      /^[A-Za-z_$][\w$@.-]{0,63}$/,
      `${what} must be 1-64 characters: a letter, _ or $, then letters, digits, _ $ @ . -`,
    ),
  );

const fdName = name('an fd name');
const areaName = name('an area name');
const threadName = name('a thread name');
const processName = name('a process name');

/** A number, or an expression in text: `a+3p`, `2h`, `0x1000`, `A|B`. */
export const exprSchema = v.union(
  [
    v.pipe(
      v.string(),
      v.minLength(1, 'an expression cannot be empty'),
      v.maxLength(MAX_EXPR_LENGTH, `an expression is at most ${MAX_EXPR_LENGTH} characters`),
    ),
    v.pipe(
      v.number(),
      v.safeInteger(
        'a number must be a whole number within ±2^53; write larger values as text, e.g. "0xffffffffffffffff"',
      ),
    ),
  ],
  (issue) => `expected a number or an expression string, got ${issue.received}`,
);

export const maskSchema = v.union(
  [
    exprSchema,
    v.pipe(v.array(exprSchema), v.maxLength(MAX_LIST, `a mask list has at most ${MAX_LIST} entries`)),
  ],
  (issue) => `expected a mask (a number, an expression or a list of them), got ${issue.received}`,
);

const FIELD_KEY = /^[A-Za-z_][\w.]{0,63}$/;

interface StructArgShape {
  readonly [field: string]: string | number | readonly (string | number)[] | StructArgShape;
}

const isFields = (input: unknown): boolean =>
  typeof input === 'object' && input !== null && !Array.isArray(input);

/** Struct fields by C member path or nested: `{ 'range.start': 'a', mode: [...] }`, `{ src: { fill: 65 } }`. */
export const structArgSchema: v.GenericSchema<StructArgShape> = v.pipe(
  v.record(
    v.pipe(v.string(), v.regex(FIELD_KEY, 'a struct field is a C member name or path such as range.start')),
    v.lazy((input) => (isFields(input) ? structArgSchema : maskSchema)),
  ),
  v.check((o) => Object.keys(o).length <= MAX_LIST, `a struct argument has at most ${MAX_LIST} fields`),
);

const byte = v.pipe(
  v.number('a byte must be a number'),
  v.integer('a byte must be a whole number'),
  v.minValue(0, 'a byte is 0-255'),
  v.maxValue(255, 'a byte is 0-255'),
);

const IOCTL_NAMES = [...IOCTLS.map((i) => i.name), 'USERFAULTFD_IOC_NEW'] as const;

const requestSchema = v.union(
  [
    oneOf(IOCTL_NAMES),
    v.pipe(
      v.number(),
      v.integer('an ioctl request number must be whole'),
      v.minValue(0, 'an ioctl request is an unsigned 32-bit number'),
      v.maxValue(0xffffffff, 'an ioctl request is an unsigned 32-bit number'),
    ),
  ],
  `expected one of ${IOCTL_NAMES.join(', ')} or a request number`,
);

const opt = v.optional;
const op = <N extends string, E extends v.ObjectEntries>(n: N, entries: E) =>
  v.strictObject({ op: v.literal(n), ...entries });

const OPERATION_SCHEMAS = [
  op('userfaultfd', { flags: opt(maskSchema), as: fdName }),
  op('open', {
    path: v.literal('/dev/userfaultfd', 'only /dev/userfaultfd can be opened'),
    flags: opt(maskSchema),
    as: fdName,
  }),
  op('ioctl', {
    fd: fdName,
    request: requestSchema,
    arg: opt(v.lazy((input) => (isFields(input) ? structArgSchema : maskSchema))),
    as: opt(fdName),
  }),
  op('close', { fd: fdName }),
  op('read', { fd: fdName, size: opt(exprSchema) }),
  op('poll', { fd: fdName }),
  op('fcntl', { fd: fdName, cmd: oneOf(['F_SETFL', 'F_GETFL']), flags: opt(maskSchema) }),
  op('mmap', {
    as: areaName,
    kind: oneOf(AREA_KINDS),
    len: exprSchema,
    prot: opt(list(oneOf(PROTS), PROTS.length)),
    shared: opt(v.boolean()),
    file: opt(name('a file name')),
    offset: opt(exprSchema),
    fileSize: opt(exprSchema),
    readOnlyFd: opt(v.boolean()),
    thread: opt(threadName),
  }),
  op('munmap', { addr: exprSchema, len: exprSchema, thread: opt(threadName) }),
  op('mremap', {
    addr: exprSchema,
    oldLen: exprSchema,
    newLen: exprSchema,
    flags: opt(list(oneOf(MREMAP_FLAGS), MREMAP_FLAGS.length)),
    newAddr: opt(exprSchema),
    as: opt(areaName),
    thread: opt(threadName),
  }),
  op('madvise', { addr: exprSchema, len: exprSchema, advice: oneOf(ADVICES), thread: opt(threadName) }),
  op('fork', { child: processName, thread: opt(threadName) }),
  op('exit', { process: processName }),
  op('touch', {
    thread: threadName,
    addr: exprSchema,
    access: oneOf(['read', 'write']),
    len: opt(exprSchema),
    value: opt(byte),
  }),
  op('signal', { thread: threadName, signal: v.literal('SIGUSR1', 'the only signal is SIGUSR1') }),
] as const;

/** Checks an operation; what it lets through is an Operation (the annotation makes that a type error otherwise). */
export const operationSchema: v.GenericSchema<unknown, Operation> = v.variant(
  'op',
  OPERATION_SCHEMAS,
  (issue) => variantMessage(issue, 'op', 'an operation', OP_NAMES.join(', ')),
);
