// A strict JSON reader that remembers where each value starts, so a scenario's errors can say
// "line 37, column 21". JSON.parse gives neither positions nor duplicate keys.

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface Position {
  readonly line: number;
  readonly column: number;
}

export class JsonSyntaxError extends Error {
  override name = 'JsonSyntaxError';
  readonly line: number;
  readonly column: number;
  constructor(message: string, at: Position) {
    super(message);
    this.line = at.line;
    this.column = at.column;
  }
}

export interface ParsedJson {
  readonly value: JsonValue;
  /** Where the value at this path (keys and indices from the root) starts. */
  locate(path: readonly (string | number)[]): Position | undefined;
}

type Positions = WeakMap<object, Map<string | number, number>>;

/** Parses `text`; throws JsonSyntaxError with the line and column of the first problem. */
export function parseJson(text: string): ParsedJson {
  const positions: Positions = new WeakMap();
  let i = 0;

  const posOf = (offset: number): Position => {
    let line = 1;
    let lineStart = 0;
    for (let k = 0; k < offset && k < text.length; k++) {
      if (text[k] === '\n') {
        line++;
        lineStart = k + 1;
      }
    }
    return { line, column: offset - lineStart + 1 };
  };
  const describe = (offset: number): string =>
    offset >= text.length ? 'the end of the file' : `'${text[offset]}'`;
  const fail = (message: string, offset = i): never => {
    throw new JsonSyntaxError(message, posOf(offset));
  };

  const skipSpace = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };

  const literal = (word: string, value: JsonValue): JsonValue => {
    if (text.startsWith(word, i)) {
      i += word.length;
      return value;
    }
    return fail(`unexpected ${describe(i)}`);
  };

  const string = (): string => {
    const start = i;
    i++; // opening quote
    let out = '';
    for (;;) {
      if (i >= text.length) fail('unterminated string', start);
      const c = text[i]!;
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\n') fail('unterminated string (a string cannot span lines)', start);
      if (c < ' ') fail('control character in a string: write it as an escape');
      if (c !== '\\') {
        out += c;
        i++;
        continue;
      }
      const e = text[i + 1];
      const simple: Record<string, string> = {
        '"': '"',
        '\\': '\\',
        '/': '/',
        b: '\b',
        f: '\f',
        n: '\n',
        r: '\r',
        t: '\t',
      };
      if (e !== undefined && simple[e] !== undefined) {
        out += simple[e];
        i += 2;
      } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
        out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
      } else {
        fail(`bad escape '\\${e ?? ''}' in a string`);
      }
    }
  };

  const NUMBER = /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/y;
  const number = (): number => {
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m || m[0] === '-') return fail(`unexpected ${describe(i)}`);
    i += m[0].length;
    return Number(m[0]);
  };

  const value = (): JsonValue => {
    skipSpace();
    const c = text[i];
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    if (c === 't') return literal('true', true);
    if (c === 'f') return literal('false', false);
    if (c === 'n') return literal('null', null);
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    if (c === undefined) return fail('unexpected end of the file: a value is missing');
    if (c === "'") return fail("strings take double quotes, not '");
    return fail(`unexpected ${describe(i)}`);
  };

  const object = (): JsonValue => {
    const out: Record<string, JsonValue> = {};
    const where = new Map<string | number, number>();
    positions.set(out, where);
    i++;
    skipSpace();
    if (text[i] === '}') {
      i++;
      return out;
    }
    for (;;) {
      skipSpace();
      if (text[i] !== '"') {
        return fail(
          text[i] === '}'
            ? 'trailing comma before }'
            : `expected a key in double quotes, found ${describe(i)}`,
        );
      }
      const keyAt = i;
      const key = string();
      if (Object.prototype.hasOwnProperty.call(out, key)) fail(`duplicate key '${key}'`, keyAt);
      skipSpace();
      if (text[i] !== ':') fail(`expected ':' after the key '${key}', found ${describe(i)}`);
      i++;
      skipSpace();
      where.set(key, i);
      out[key] = value();
      skipSpace();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return out;
      }
      return fail(`expected ',' or '}' after the value of '${key}', found ${describe(i)}`);
    }
  };

  const array = (): JsonValue => {
    const out: JsonValue[] = [];
    const where = new Map<string | number, number>();
    positions.set(out, where);
    i++;
    skipSpace();
    if (text[i] === ']') {
      i++;
      return out;
    }
    for (;;) {
      skipSpace();
      if (text[i] === ']') fail('trailing comma before ]');
      where.set(out.length, i);
      out.push(value());
      skipSpace();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return out;
      }
      return fail(`expected ',' or ']' after an array item, found ${describe(i)}`);
    }
  };

  if (text.charCodeAt(0) === 0xfeff) i = 1;
  skipSpace();
  if (i >= text.length) fail('the file is empty');
  const root = value();
  skipSpace();
  if (i < text.length) fail(`unexpected ${describe(i)} after the end of the document`);

  return {
    value: root,
    locate(path) {
      let node: JsonValue = root;
      let offset: number | undefined = 0;
      for (const key of path) {
        if (node === null || typeof node !== 'object') return undefined;
        offset = positions.get(node)?.get(key);
        if (offset === undefined) return undefined;
        node = (node as Record<string | number, JsonValue>)[key] as JsonValue;
      }
      return posOf(offset);
    },
  };
}
