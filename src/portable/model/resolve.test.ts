import { describe, expect, it } from 'vitest';
import { IOCTL_BY_NAME, STRUCTS, UFFDIO_COPY, UFFDIO_REGISTER_MODE_MISSING } from '../uapi';
import {
  constantValue,
  resolveExpr,
  resolveMask,
  resolveRequest,
  resolveStruct,
  resolveUffdFlags,
  ResolveError,
  type ResolveEnv,
} from './resolve';

const env: ResolveEnv = {
  pageSize: 4096,
  hugePageSize: 2 << 20,
  areaStart: (n) => ({ a: 0x500000000000n, $src: 0x500000800000n })[n],
};

const register = IOCTL_BY_NAME.get('UFFDIO_REGISTER')!;

function fails(f: () => unknown): ResolveError {
  try {
    f();
  } catch (e) {
    if (e instanceof ResolveError) return e;
    throw e;
  }
  throw new Error('did not fail');
}

describe('resolving an operation', () => {
  it('knows every uapi constant by its header name, and errno names', () => {
    expect(constantValue('UFFD_FEATURE_MOVE')).toBe(1n << 16n);
    expect(constantValue('UFFDIO_COPY')).toBe(BigInt(UFFDIO_COPY));
    expect(constantValue('O_NONBLOCK')).toBe(0o4000n);
    expect(constantValue('EEXIST')).toBe(17n);
    expect(constantValue('nope')).toBeUndefined();
  });

  it('takes struct fields nested or dotted, and writes output fields given', () => {
    const nested = resolveStruct(
      STRUCTS.uffdio_register,
      { range: { start: 'a+1p', len: '2p' }, mode: ['UFFDIO_REGISTER_MODE_MISSING', 'WP'], ioctls: 7 },
      env,
      register,
    );
    expect(nested.values).toEqual({
      'range.start': 0x500000001000n,
      'range.len': 0x2000n,
      mode: 3n,
      ioctls: 7n,
    });
    const dotted = resolveStruct(
      STRUCTS.uffdio_register,
      { 'range.start': 'a', mode: 'MISSING' },
      env,
      register,
    );
    expect(dotted.values).toEqual({ 'range.start': 0x500000000000n, mode: UFFDIO_REGISTER_MODE_MISSING });
  });

  it('wraps values to the C type: -1 in a u64, -EEXIST in an s64', () => {
    const { values } = resolveStruct(STRUCTS.uffdio_copy, { len: -1, copy: '-EEXIST' }, env);
    expect(values.len).toBe(0xffffffffffffffffn);
    expect(values.copy).toBe(-17n);
  });

  it('takes a fill source for UFFDIO_COPY only', () => {
    expect(resolveStruct(STRUCTS.uffdio_copy, { src: { fill: 0x41 }, len: '1p' }, env).fill).toBe(0x41);
    expect(fails(() => resolveStruct(STRUCTS.uffdio_copy, { src: { fill: 300 } }, env)).field).toBe(
      'arg.src.fill',
    );
    expect(fails(() => resolveStruct(STRUCTS.uffdio_move, { src: { fill: 1 } }, env)).message).toMatch(
      /only uffdio_copy's src can be a fill source/,
    );
  });

  it('names the field and what is wrong', () => {
    const unknownField = fails(() => resolveStruct(STRUCTS.uffdio_api, { feature: 1 }, env));
    expect(unknownField.field).toBe('arg.feature');
    expect(unknownField.message).toMatch(/has no field 'feature' \(it has api, features, ioctls\)/);
    const unknownName = fails(() => resolveStruct(STRUCTS.uffdio_range, { start: 'b+1p' }, env));
    expect(unknownName.field).toBe('arg.start');
    expect(unknownName.message).toMatch(/unknown name 'b' in 'b\+1p'/);
    expect(fails(() => resolveStruct(STRUCTS.uffdio_range, [1], env)).field).toBe('arg');
    expect(fails(() => resolveMask(['O_NONBLOCK', 'X'], env, 'flags')).field).toBe('flags[1]');
    expect(fails(() => resolveExpr(true as unknown as string, env, 'len')).message).toMatch(/got boolean/);
  });

  it('resolves userfaultfd flags by name and ioctl requests by name or number', () => {
    expect(resolveUffdFlags(['O_CLOEXEC', 'UFFD_USER_MODE_ONLY'], env, 'flags')).toBe(0o2000001n);
    expect(resolveRequest('UFFDIO_COPY')).toEqual({ kind: 'uffdio', info: IOCTL_BY_NAME.get('UFFDIO_COPY') });
    expect(resolveRequest(UFFDIO_COPY)).toEqual({ kind: 'uffdio', info: IOCTL_BY_NAME.get('UFFDIO_COPY') });
    expect(resolveRequest('USERFAULTFD_IOC_NEW')).toEqual({ kind: 'new' });
    expect(resolveRequest(0xc018aa3e)).toEqual({ kind: 'raw', request: 0xc018aa3e });
    expect(fails(() => resolveRequest('UFFDIO_NOPE' as 'UFFDIO_API')).field).toBe('request');
  });
});
