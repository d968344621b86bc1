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
const NUMBER = /^(0x[0-9a-fA-F]+|[0-9]+)$/;
const NAME = /^[A-Za-z_$]/;

interface Token {
  readonly tok: string;
  readonly at: number;
  /** A number's value; undefined for names and operators. */
  readonly num: bigint | undefined;
  readonly name: boolean;
}

function tokenize(text: string): readonly Token[] {
  const out: Token[] = [];
  let at = 0;
  while (at < text.length) {
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(text);
    if (!m) {
      if (/^\s*$/.test(text.slice(at))) break;
      throw new ExprError(`unexpected '${text.slice(at).trim()[0]}'`, text, at);
    }
    const tok = m[1]!;
    const num = NUMBER.test(tok) ? BigInt(tok) : undefined;
    out.push({ tok, at: m.index + m[0].length - tok.length, num, name: NAME.test(tok) });
    at = TOKEN.lastIndex;
  }
  return out;
}

/**
 * Tokens by text: scenarios, the console and benchmarks evaluate the same few expressions again
 * and again. Bounded; a text that does not tokenize is not kept (it throws each time).
 */
const TOKENS = new Map<string, readonly Token[]>();
const TOKENS_KEPT = 4096;

function tokensOf(text: string): readonly Token[] {
  let toks = TOKENS.get(text);
  if (!toks) {
    toks = tokenize(text);
    if (TOKENS.size >= TOKENS_KEPT) TOKENS.clear();
    TOKENS.set(text, toks);
  }
  return toks;
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
  const toks = tokensOf(expr);
  if (toks.length === 0) throw new ExprError('empty expression', expr, 0);
  return new Evaluation(expr, toks, ctx).all();
}

/** One left-to-right pass over the tokens (methods, not closures: it runs for every expression). */
class Evaluation {
  private i = 0;
  private readonly text: string;
  private readonly toks: readonly Token[];
  private readonly ctx: ExprContext;
  constructor(text: string, toks: readonly Token[], ctx: ExprContext) {
    this.text = text;
    this.toks = toks;
    this.ctx = ctx;
  }

  all(): bigint {
    const v = this.sum();
    if (this.i < this.toks.length) this.fail(`unexpected '${this.toks[this.i]!.tok}'`);
    return v;
  }

  private fail(msg: string, at = this.toks[this.i]?.at ?? this.text.length): never {
    throw new ExprError(msg, this.text, at);
  }

  private sum(): bigint {
    let v = this.term();
    for (;;) {
      const op = this.toks[this.i]?.tok;
      if (op !== '+' && op !== '-' && op !== '|') return v;
      this.i++;
      const rhs = this.term();
      v = op === '+' ? v + rhs : op === '-' ? v - rhs : v | rhs;
    }
  }

  private term(): bigint {
    const t = this.toks[this.i];
    if (!t) return this.fail('expression ends too early');
    this.i++;
    if (t.tok === '-') return -this.term();
    if (t.tok === '~') return ~this.term();
    if (t.tok === '(') {
      const v = this.sum();
      if (this.toks[this.i]?.tok !== ')') this.fail("missing ')'");
      this.i++;
      return v;
    }
    if (t.num !== undefined) {
      let v = t.num;
      const next = this.toks[this.i];
      // A unit letter must touch the number: `3p`, not `3 p`.
      if (next && UNITS[next.tok] && next.at === t.at + t.tok.length) {
        this.i++;
        v *= UNITS[next.tok]!(this.ctx);
      }
      return v;
    }
    if (t.name) {
      const area = this.ctx.areaStart(t.tok);
      if (area !== undefined) return area;
      const c = this.ctx.constant?.(t.tok);
      if (c !== undefined) return c;
      return this.fail(`unknown name '${t.tok}'`, t.at);
    }
    return this.fail(`unexpected '${t.tok}'`, t.at);
  }
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
