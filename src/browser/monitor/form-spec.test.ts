import { describe, expect, it } from 'vitest';
import { printOperation } from '../../portable/console/print';
import { area, snapshot, uffd } from '../../portable/testing/fixtures';
import { ALL_CALLS, callAvailable, callSince } from './calls';
import { formValues } from './form-defaults';
import { buildOperation, fieldsOf, validate } from './form-spec';

const snap = snapshot({ areas: [area({ name: 'a', pages: 4 })], uffds: [uffd({ name: 'uffd' })] });
const ctx = { snapshot: snap, activeThread: 'T1', selection: { area: 'a', page: 1 } };
const run = (call: Parameters<typeof fieldsOf>[0], draft = {}) =>
  printOperation(buildOperation(call, formValues(call, draft, ctx)));

describe('monitor forms', () => {
  it('has a form for every call, and each default form builds a call the console can read', () => {
    for (const call of ALL_CALLS) {
      expect(fieldsOf(call).length, call).toBeGreaterThan(0);
      expect(() => run(call), call).not.toThrow();
    }
  });

  it('fills in the newest uffd and the target page', () => {
    expect(run('UFFDIO_COPY')).toBe(
      'ioctl(uffd, UFFDIO_COPY, {dst: a+1p, src: {fill: 0x41}, len: 1p, mode: 0})',
    );
    expect(run('UFFDIO_REGISTER')).toBe(
      'ioctl(uffd, UFFDIO_REGISTER, {range: {start: a, len: 4p}, mode: UFFDIO_REGISTER_MODE_MISSING})',
    );
    expect(run('UFFDIO_API')).toBe('ioctl(uffd, UFFDIO_API, {api: UFFD_API, features: 0})');
    expect(run('touch')).toBe('touch(T1, a+1p, read)');
    expect(run('mmap')).toBe('b = mmap(4p, anon, {prot: PROT_READ|PROT_WRITE})');
    expect(run('userfaultfd')).toBe('uffd2 = userfaultfd(O_CLOEXEC|O_NONBLOCK)');
  });

  it('offers UFFD_USER_MODE_ONLY from the start where the agent may create a uffd only with it', () => {
    const limited = { ...ctx, userModeOnly: true };
    const op = buildOperation('userfaultfd', formValues('userfaultfd', {}, limited));
    expect(printOperation(op)).toBe('uffd2 = userfaultfd(O_CLOEXEC|O_NONBLOCK|UFFD_USER_MODE_ONLY)');
    const dev = buildOperation('USERFAULTFD_IOC_NEW', formValues('USERFAULTFD_IOC_NEW', {}, limited));
    expect(printOperation(dev)).not.toContain('UFFD_USER_MODE_ONLY');
  });

  it('takes checked bits and other bits into the mask', () => {
    const draft = { mode: ['UFFDIO_COPY_MODE_DONTWAKE'], 'mode.extra': '0x8', src: 'addr:a+2p' };
    expect(run('UFFDIO_COPY', draft)).toBe(
      'ioctl(uffd, UFFDIO_COPY, {dst: a+1p, src: a+2p, len: 1p, mode: UFFDIO_COPY_MODE_DONTWAKE|0x8})',
    );
  });

  it('says which field is wrong and why', () => {
    const values = formValues(
      'UFFDIO_COPY',
      { dst: 'b+1p', len: '1q', 'mode.extra': '|', src: 'fill:0x100' },
      ctx,
    );
    expect(validate('UFFDIO_COPY', values, ctx)).toEqual({
      dst: "unknown name 'b' (at column 1)",
      len: "unexpected 'q' (at column 2)",
      'mode.extra': "unexpected '|' (at column 1)",
      src: 'fill: a byte, 0 to 0xff',
    });
    expect(validate('touch', formValues('touch', { thread: 'T 1', addr: '' }, ctx), ctx)).toEqual({
      thread: 'a name: letters, digits, _',
      addr: 'required',
    });
    expect(validate('UFFDIO_COPY', formValues('UFFDIO_COPY', {}, ctx), ctx)).toEqual({});
  });

  it('knows which calls a kernel lacks', () => {
    expect(callAvailable('UFFDIO_MOVE', '6.6')).toBe(false);
    expect(callSince('UFFDIO_MOVE')).toBe('6.8');
    expect(callAvailable('open', '5.15')).toBe(false);
    expect(callAvailable('UFFDIO_COPY', '4.3')).toBe(true);
  });
});

describe('monitor form lengths', () => {
  it('registers the whole area, and resolves one page', () => {
    expect(run('UFFDIO_WRITEPROTECT')).toBe(
      'ioctl(uffd, UFFDIO_WRITEPROTECT, {range: {start: a+1p, len: 1p}, mode: UFFDIO_WRITEPROTECT_MODE_WP})',
    );
    expect(run('UFFDIO_UNREGISTER')).toBe('ioctl(uffd, UFFDIO_UNREGISTER, {start: a, len: 4p})');
    expect(run('mremap')).toBe('b = mremap(a, 4p, 4p, {flags: MREMAP_MAYMOVE})');
  });
});
