// The little expression language scenarios and the console use for struct fields:
//   addresses  a, a+3p, a+3p+123, b-1p, 0x7f0000001000
//   lengths    1p, 2h (huge pages), 4096, 0x1000, 64k, 2M
//   masks      UFFDIO_REGISTER_MODE_MISSING|UFFDIO_REGISTER_MODE_WP, 0x3, or a list of names
// Area names resolve to the area's start; `p` is the base page size and `h` the huge page size.

export type Expr = string | number;

export interface ExprContext {
  readonly pageSize: number;
  readonly hugePageSize: number;
  /** An area's current start, or undefined when no area has that name. */
  areaStart(name: string): bigint | undefined;
  /** A named constant (flag, mode, feature), or undefined. */
  constant?(name: string): bigint | undefined;
}

export class ExprError extends Error {
  override name = 'ExprError';
  readonly text: string;
  /** Offset in `text` where the problem is. */
  readonly at: number;
  constructor(message: string, text: string, at: number) {
    super(message);
    this.text = text;
    this.at = at;
  }
}

const UNITS: Record<string, (c: ExprContext) => bigint> = {
  p: (c) => BigInt(c.pageSize),
  h: (c) => BigInt(c.hugePageSize),
  k: () => 1024n,
  K: () => 1024n,
  M: () => 1n << 20n,
  G: () => 1n << 30n,
};

const TOKEN = /\s*(0x[0-9a-fA-F]+|[0-9]+|[A-Za-z_$][A-Za-z0-9_$.]*|[-+|()~])/y;

function tokenize(text: string): { tok: string; at: number }[] {
  const out: { tok: string; at: number }[] = [];
  TOKEN.lastIndex = 0;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(text);
    if (!m) throw new ExprError(`unexpected '${text.slice(at).trim()[0]}'`, text, at);
    out.push({ tok: m[1]!, at: m.index + m[0].length - m[1]!.length });
    at = TOKEN.lastIndex;
  }
  return out;
}

/**
 * Evaluates an expression to a 64-bit value (as an unbounded bigint; callers wrap as their field's type).
 * Grammar: sum := term (('+'|'-'|'|') term)*; term := '-' term | '~' term | '(' sum ')' | NUMBER UNIT? | NAME.
 * A number directly followed by a unit letter (3p, 2h, 64k) is multiplied by it.
 */
export function evalExpr(expr: Expr, ctx: ExprContext): bigint {
  if (typeof expr === 'number') {
    if (!Number.isSafeInteger(expr)) throw new ExprError(`${expr} is not a whole number`, String(expr), 0);
    return BigInt(expr);
  }
  const text = expr;
  const toks = tokenize(text);
  if (toks.length === 0) throw new ExprError('empty expression', text, 0);
  let i = 0;
  const peek = () => toks[i];
  const fail = (msg: string, at = peek()?.at ?? text.length): never => {
    throw new ExprError(msg, text, at);
  };

  const term = (): bigint => {
    const t = peek();
    if (!t) return fail('expression ends too early');
    i++;
    if (t.tok === '-') return -term();
    if (t.tok === '~') return ~term();
    if (t.tok === '(') {
      const v = sum();
      if (peek()?.tok !== ')') fail("missing ')'");
      i++;
      return v;
    }
    if (/^(0x[0-9a-fA-F]+|[0-9]+)$/.test(t.tok)) {
      let v = BigInt(t.tok);
      const next = peek();
      // A unit letter must touch the number: `3p`, not `3 p`.
      if (next && UNITS[next.tok] && next.at === t.at + t.tok.length) {
        i++;
        v *= UNITS[next.tok]!(ctx);
      }
      return v;
    }
    if (/^[A-Za-z_$]/.test(t.tok)) {
      const area = ctx.areaStart(t.tok);
      if (area !== undefined) return area;
      const c = ctx.constant?.(t.tok);
      if (c !== undefined) return c;
      return fail(`unknown name '${t.tok}'`, t.at);
    }
    return fail(`unexpected '${t.tok}'`, t.at);
  };

  const sum = (): bigint => {
    let v = term();
    for (;;) {
      const op = peek()?.tok;
      if (op !== '+' && op !== '-' && op !== '|') return v;
      i++;
      const rhs = term();
      v = op === '+' ? v + rhs : op === '-' ? v - rhs : v | rhs;
    }
  };

  const v = sum();
  if (i < toks.length) fail(`unexpected '${toks[i]!.tok}'`);
  return v;
}

/** A mask given as an expression or as a list of names/numbers, OR-ed together. */
export function evalMask(value: Expr | readonly Expr[], ctx: ExprContext): bigint {
  if (Array.isArray(value)) return value.reduce<bigint>((m, v) => m | evalExpr(v, ctx), 0n);
  return evalExpr(value as Expr, ctx);
}

export function hex(v: bigint | number): string {
  const b = BigInt(v);
  return b < 0n ? `-0x${(-b).toString(16)}` : `0x${b.toString(16)}`;
}
