// JSON for values with bigints, byte arrays and maps (results, snapshots), both ways.

function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

function fromHex(s: string): Uint8Array {
  if (s.length % 2 !== 0 || !/^[0-9a-f]*$/.test(s)) throw new SyntaxError('bad hex in $u8');
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function toWire(value: unknown): string {
  return JSON.stringify(value, function (this: unknown, _key, v: unknown) {
    if (typeof v === 'bigint') return { $b: v.toString() };
    if (v instanceof Uint8Array) return { $u8: toHex(v) };
    if (v instanceof Map) return { $map: [...v.entries()] };
    return v;
  });
}

/**
 * Turns the `$b`, `$u8` and `$map` tags back into values, children before parents as a JSON.parse
 * reviver would, but in one walk after parsing (a reviver is several times slower). A changed value
 * is defined, not assigned, so an own `__proto__` key stays a plain key.
 */
function revive(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = revive(v[i]);
    return v;
  }
  const t = v as Record<string, unknown>;
  let keys = 0;
  for (const key in t) {
    keys++;
    const was = t[key];
    const now = revive(was);
    if (now !== was)
      Object.defineProperty(t, key, { value: now, writable: true, enumerable: true, configurable: true });
  }
  if (keys === 1) {
    if (typeof t.$b === 'string') return BigInt(t.$b);
    if (typeof t.$u8 === 'string') return fromHex(t.$u8);
    if (Array.isArray(t.$map)) return new Map(t.$map as [unknown, unknown][]);
  }
  return t;
}

export function fromWire<T>(text: string): T {
  return revive(JSON.parse(text)) as T;
}
