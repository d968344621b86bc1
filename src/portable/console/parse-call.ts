// Call syntax → Operation, by the signature table. Every error names what was wrong and its column.

import { evalExpr, ExprError, type Expr } from '../model/expr';
import type { Operation, StructArg } from '../model/operation';
import { STRUCTS } from '../uapi/structs';
import { IOCTL_BY_NAME } from '../uapi/names';
import { didYouMean } from '../scenario/suggest';
import { SIGNATURE_BY_FN, SIGNATURES, usage, type Kind, type Param, type Signature } from './signatures';
import { ConsoleError, NAME, readCall, type Node, type Span } from './syntax';

/** Where each operation field came from in the text, by path (`arg.range.start`). */
export type Spans = Map<string, Span>;

export interface NameSource {
  /** A fresh name for an unnamed result (`uffd2`, `b`), when the call assigns one. */
  freshName?(op: Operation['op']): string;
}

const IOCTL_REQUESTS = [...IOCTL_BY_NAME.keys(), 'USERFAULTFD_IOC_NEW'];

/** Parses the expression syntax; names are resolved later, by the engine. */
const SYNTAX_ONLY = { pageSize: 4096, hugePageSize: 2 << 20, areaStart: () => 0n };

function checkExpr(node: Node & { kind: 'expr' }): void {
  try {
    evalExpr(node.text, SYNTAX_ONLY);
  } catch (e) {
    if (e instanceof ExprError) throw new ConsoleError(e.message, node.start + e.at);
    throw e;
  }
}

export function exprValue(text: string): Expr {
  return /^-?\d+$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : text;
}

function expr(node: Node, what: string): Expr {
  if (node.kind !== 'expr') throw new ConsoleError(`${what} should be an expression`, node.start, node.end);
  checkExpr(node);
  return exprValue(node.text);
}

function mask(node: Node, what: string): Expr | Expr[] {
  if (node.kind === 'list') return node.items.map((n) => expr(n, what));
  return expr(node, what);
}

function word(node: Node, what: string, values: readonly string[]): string {
  if (node.kind !== 'expr' || !values.includes(node.text)) {
    const text = node.kind === 'expr' ? node.text : '';
    throw new ConsoleError(
      `${what} must be one of ${values.join(', ')}${didYouMean(text, values)}`,
      node.start,
      node.end,
    );
  }
  return node.text;
}

function words(node: Node, what: string, values: readonly string[]): string[] {
  if (node.kind === 'list') return node.items.map((n) => word(n, what, values));
  if (node.kind !== 'expr') throw new ConsoleError(`${what} should be A|B or [A, B]`, node.start, node.end);
  const out: string[] = [];
  let at = node.start;
  for (const part of node.text.split('|')) {
    const w = part.trim();
    const start = at + part.indexOf(w);
    word({ kind: 'expr', text: w, start, end: start + w.length }, what, values);
    out.push(w);
    at += part.length + 1;
  }
  return out;
}

/** COPY's own source buffer: `src: {fill: 0x41}` takes a byte, as the engines want it. */
const FILL = 'src.fill';

function byte(node: Node, what: string): number {
  const text = node.kind === 'expr' ? node.text : '';
  const n = /^(0x[0-9a-fA-F]+|\d+)$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 255) {
    throw new ConsoleError(`${what} must be a byte, 0 to 0xff`, node.start, node.end);
  }
  return n;
}

function structArg(node: Node & { kind: 'object' }, prefix: string, spans: Spans, path: string): StructArg {
  const out: Record<string, StructArg[string]> = {};
  for (const e of node.entries) {
    const p = `${path}.${e.key}`;
    spans.set(p, e.value);
    const what = `${prefix}${e.key}`;
    if (e.value.kind === 'object') out[e.key] = structArg(e.value, `${what}.`, spans, p);
    else if (what === FILL) out[e.key] = byte(e.value, what);
    else if (e.value.kind === 'string') throw new ConsoleError(`${what} cannot be a string`, e.value.start);
    else out[e.key] = mask(e.value, what);
  }
  return out;
}

/** The C member paths a struct argument may name: its fields, and `src.fill` for COPY's own buffer. */
function checkFields(request: string, node: Node & { kind: 'object' }): void {
  const info = IOCTL_BY_NAME.get(request);
  if (!info) return;
  const names = STRUCTS[info.struct].fields.map((f) => f.name);
  if (request === 'UFFDIO_COPY') names.push('src.fill');
  const walk = (n: Node & { kind: 'object' }, prefix: string): void => {
    for (const e of n.entries) {
      const path = prefix + e.key;
      if (e.value.kind === 'object' && names.some((f) => f.startsWith(`${path}.`))) {
        walk(e.value, `${path}.`);
      } else if (!names.includes(path)) {
        throw new ConsoleError(
          `${info.struct} has no field '${path}'${didYouMean(path, names)} (fields: ${names.join(', ')})`,
          e.keySpan.start,
          e.keySpan.end,
        );
      }
    }
  };
  walk(node, '');
}

function value(p: Param, node: Node, spans: Spans, op: Record<string, unknown>): unknown {
  spans.set(p.field, node);
  const kind: Kind = p.kind;
  const what = p.field;
  if (typeof kind === 'object')
    return 'oneOf' in kind ? word(node, what, kind.oneOf) : words(node, what, kind.someOf);
  switch (kind) {
    case 'expr':
      return expr(node, what);
    case 'mask':
      return mask(node, what);
    case 'name':
      if (node.kind !== 'expr' || !NAME.test(node.text)) {
        throw new ConsoleError(`${what} should be a name (letters, digits, _)`, node.start, node.end);
      }
      return node.text;
    case 'path':
      if (node.kind !== 'string')
        throw new ConsoleError(`${what} should be a "quoted path"`, node.start, node.end);
      return node.value;
    case 'bool':
      return word(node, what, ['true', 'false']) === 'true';
    case 'byte':
      return byte(node, what);
    case 'request': {
      if (node.kind !== 'expr')
        throw new ConsoleError('the request should be an ioctl name', node.start, node.end);
      if (/^(0x[0-9a-fA-F]+|\d+)$/.test(node.text)) return Number(node.text);
      if (!IOCTL_REQUESTS.includes(node.text)) {
        throw new ConsoleError(
          `unknown ioctl '${node.text}'${didYouMean(node.text, IOCTL_REQUESTS)}`,
          node.start,
          node.end,
        );
      }
      return node.text;
    }
    case 'ioctlArg':
      if (node.kind === 'object') {
        if (typeof op.request === 'string') checkFields(op.request, node);
        return structArg(node, '', spans, 'arg');
      }
      return mask(node, 'the argument');
  }
}

function options(sig: Signature, node: Node, spans: Spans, op: Record<string, unknown>): void {
  const opts = sig.options ?? [];
  if (node.kind !== 'object')
    throw new ConsoleError(`too many arguments: ${usage(sig)}`, node.start, node.end);
  for (const e of node.entries) {
    const p = opts.find((o) => o.field === e.key);
    if (!p) {
      const names = opts.map((o) => o.field);
      throw new ConsoleError(
        `${sig.fn} has no option '${e.key}'${didYouMean(e.key, names)} (options: ${names.join(', ') || 'none'})`,
        e.keySpan.start,
        e.keySpan.end,
      );
    }
    op[p.field] = value(p, e.value, spans, op);
  }
}

export interface ParsedCall {
  readonly op: Operation;
  readonly spans: Spans;
}

export function parseCall(text: string, names: NameSource = {}): ParsedCall {
  const call = readCall(text);
  const sig = SIGNATURE_BY_FN.get(call.fn.name);
  if (!sig) {
    const fns = SIGNATURES.map((s) => s.fn);
    throw new ConsoleError(
      `unknown call '${call.fn.name}'${didYouMean(call.fn.name, fns)}`,
      call.fn.start,
      call.fn.end,
    );
  }
  const spans: Spans = new Map();
  const op: Record<string, unknown> = { op: sig.op };
  const args = [...call.args];
  // Only ioctl takes an {object} positionally, and it has no options.
  const optionNode = sig.options && args[args.length - 1]?.kind === 'object' ? args.pop() : undefined;
  sig.params.forEach((p, i) => {
    const node = args[i];
    if (node) op[p.field] = value(p, node, spans, op);
    else if (!p.optional) throw new ConsoleError(`missing ${p.field}: ${usage(sig)}`, call.end - 1);
  });
  if (args.length > sig.params.length) {
    const extra = args[sig.params.length]!;
    throw new ConsoleError(`too many arguments: ${usage(sig)}`, extra.start, extra.end);
  }
  if (optionNode) options(sig, optionNode, spans, op);
  if (call.assign) {
    if (!sig.assign)
      throw new ConsoleError(`${sig.fn}() returns nothing to name`, call.assign.start, call.assign.end);
    op[sig.assign.field] = call.assign.name;
    spans.set(sig.assign.field, call.assign);
  } else if (sig.assign?.required) {
    const fresh = names.freshName?.(sig.op);
    if (!fresh) throw new ConsoleError(`name the result: NAME = ${sig.fn}(...)`, call.fn.start, call.fn.end);
    op[sig.assign.field] = fresh;
  }
  return { op: op as unknown as Operation, spans };
}
