// Checks one step's operation fields against op-schema.ts and the names defined so far, then
// defines the names the step creates.

import { OP_NAMES, type OpName } from '../model/operation';
import { FEATURES, IOCTLS, USERFAULTFD_FLAGS, type FlagInfo } from '../uapi/names';
import { OP_FIELDS, STEP_KEYS, type FieldKind } from './op-schema';
import { describeJson, isPlainObject, NAME, type Scope } from './scope';
import { flattenStructArg, isFill, requestInfo, type RequestInfo } from './struct-arg';
import { didYouMean } from './suggest';

export type Report = (path: readonly (string | number)[], message: string) => void;

export interface StepContext {
  readonly step: Record<string, unknown>;
  readonly op: OpName;
  readonly scope: Scope;
  readonly report: Report;
}

/** The op of a step, or undefined after reporting why there is none. */
export function stepOp(step: Record<string, unknown>, report: Report): OpName | undefined {
  const op = step.op;
  if (op === undefined) {
    report([], "missing 'op' (what the step does: mmap, ioctl, touch, ...)");
    return undefined;
  }
  if (typeof op !== 'string' || !(OP_NAMES as readonly string[]).includes(op)) {
    report(['op'], `unknown op '${String(op)}'${didYouMean(String(op), OP_NAMES)}`);
    return undefined;
  }
  return op as OpName;
}

export function checkStepFields(c: StepContext): RequestInfo | undefined {
  const spec = OP_FIELDS[c.op];
  const allowed = [...STEP_KEYS, ...Object.keys(spec)];
  for (const key of Object.keys(c.step)) {
    if (!allowed.includes(key)) {
      c.report([key], `unknown field '${key}'${didYouMean(key, allowed)}`);
    }
  }
  for (const [key, field] of Object.entries(spec)) {
    if (c.step[key] === undefined) {
      if (field.required) c.report([], `missing '${key}'`);
      continue;
    }
    if (field.kind !== 'ioctl-arg') {
      const e = checkKind(
        c,
        field.kind,
        c.step[key],
        key === 'flags' && c.op !== 'fcntl' ? USERFAULTFD_FLAGS : undefined,
      );
      if (e) c.report([key], `${key}: ${e}`);
    }
  }
  const request = c.op === 'ioctl' ? checkIoctl(c) : undefined;
  if (c.op === 'mremap') checkMremap(c);
  defineNames(c);
  return request;
}

function checkKind(
  c: StepContext,
  kind: FieldKind,
  v: unknown,
  table?: readonly FlagInfo[],
): string | undefined {
  const { scope } = c;
  if (typeof kind === 'object') {
    if ('oneOf' in kind) {
      return typeof v === 'string' && kind.oneOf.includes(v)
        ? undefined
        : `expected one of ${kind.oneOf.join(', ')}, got ${describeJson(v)}${didYouMean(String(v), kind.oneOf)}`;
    }
    if (!Array.isArray(v)) return `expected a list of ${kind.listOf.join(', ')}`;
    const bad = v.find((x) => typeof x !== 'string' || !kind.listOf.includes(x));
    return bad === undefined
      ? undefined
      : `unknown name ${describeJson(bad)}${didYouMean(String(bad), kind.listOf)} (allowed: ${kind.listOf.join(', ')})`;
  }
  switch (kind) {
    case 'expr':
      return scope.checkExpr(v);
    case 'mask':
      return scope.checkMask(v, undefined, table);
    case 'bool':
      return typeof v === 'boolean' ? undefined : `expected true or false, got ${describeJson(v)}`;
    case 'byte':
      return Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 255
        ? undefined
        : `expected a byte (0 to 255), got ${describeJson(v)}`;
    case 'new-fd':
    case 'new-area':
    case 'new-process':
      return checkNewName(scope, kind, v);
    case 'fd':
      if (typeof v !== 'string') return `expected an fd name, got ${describeJson(v)}`;
      return knownFd(scope, v) ? undefined : unknownName('fd', v, scope.fds, scope);
    case 'process':
      if (typeof v !== 'string') return `expected a process name, got ${describeJson(v)}`;
      return scope.processes.has(v) ? undefined : unknownName('process', v, scope.processes, scope);
    case 'thread':
    case 'file':
      return typeof v === 'string' && NAME.test(v)
        ? undefined
        : `expected a ${kind} name (letters, digits, _), got ${describeJson(v)}`;
    case 'request':
      return requestInfo(v) !== undefined
        ? undefined
        : `unknown request ${describeJson(v)}${didYouMean(String(v), [...IOCTLS.map((i) => i.name), 'USERFAULTFD_IOC_NEW'])}`;
    case 'ioctl-arg':
      return undefined;
  }
}

/** A fd defined by a step, or one a FORK event creates when read: `<fd>@<child>`. */
function knownFd(scope: Scope, name: string): boolean {
  if (scope.fds.has(name)) return true;
  const at = name.lastIndexOf('@');
  return at > 0 && knownFd(scope, name.slice(0, at)) && scope.processes.has(name.slice(at + 1));
}

function unknownName(what: string, name: string, known: Set<string>, scope: Scope): string {
  const later = scope.definedAt.get(name);
  if (later !== undefined) return `${what} '${name}' is defined only at step ${later}`;
  return `unknown ${what} '${name}'${didYouMean(name, known)}`;
}

function checkNewName(
  scope: Scope,
  kind: 'new-fd' | 'new-area' | 'new-process',
  v: unknown,
): string | undefined {
  const what = kind === 'new-fd' ? 'fd' : kind === 'new-area' ? 'area' : 'process';
  if (typeof v !== 'string' || !NAME.test(v)) {
    return `expected a new ${what} name (letters, digits, _, not starting with a digit), got ${describeJson(v)}`;
  }
  if (kind === 'new-area') {
    if (scope.checkExpr(v) === undefined && !scope.areas.has(v)) {
      return `'${v}' is a constant's name; an area needs another`;
    }
    if (/^[0-9]*[phkKMG]$/.test(v)) return `'${v}' reads as a length unit; pick another area name`;
    if (scope.areas.has(v)) return `area '${v}' already exists; areas keep their names for the session`;
  }
  if (kind === 'new-process' && scope.processes.has(v)) return `process '${v}' already exists`;
  return undefined;
}

function checkIoctl(c: StepContext): RequestInfo | undefined {
  const info = requestInfo(c.step.request);
  const arg = c.step.arg;
  if (!info) return undefined;
  if (info.kind !== 'ioc-new' && c.step.as !== undefined) {
    c.report(['as'], 'as: only USERFAULTFD_IOC_NEW creates an fd; this request names none');
  }
  if (info.kind === 'ioc-new') {
    if (c.step.as === undefined)
      c.report([], "missing 'as': USERFAULTFD_IOC_NEW creates a uffd and needs a name");
    if (arg !== undefined) {
      const e = c.scope.checkMask(arg, undefined, USERFAULTFD_FLAGS);
      if (e) c.report(['arg'], `arg: ${e}`);
    }
    return info;
  }
  if (info.kind === 'raw') {
    if (arg !== undefined && isPlainObject(arg)) {
      c.report(
        ['arg'],
        `arg: request ${info.request} is no known ioctl, so its struct is unknown; give a number or nothing`,
      );
    } else if (arg !== undefined) {
      const e = c.scope.checkMask(arg);
      if (e) c.report(['arg'], `arg: ${e}`);
    }
    return info;
  }
  if (arg === undefined) return info;
  if (!isPlainObject(arg)) {
    c.report(
      ['arg'],
      `arg: ${info.ioctl.name} takes a struct ${info.layout.name}: give its fields as an object`,
    );
    return info;
  }
  const seen = new Set<string>();
  const names = info.layout.fields.map((f) => f.name);
  for (const f of flattenStructArg(arg, info.layout)) {
    const at = ['arg', ...f.path];
    const field = info.layout.fields.find((l) => l.name === f.name);
    if (!field) {
      c.report(
        at,
        `arg.${f.name}: struct ${info.layout.name} has no field '${f.name}'${didYouMean(f.name, names)}`,
      );
      continue;
    }
    if (seen.has(f.name)) c.report(at, `arg.${f.name}: given twice`);
    seen.add(f.name);
    if (info.ioctl.name === 'UFFDIO_COPY' && f.name === 'src' && isFill(f.value)) {
      const fill = f.value.fill;
      if (!Number.isInteger(fill) || fill < 0 || fill > 255) {
        c.report([...at, 'fill'], `arg.src.fill: expected a byte (0 to 255), got ${describeJson(fill)}`);
      }
      continue;
    }
    const table = field.role === 'mode' ? info.ioctl.modes : field.role === 'features' ? FEATURES : undefined;
    const e = c.scope.checkMask(f.value, field.role, table);
    if (e) c.report(at, `arg.${f.name}: ${e}`);
  }
  return info;
}

function checkMremap(c: StepContext) {
  const flags = Array.isArray(c.step.flags) ? c.step.flags : [];
  if (flags.includes('MREMAP_MAYMOVE') && !flags.includes('MREMAP_FIXED') && c.step.as === undefined) {
    c.report(
      [],
      "mremap with MREMAP_MAYMOVE must name the new place with 'as' (see docs/engine-conventions.md)",
    );
  }
}

function defineNames(c: StepContext) {
  const { step, scope } = c;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const as = str(step.as);
  if (as !== undefined) {
    if (c.op === 'mmap' || c.op === 'mremap') scope.areas.add(as);
    else scope.fds.add(as);
  }
  if (c.op === 'fork') {
    const child = str(step.child);
    if (child) {
      scope.processes.add(child);
      scope.threads.add(child);
    }
  }
  const thread = str(step.thread);
  if (thread) scope.threads.add(thread);
  const file = str(step.file);
  if (file) scope.files.add(file);
}
