import { describe, expect, it } from 'vitest';
import { evalExpr, evalMask, ExprError, type ExprContext } from './expr';
import { AreaPlacer, AREA_ALIGN, AREA_GAP } from './layout';
import { fromWire, toWire } from './wire';

const ctx: ExprContext = {
  pageSize: 4096,
  hugePageSize: 2 << 20,
  areaStart: (n) => ({ a: 0x7f0000000000n, src: 0x7f0000800000n })[n],
  constant: (n) => ({ UFFDIO_REGISTER_MODE_MISSING: 1n, UFFDIO_REGISTER_MODE_WP: 2n })[n],
};

describe('expressions', () => {
  it.each([
    ['a', 0x7f0000000000n],
    ['a+3p', 0x7f0000003000n],
    ['a+3p+123', 0x7f000000307bn],
    ['src-1p', 0x7f00007ff000n],
    ['2h', 4n << 20n],
    ['64k', 65536n],
    ['0x1000', 4096n],
    ['4096', 4096n],
    ['-17', -17n],
    ['~0', -1n],
    ['(a+1p)+1', 0x7f0000001001n],
    ['UFFDIO_REGISTER_MODE_MISSING|UFFDIO_REGISTER_MODE_WP', 3n],
  ])('%s = %s', (text, value) => {
    expect(evalExpr(text, ctx)).toBe(value);
  });

  it('takes numbers as they are', () => {
    expect(evalExpr(4096, ctx)).toBe(4096n);
  });

  it('ORs a list of names', () => {
    expect(evalMask(['UFFDIO_REGISTER_MODE_WP', 1], ctx)).toBe(3n);
  });

  it.each([
    ['b+1p', "unknown name 'b'", 0],
    ['a+', 'expression ends too early', 2],
    ['a 3p', "unexpected '3'", 2],
    ['(a', "missing ')'", 2],
    ['a#1', "unexpected '#'", 1],
    ['', 'empty expression', 0],
  ])('%s is an error: %s', (text, message, at) => {
    try {
      evalExpr(text, ctx);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ExprError);
      expect((e as ExprError).message).toBe(message);
      expect((e as ExprError).at).toBe(at);
    }
  });
});

describe('area placement', () => {
  it('aligns every area to a huge page and leaves a gap after each', () => {
    const p = new AreaPlacer(0x7f0000000123n);
    const a = p.place(4096n * 3n);
    const b = p.place(4096n);
    expect(a % AREA_ALIGN).toBe(0n);
    expect(b % AREA_ALIGN).toBe(0n);
    expect(b - (a + 4096n * 3n)).toBeGreaterThanOrEqual(AREA_GAP);
  });
});

describe('wire format', () => {
  it('round-trips bigints, bytes and maps', () => {
    const v = {
      n: -17n,
      big: 0x8000000000000003n,
      bytes: new Uint8Array([0, 255, 16]),
      m: new Map([[3, '41']]),
    };
    expect(fromWire(toWire(v))).toEqual(v);
  });
});
