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

export function fromWire<T>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const t = v as Record<string, unknown>;
      const keys = Object.keys(v);
      if (keys.length === 1) {
        if (typeof t.$b === 'string') return BigInt(t.$b);
        if (typeof t.$u8 === 'string') return fromHex(t.$u8);
        if (Array.isArray(t.$map)) return new Map(t.$map as [unknown, unknown][]);
      }
    }
    return v;
  }) as T;
}
