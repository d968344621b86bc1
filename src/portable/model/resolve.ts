// From an operation's names and expressions to the numbers a syscall takes, the same way in both
// engines: constants by their uapi names, struct arguments by C member path (nested or dotted),
// masks as expressions or lists, each value wrapped to its field's C type. Errors name the field.

import * as U from '../uapi/userfaultfd';
import { ERRNO } from '../uapi/errno';
import { FEATURES, IOCTL_BY_NAME, IOCTL_BY_REQUEST, USERFAULTFD_FLAGS } from '../uapi/names';
import type { FlagInfo, IoctlInfo } from '../uapi/names';
import type { FieldLayout, StructLayout, StructValues } from '../uapi/structs';
import { evalExpr, evalMask, ExprError, type Expr, type ExprContext } from './expr';
import type { MaskExpr, Operation, StructArg } from './operation';

/** A name or expression that resolves to nothing, or a value of the wrong shape. */
export class ResolveError extends Error {
  override name = 'ResolveError';
  /** The operation field at fault, e.g. `arg.range.start`. */
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

/** What names mean in one session: its areas and its page sizes. */
export interface ResolveEnv {
  readonly pageSize: number;
  readonly hugePageSize: number;
  areaStart(name: string): bigint | undefined;
}

const CONSTANTS: ReadonlyMap<string, bigint> = new Map(
  [
    ...Object.entries(U).filter(([k, v]) => /^_?[A-Z][A-Z0-9_]*$/.test(k) && typeof v !== 'function'),
    ...Object.entries(ERRNO),
    ['O_RDONLY', 0],
    ['O_RDWR', 2],
  ].map(([k, v]) => [k as string, BigInt(v as number | bigint)]),
);

/** A uapi constant by its header name (`UFFD_FEATURE_EVENT_FORK`, `O_NONBLOCK`, `EAGAIN`). */
export function constantValue(name: string): bigint | undefined {
  return CONSTANTS.get(name);
}

/**
 * An expression context over the session. `table` adds short names for one field: with the register
 * modes, `MISSING` means UFFDIO_REGISTER_MODE_MISSING.
 */
export function exprContext(env: ResolveEnv, table?: readonly FlagInfo[]): ExprContext {
  // One per session and table: a context is made for every expression resolved.
  let byTable = CONTEXTS.get(env);
  if (!byTable) CONTEXTS.set(env, (byTable = new Map()));
  let ctx = byTable.get(table);
  if (!ctx) byTable.set(table, (ctx = new SessionContext(env, table)));
  return ctx;
}

const CONTEXTS = new WeakMap<ResolveEnv, Map<readonly FlagInfo[] | undefined, ExprContext>>();

class SessionContext implements ExprContext {
  private readonly env: ResolveEnv;
  private readonly table: readonly FlagInfo[] | undefined;
  constructor(env: ResolveEnv, table: readonly FlagInfo[] | undefined) {
    this.env = env;
    this.table = table;
  }
  get pageSize(): number {
    return this.env.pageSize;
  }
  get hugePageSize(): number {
    return this.env.hugePageSize;
  }
  areaStart(name: string): bigint | undefined {
    return this.env.areaStart(name);
  }
  constant(name: string): bigint | undefined {
    return constantValue(name) ?? (this.table && shortName(this.table, name));
  }
}

function shortName(table: readonly FlagInfo[], name: string): bigint | undefined {
  return table.find((f) => f.name === name || f.name.endsWith(`_${name}`))?.value;
}

function describe(e: unknown): string {
  if (e instanceof ExprError) return `${e.message} in '${e.text}'`;
  return e instanceof Error ? e.message : String(e);
}

/** One expression: an address, a length, a number. */
export function resolveExpr(expr: Expr, env: ResolveEnv, field: string, table?: readonly FlagInfo[]): bigint {
  // A plain whole number needs no context (a fast path: the simulator resolves millions a second).
  if (typeof expr === 'number' && Number.isSafeInteger(expr)) return BigInt(expr);
  if (typeof expr !== 'string' && typeof expr !== 'number') {
    throw new ResolveError(field, `expected a number or an expression, got ${shape(expr)}`);
  }
  try {
    return evalExpr(expr, exprContext(env, table));
  } catch (e) {
    throw new ResolveError(field, describe(e));
  }
}

/** A mask: an expression or a list of names and numbers, OR-ed. Absent is 0. */
export function resolveMask(
  mask: MaskExpr | undefined,
  env: ResolveEnv,
  field: string,
  table?: readonly FlagInfo[],
): bigint {
  if (mask === undefined) return 0n;
  if (typeof mask === 'number' && Number.isSafeInteger(mask)) return BigInt(mask);
  if (Array.isArray(mask)) {
    return mask.reduce<bigint>((m, v, i) => m | resolveExpr(v, env, `${field}[${i}]`, table), 0n);
  }
  try {
    return evalMask(mask as Expr, exprContext(env, table));
  } catch (e) {
    if (typeof mask !== 'string' && typeof mask !== 'number') {
      throw new ResolveError(field, `expected a mask, got ${shape(mask)}`);
    }
    throw new ResolveError(field, describe(e));
  }
}

function shape(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : typeof v;
}

/** The flags userfaultfd(2) and USERFAULTFD_IOC_NEW take, by name or number. */
export const resolveUffdFlags = (m: MaskExpr | undefined, env: ResolveEnv, field: string): bigint =>
  resolveMask(m, env, field, USERFAULTFD_FLAGS);

export type ResolvedRequest =
  | { readonly kind: 'uffdio'; readonly info: IoctlInfo }
  | { readonly kind: 'new' }
  /** A number no uapi name has: passed as it is. */
  | { readonly kind: 'raw'; readonly request: number };

/** The ioctl an operation names: by UFFDIO_* name, USERFAULTFD_IOC_NEW, or a raw request number. */
export function resolveRequest(request: OperationRequest): ResolvedRequest {
  if (request === 'USERFAULTFD_IOC_NEW' || request === U.USERFAULTFD_IOC_NEW) return { kind: 'new' };
  if (typeof request === 'number') {
    if (!Number.isInteger(request) || request < 0 || request > 0xffffffff) {
      throw new ResolveError('request', `${request} is not an ioctl request number (a 32-bit unsigned)`);
    }
    const info = IOCTL_BY_REQUEST.get(request);
    return info ? { kind: 'uffdio', info } : { kind: 'raw', request };
  }
  const info = IOCTL_BY_NAME.get(request);
  if (!info) throw new ResolveError('request', `unknown ioctl '${String(request)}'`);
  return { kind: 'uffdio', info };
}

type OperationRequest = Extract<Operation, { op: 'ioctl' }>['request'];

/** The short-name table for a field: the ioctl's modes for `mode`, the features for `features`. */
function tableFor(f: FieldLayout, info: IoctlInfo | undefined): readonly FlagInfo[] | undefined {
  if (f.role === 'mode') return info?.modes;
  if (f.role === 'features') return FEATURES;
  return undefined;
}

export interface ResolvedStruct {
  /** Every field the caller gave (output fields included); absent ones are zero in the bytes. */
  readonly values: StructValues;
  /** UFFDIO_COPY `src: { fill }`: the byte the backend's source buffer is filled with. */
  readonly fill?: number;
}

/**
 * A struct argument into field values. Fields are named by C member path, nested
 * (`{range: {start: 'a'}}`) or dotted (`{'range.start': 'a'}`); each is an expression, or a list
 * OR-ed as a mask. For uffdio_copy, `src` may be `{ fill: byte }`.
 */
export function resolveStruct(
  layout: StructLayout,
  arg: StructArg | MaskExpr | undefined,
  env: ResolveEnv,
  info?: IoctlInfo,
): ResolvedStruct {
  if (arg === undefined) return { values: {} };
  if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) {
    throw new ResolveError('arg', `${layout.name} takes an object of fields, got ${shape(arg)}`);
  }
  const out: { values: StructValues; fill?: number } = { values: {} };
  visitStruct(layout, fieldsOf(layout), arg as StructArg, '', env, info, out);
  return out.fill === undefined ? { values: out.values } : out;
}

/** Fills `out` from one level of a struct argument (nested objects are the dotted members). */
function visitStruct(
  layout: StructLayout,
  fields: ReadonlyMap<string, FieldLayout>,
  obj: StructArg,
  prefix: string,
  env: ResolveEnv,
  info: IoctlInfo | undefined,
  out: { values: StructValues; fill?: number },
): void {
  const values = out.values;
  for (const key of Object.keys(obj)) {
    const v = obj[key]!;
    const path = prefix + key;
    const f = fields.get(path);
    // The common case, a plain number in a known field, needs no more.
    if (f && typeof v === 'number' && Number.isSafeInteger(v)) {
      values[f.name] = wrap(f, BigInt(v));
      continue;
    }
    const field = `arg.${path}`;
    if (layout.name === 'uffdio_copy' && path === 'src' && isFill(v)) {
      out.fill = fillByte(v, field);
      continue;
    }
    if (!f) {
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
        visitStruct(layout, fields, v as StructArg, `${path}.`, env, info, out);
        continue;
      }
      const names = layout.fields.map((x) => x.name).join(', ');
      throw new ResolveError(field, `${layout.name} has no field '${path}' (it has ${names})`);
    }
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const why = isFill(v) ? `only uffdio_copy's src can be a fill source` : 'got an object';
      throw new ResolveError(field, `expected a number or an expression: ${why}`);
    }
    const raw = resolveMask(v as MaskExpr, env, field, tableFor(f, info));
    values[f.name] = wrap(f, raw);
  }
}

const FIELD_MAPS = new WeakMap<StructLayout, ReadonlyMap<string, FieldLayout>>();

function fieldsOf(layout: StructLayout): ReadonlyMap<string, FieldLayout> {
  let m = FIELD_MAPS.get(layout);
  if (!m) FIELD_MAPS.set(layout, (m = new Map(layout.fields.map((f) => [f.name, f]))));
  return m;
}

function isFill(v: unknown): v is { fill: unknown } {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && 'fill' in v;
}

function fillByte(v: { fill: unknown }, field: string): number {
  const keys = Object.keys(v);
  if (keys.length !== 1)
    throw new ResolveError(field, `a fill source takes only 'fill', got ${keys.join(', ')}`);
  const b = v.fill;
  if (typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > 255) {
    throw new ResolveError(`${field}.fill`, `expected a byte (0..255), got ${JSON.stringify(b)}`);
  }
  return b;
}

/** A value as the field's C type holds it: two's complement for negatives, truncated to its width. */
export function wrap(f: Pick<FieldLayout, 'type'>, v: bigint): bigint | number {
  switch (f.type) {
    case 'u64':
      return BigInt.asUintN(64, v);
    case 's64':
      return BigInt.asIntN(64, v);
    case 'u32':
      return Number(BigInt.asUintN(32, v));
    case 'u16':
      return Number(BigInt.asUintN(16, v));
    case 'u8':
      return Number(BigInt.asUintN(8, v));
  }
}
