// Operation → call syntax, the inverse of parseCall: parseCall(printOperation(op)).op equals op.

import type { Expr } from '../model/expr';
import type { Operation, StructArg } from '../model/operation';
import { SIGNATURE_BY_OP, type Kind, type Param } from './signatures';

function printExpr(v: Expr): string {
  return typeof v === 'number' ? String(v) : v;
}

function printMask(v: Expr | readonly Expr[]): string {
  return Array.isArray(v) ? `[${v.map(printExpr).join(', ')}]` : printExpr(v as Expr);
}

const printByte = (v: number) => `0x${v.toString(16).padStart(2, '0')}`;

function printStruct(arg: StructArg, prefix = ''): string {
  const entries = Object.entries(arg).map(([k, v]) => {
    const path = prefix + k;
    let text: string;
    if (typeof v === 'object' && !Array.isArray(v)) text = printStruct(v as StructArg, `${path}.`);
    else if (path === 'src.fill' && typeof v === 'number') text = printByte(v);
    else text = printMask(v as Expr);
    return `${k}: ${text}`;
  });
  return `{${entries.join(', ')}}`;
}

function printValue(kind: Kind, v: unknown): string {
  if (typeof kind === 'object') {
    if ('oneOf' in kind) return String(v);
    const ws = v as readonly string[];
    return ws.length ? ws.join('|') : '[]';
  }
  switch (kind) {
    case 'expr':
      return printExpr(v as Expr);
    case 'mask':
      return printMask(v as Expr | Expr[]);
    case 'name':
      return String(v);
    case 'path':
      return JSON.stringify(v);
    case 'bool':
      return v ? 'true' : 'false';
    case 'byte':
      return printByte(v as number);
    case 'request':
      return typeof v === 'number' ? `0x${v.toString(16)}` : String(v);
    case 'ioctlArg':
      return typeof v === 'object' && v !== null && !Array.isArray(v)
        ? printStruct(v as StructArg)
        : printMask(v as Expr | Expr[]);
  }
}

export function printOperation(op: Operation): string {
  const sig = SIGNATURE_BY_OP.get(op.op);
  if (!sig) throw new Error(`no signature for ${op.op}`);
  const fields = op as unknown as Record<string, unknown>;
  const print = (p: Param) => printValue(p.kind, fields[p.field]);
  const given = (p: Param) => fields[p.field] !== undefined;
  let last = sig.params.length;
  while (last > 0 && !given(sig.params[last - 1]!)) last--;
  const args = sig.params.slice(0, last).map(print);
  const opts = (sig.options ?? []).filter(given).map((p) => `${p.field}: ${print(p)}`);
  if (opts.length) args.push(`{${opts.join(', ')}}`);
  const call = `${sig.fn}(${args.join(', ')})`;
  const name = sig.assign && fields[sig.assign.field];
  return name ? `${String(name)} = ${call}` : call;
}
