// The byte loads and stores of user memory agree with a little-endian DataView, at every width,
// for the values that take the number path and for those that need a bigint.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadU32, loadU64, storeField, storeU32, storeU64 } from './user-bytes';

const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

describe('user memory bytes', () => {
  it('load a u64 as DataView does: a number below 2^53, a bigint from there', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.nat(8), (v, at) => {
        const b = new Uint8Array(16);
        view(b).setBigUint64(at, v, true);
        const got = loadU64(b, at);
        expect(BigInt(got)).toBe(v);
        expect(typeof got).toBe(v < 2n ** 53n ? 'number' : 'bigint');
      }),
    );
  });

  it('store u64 and s64 values, negative ones as two’s complement, as DataView does', () => {
    const samples = [
      0,
      1,
      4096,
      -17,
      -1,
      2 ** 53 - 1,
      -(2 ** 53) + 1,
      2n ** 64n - 1n,
      -(2n ** 63n),
      2n ** 63n,
    ];
    for (const v of samples) {
      const mine = new Uint8Array(8);
      const want = new Uint8Array(8);
      storeU64(mine, 0, v);
      view(want).setBigUint64(0, BigInt.asUintN(64, BigInt(v)), true);
      expect([...mine], String(v)).toEqual([...want]);
    }
  });

  it('store and load u32, and narrow fields wrapped to their width', () => {
    const b = new Uint8Array(8);
    storeU32(b, 1, 0xdeadbeef);
    expect(view(b).getUint32(1, true)).toBe(0xdeadbeef);
    expect(loadU32(b, 1)).toBe(0xdeadbeef);
    storeField(b, 0, { name: 'x', offset: 4, type: 'u16', role: 'reserved' }, 0x12345);
    expect(view(b).getUint16(4, true)).toBe(0x2345);
    storeField(b, 2, { name: 'x', offset: 0, type: 'u8', role: 'event' }, 0x112);
    expect(b[2]).toBe(0x12);
  });
});
