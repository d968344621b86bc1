// The console's surface syntax, close to C: `[name =] fn(value, value, {key: value})`.
// A value is an expression of the expression language (kept as text: `a+1p`, `O_CLOEXEC|O_NONBLOCK`),
// a "string", an {object} or a [list]. Every node keeps its columns so errors can point at them.

export class ConsoleError extends Error {
  override name = 'ConsoleError';
  /** Column (0-based) where the problem starts. */
  readonly at: number;
  /** Column just past it; defaults to one character. */
  readonly end: number;
  constructor(message: string, at: number, end = at + 1) {
    super(message);
    this.at = at;
    this.end = Math.max(end, at + 1);
  }
}

export interface Span {
  readonly start: number;
  readonly end: number;
}

/** A space-separated word of a short form. */
export interface Word extends Span {
  readonly text: string;
}

export type Node =
  | (Span & { readonly kind: 'expr'; readonly text: string })
  | (Span & { readonly kind: 'string'; readonly value: string })
  | (Span & { readonly kind: 'object'; readonly entries: readonly Entry[] })
  | (Span & { readonly kind: 'list'; readonly items: readonly Node[] });

export interface Entry {
  readonly key: string;
  readonly keySpan: Span;
  readonly value: Node;
}

export interface CallNode {
  readonly assign?: Span & { readonly name: string };
  readonly fn: Span & { readonly name: string };
  readonly args: readonly Node[];
  readonly end: number;
}

/** Names of things in a session: fds (`uffd@child` after a fork), areas, threads, processes. */
export const NAME = /^[A-Za-z_$][A-Za-z0-9_$@]*$/;
const IDENT = /[A-Za-z_$][A-Za-z0-9_$@.]*/y;

class Reader {
  pos = 0;
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  peek(): string | undefined {
    this.skipSpace();
    return this.text[this.pos];
  }

  expect(ch: string, what: string): void {
    if (this.peek() !== ch) throw this.unexpected(`expected ${what}`);
    this.pos++;
  }

  unexpected(expected: string): ConsoleError {
    const ch = this.text[this.pos];
    return new ConsoleError(
      ch === undefined ? `${expected}, but the line ends` : `${expected}, found '${ch}'`,
      this.pos,
    );
  }

  ident(what: string): Span & { name: string } {
    this.skipSpace();
    IDENT.lastIndex = this.pos;
    const m = IDENT.exec(this.text);
    if (!m) throw this.unexpected(`expected ${what}`);
    const start = this.pos;
    this.pos += m[0].length;
    return { name: m[0], start, end: this.pos };
  }

  value(): Node {
    const ch = this.peek();
    if (ch === '{') return this.object();
    if (ch === '[') return this.list();
    if (ch === '"') return this.string();
    return this.expr();
  }

  /** Expression text up to a `,` `)` `}` `]` outside parentheses. */
  expr(): Node {
    this.skipSpace();
    const start = this.pos;
    let depth = 0;
    for (; this.pos < this.text.length; this.pos++) {
      const ch = this.text[this.pos]!;
      if (ch === '(') depth++;
      else if (ch === ')') {
        if (depth === 0) break;
        depth--;
      } else if (depth === 0 && (ch === ',' || ch === '}' || ch === ']')) break;
      else if ('{["=:;'.includes(ch)) throw new ConsoleError(`unexpected '${ch}' in an expression`, this.pos);
    }
    const raw = this.text.slice(start, this.pos);
    const text = raw.trimEnd();
    if (text === '') throw new ConsoleError('expected a value', start);
    return { kind: 'expr', text, start, end: start + text.length };
  }

  string(): Node {
    const start = this.pos;
    const close = this.text.indexOf('"', start + 1);
    if (close < 0) throw new ConsoleError('this string has no closing "', start, this.text.length);
    this.pos = close + 1;
    return { kind: 'string', value: this.text.slice(start + 1, close), start, end: this.pos };
  }

  object(): Node {
    const start = this.pos;
    this.pos++;
    const entries: Entry[] = [];
    const seen = new Set<string>();
    while (this.peek() !== '}') {
      const key = this.ident("a field name or '}'");
      if (seen.has(key.name)) throw new ConsoleError(`'${key.name}' is given twice`, key.start, key.end);
      seen.add(key.name);
      this.expect(':', `':' after '${key.name}'`);
      entries.push({ key: key.name, keySpan: { start: key.start, end: key.end }, value: this.value() });
      if (this.peek() === ',') this.pos++;
      else if (this.peek() !== '}') throw this.unexpected("expected ',' or '}'");
    }
    this.pos++;
    return { kind: 'object', entries, start, end: this.pos };
  }

  list(): Node {
    const start = this.pos;
    this.pos++;
    const items: Node[] = [];
    while (this.peek() !== ']') {
      items.push(this.value());
      if (this.peek() === ',') this.pos++;
      else if (this.peek() !== ']') throw this.unexpected("expected ',' or ']'");
    }
    this.pos++;
    return { kind: 'list', items, start, end: this.pos };
  }
}

/** Reads `[name =] fn(args)`; throws ConsoleError pointing at the first problem. */
export function readCall(text: string): CallNode {
  const r = new Reader(text);
  let assign: CallNode['assign'];
  let fn = r.ident('a command');
  if (r.peek() === '=') {
    if (!NAME.test(fn.name)) throw new ConsoleError(`'${fn.name}' cannot be a name`, fn.start, fn.end);
    assign = fn;
    r.pos++;
    fn = r.ident(`a call after '${assign.name} ='`);
  }
  r.expect('(', `'(' after '${fn.name}'`);
  const args: Node[] = [];
  while (r.peek() !== ')') {
    if (r.peek() === undefined) throw r.unexpected("expected ')'");
    args.push(r.value());
    if (r.peek() === ',') r.pos++;
    else if (r.peek() !== ')') throw r.unexpected("expected ',' or ')'");
  }
  r.pos++;
  const end = r.pos;
  const rest = r.peek();
  if (rest !== undefined && rest !== ';')
    throw new ConsoleError(`unexpected '${rest}' after the call`, r.pos);
  return { ...(assign ? { assign } : {}), fn, args, end };
}
