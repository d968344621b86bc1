// Little-endian loads and stores on user memory given as bytes: the structs of the ioctls and the
// uffd_msgs read() hands out. No DataView and no BigInt unless a 64-bit value needs one, so the
// fault path stays free of allocation.

import type { FieldLayout, FieldValue } from '../../uapi/structs';

const TWO_32 = 2 ** 32;
/** Values from here on do not fit a double exactly: they are read as bigints. */
const HI_SAFE = 2 ** 21;

export function loadU32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}

export function storeU32(b: Uint8Array, o: number, v: number): void {
  b[o] = v;
  b[o + 1] = v >>> 8;
  b[o + 2] = v >>> 16;
  b[o + 3] = v >>> 24;
}

/** A __u64: a number when it is below 2^53, a bigint otherwise (exact either way). */
export function loadU64(b: Uint8Array, o: number): FieldValue {
  const lo = loadU32(b, o);
  const hi = loadU32(b, o + 4);
  if (hi < HI_SAFE) return hi * TWO_32 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** A __u64 or __s64 (two's complement): a safe integer as two words, anything else through BigInt. */
export function storeU64(b: Uint8Array, o: number, v: FieldValue): void {
  if (typeof v === 'number' && Number.isSafeInteger(v)) {
    const hi = Math.floor(v / TWO_32);
    storeU32(b, o, v - hi * TWO_32);
    storeU32(b, o + 4, hi >>> 0);
    return;
  }
  const u = BigInt.asUintN(64, BigInt(v));
  storeU32(b, o, Number(u & 0xffffffffn));
  storeU32(b, o + 4, Number(u >> 32n));
}

/** A field of any C type, wrapped to it as the store would. */
export function storeField(b: Uint8Array, base: number, f: FieldLayout, v: FieldValue): void {
  const o = base + f.offset;
  switch (f.type) {
    case 'u8':
      b[o] = Number(BigInt.asUintN(8, BigInt(v)));
      return;
    case 'u16': {
      const n = Number(BigInt.asUintN(16, BigInt(v)));
      b[o] = n;
      b[o + 1] = n >>> 8;
      return;
    }
    case 'u32':
      storeU32(b, o, Number(BigInt.asUintN(32, BigInt(v))));
      return;
    case 'u64':
    case 's64':
      storeU64(b, o, v);
  }
}
