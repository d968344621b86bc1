// Layout facts as tests: the kernel's BUILD_BUG_ON(sizeof(struct uffd_msg) != 32), every struct's size
// and offsets, every ioctl number, as include/uapi/linux/userfaultfd.h defines them on x86_64.
import { describe, expect, it } from 'vitest';
import {
  STRUCTS,
  STRUCT_SIZE,
  UFFDIO_API,
  UFFDIO_CONTINUE,
  UFFDIO_COPY,
  UFFDIO_MOVE,
  UFFDIO_POISON,
  UFFDIO_REGISTER,
  UFFDIO_UNREGISTER,
  UFFDIO_WAKE,
  UFFDIO_WRITEPROTECT,
  UFFDIO_ZEROPAGE,
  USERFAULTFD_IOC_NEW,
  UFFD_API_FEATURES,
  UFFD_API_IOCTLS,
  UFFD_API_RANGE_IOCTLS,
  UFFD_API_RANGE_IOCTLS_BASIC,
  UFFD_EVENT_PAGEFAULT,
  UFFD_EVENT_REMAP,
  UFFD_EVENT_FORK,
  decodeMsg,
  decodeStruct,
  encodeMsg,
  encodeStruct,
  errnoName,
  strerror,
  _IOC_DIR,
  _IOC_NR,
  _IOC_SIZE,
  _IOC_TYPE,
  FEATURES,
  IOCTLS,
  formatFlags,
  REGISTER_MODES,
  FIELD_SIZE,
} from './index';

describe('ioctl request numbers', () => {
  it.each([
    ['UFFDIO_API', UFFDIO_API, 0xc018aa3f],
    ['UFFDIO_REGISTER', UFFDIO_REGISTER, 0xc020aa00],
    ['UFFDIO_UNREGISTER', UFFDIO_UNREGISTER, 0x8010aa01],
    ['UFFDIO_WAKE', UFFDIO_WAKE, 0x8010aa02],
    ['UFFDIO_COPY', UFFDIO_COPY, 0xc028aa03],
    ['UFFDIO_ZEROPAGE', UFFDIO_ZEROPAGE, 0xc020aa04],
    ['UFFDIO_MOVE', UFFDIO_MOVE, 0xc028aa05],
    ['UFFDIO_WRITEPROTECT', UFFDIO_WRITEPROTECT, 0xc018aa06],
    ['UFFDIO_CONTINUE', UFFDIO_CONTINUE, 0xc020aa07],
    ['UFFDIO_POISON', UFFDIO_POISON, 0xc020aa08],
    ['USERFAULTFD_IOC_NEW', USERFAULTFD_IOC_NEW, 0xaa00],
  ])('%s is 0x%s', (_name, actual, expected) => {
    expect(actual.toString(16)).toBe(expected.toString(16));
  });

  it('decodes back into direction, type, number and size', () => {
    expect([
      _IOC_DIR(UFFDIO_COPY),
      _IOC_TYPE(UFFDIO_COPY),
      _IOC_NR(UFFDIO_COPY),
      _IOC_SIZE(UFFDIO_COPY),
    ]).toEqual([3, 0xaa, 3, 40]);
  });

  it('gives each ioctl the struct whose size its request encodes', () => {
    for (const i of IOCTLS) expect(_IOC_SIZE(i.request), i.name).toBe(STRUCTS[i.struct].size);
  });
});

describe('masks', () => {
  it('has 17 features, bit 0 to bit 16', () => {
    expect(UFFD_API_FEATURES).toBe(0x1ffffn);
    expect(FEATURES.map((f) => f.value)).toEqual(Array.from({ length: 17 }, (_, i) => 1n << BigInt(i)));
  });
  it('reports the ioctl masks the kernel reports', () => {
    expect(UFFD_API_IOCTLS).toBe(0x8000000000000003n);
    expect(UFFD_API_RANGE_IOCTLS).toBe(0x1fcn);
    expect(UFFD_API_RANGE_IOCTLS_BASIC).toBe(0x1ccn);
  });
  it('names set bits and leaves unknown ones as hex', () => {
    expect(formatFlags(3n, REGISTER_MODES)).toBe('UFFDIO_REGISTER_MODE_MISSING|UFFDIO_REGISTER_MODE_WP');
    expect(formatFlags(9n, REGISTER_MODES)).toBe('UFFDIO_REGISTER_MODE_MISSING|0x8');
    expect(formatFlags(0n, REGISTER_MODES)).toBe('0');
  });
});

describe('struct layouts', () => {
  it.each(Object.values(STRUCTS))('$name: fields tile the struct without overlap', (l) => {
    expect(l.size).toBe(STRUCT_SIZE[l.name]);
    let end = 0;
    for (const f of l.fields) {
      expect(f.offset, `${l.name}.${f.name}`).toBe(end);
      end = f.offset + FIELD_SIZE[f.type];
    }
    expect(end).toBe(l.size);
  });

  it('leaves exactly the output fields past what copy_from_user reads', () => {
    for (const l of Object.values(STRUCTS)) {
      const unread = l.fields.filter((f) => f.offset >= l.read);
      expect(
        unread.every((f) => f.out),
        l.name,
      ).toBe(true);
    }
    // uffdio_api is read whole: its `ioctls` is output all the same.
    expect(STRUCTS.uffdio_api.read).toBe(24);
    expect(STRUCTS.uffdio_copy.read).toBe(32);
  });

  it('encodes little-endian and decodes what it encoded', () => {
    const l = STRUCTS.uffdio_copy;
    const bytes = encodeStruct(l, { dst: 0x7f0000001000n, src: 0x1234n, len: 4096n, mode: 2n, copy: -17n });
    expect([...bytes.slice(0, 8)]).toEqual([0x00, 0x10, 0x00, 0x00, 0x00, 0x7f, 0, 0]);
    expect([...bytes.slice(32, 40)]).toEqual([0xef, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    expect(decodeStruct(l, bytes)).toEqual({
      dst: 0x7f0000001000n,
      src: 0x1234n,
      len: 4096n,
      mode: 2n,
      copy: -17n,
    });
  });

  it('refuses bytes of the wrong size', () => {
    expect(() => decodeStruct(STRUCTS.uffdio_api, new Uint8Array(16))).toThrow(/24 bytes/);
  });
});

describe('uffd_msg', () => {
  it('is 32 packed bytes with the pagefault fields at 8, 16 and 24', () => {
    const bytes = encodeMsg(UFFD_EVENT_PAGEFAULT, {
      'arg.pagefault.flags': 3n,
      'arg.pagefault.address': 0x7f0000002000n,
      'arg.pagefault.feat.ptid': 4242,
    });
    expect(bytes.byteLength).toBe(32);
    expect(bytes[0]).toBe(0x12);
    expect(bytes[8]).toBe(3);
    expect(bytes[16 + 1]).toBe(0x20);
    expect(new DataView(bytes.buffer).getUint32(24, true)).toBe(4242);
    expect([...bytes.slice(28)]).toEqual([0, 0, 0, 0]);
    const m = decodeMsg(bytes);
    expect(m.eventName).toBe('UFFD_EVENT_PAGEFAULT');
    expect(m.fields['arg.pagefault.address']).toBe(0x7f0000002000n);
  });

  it('decodes remap with from, to and len', () => {
    const m = decodeMsg(
      encodeMsg(UFFD_EVENT_REMAP, { 'arg.remap.from': 1n, 'arg.remap.to': 2n, 'arg.remap.len': 3n }),
    );
    expect(m.fields).toMatchObject({
      event: 0x14,
      'arg.remap.from': 1n,
      'arg.remap.to': 2n,
      'arg.remap.len': 3n,
    });
  });

  it('decodes fork with the new fd at 8 and nothing after', () => {
    const bytes = encodeMsg(UFFD_EVENT_FORK, { 'arg.fork.ufd': 6 });
    expect([...bytes.slice(8, 16)]).toEqual([6, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('shows an unknown event through the reserved view', () => {
    const bytes = new Uint8Array(32);
    bytes[0] = 0x42;
    expect(decodeMsg(bytes).eventName).toBe('unknown (0x42)');
    expect(decodeMsg(bytes).fields).toHaveProperty('arg.reserved.reserved3', 0n);
  });
});

describe('errno', () => {
  it('names numbers and explains them', () => {
    expect(errnoName(17)).toBe('EEXIST');
    expect(strerror(11)).toBe('Resource temporarily unavailable');
    expect(errnoName(4095)).toBe('E4095');
  });
});
