import { describe, expect, it } from 'vitest';
import { fromWire, toWire } from './wire';

describe('wire', () => {
  it('brings back bigints, byte arrays and maps at any depth, maps holding them too', () => {
    const v = {
      a: [1n, -(2n ** 64n)],
      bytes: new Uint8Array([0, 0x7f, 0xff]),
      m: new Map<number, unknown>([
        [1, { addr: 0x7f0000001000n }],
        [2, new Map([['x', new Uint8Array([1])]])],
      ]),
      plain: { s: 'text', n: 3, none: null },
    };
    expect(fromWire(toWire(v))).toEqual(v);
  });

  it('leaves objects alone that only look like tags', () => {
    const text = '{"x":{"$b":"1","also":2},"y":{"$b":1},"z":{"$map":"no"},"w":{"$u8":5}}';
    expect(fromWire(text)).toEqual({
      x: { $b: '1', also: 2 },
      y: { $b: 1 },
      z: { $map: 'no' },
      w: { $u8: 5 },
    });
  });

  it('keeps a __proto__ key a plain key', () => {
    const v = fromWire<Record<string, unknown>>(
      '{"__proto__":{"$b":"5"},"k":{"__proto__":{"polluted":true}}}',
    );
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(v, '__proto__')?.value).toBe(5n);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses bad hex and a bad bigint', () => {
    expect(() => fromWire('{"$u8":"abc"}')).toThrow('bad hex in $u8');
    expect(() => fromWire('{"$b":"1.5"}')).toThrow(SyntaxError);
  });
});
