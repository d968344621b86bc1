// The structs of include/uapi/linux/userfaultfd.h as byte layouts, with a little-endian codec.
// A field's role says what its value means, so views and the differential harness know which
// fields hold addresses (normalised before comparing) and which the kernel writes back.

import { STRUCT_SIZE } from './sizes';

export type FieldType = 'u8' | 'u16' | 'u32' | 'u64' | 's64';

export type FieldRole =
  | 'api'
  | 'features'
  | 'ioctls'
  | 'addr'
  | 'len'
  | 'mode'
  | 'result'
  | 'event'
  | 'flags'
  | 'fd'
  | 'tid'
  | 'reserved';

export interface FieldLayout {
  /** The C member path, e.g. `range.start` or `arg.pagefault.address`. */
  readonly name: string;
  readonly offset: number;
  readonly type: FieldType;
  readonly role: FieldRole;
  /** Written by the kernel and never read by it ("must be at the end"). */
  readonly out?: boolean;
}

export type StructName = Exclude<keyof typeof STRUCT_SIZE, 'uffd_msg'>;

export interface StructLayout {
  readonly name: StructName;
  readonly size: number;
  /** How many leading bytes the kernel's copy_from_user reads. */
  readonly read: number;
  readonly fields: readonly FieldLayout[];
}

/** A 64-bit field is a bigint, a narrower one a number. */
export type FieldValue = bigint | number;
export type StructValues = Record<string, FieldValue>;

const range = (prefix: string): FieldLayout[] => [
  { name: `${prefix}start`, offset: 0, type: 'u64', role: 'addr' },
  { name: `${prefix}len`, offset: 8, type: 'u64', role: 'len' },
];

function layout(name: StructName, read: number, fields: FieldLayout[]): StructLayout {
  return { name, size: STRUCT_SIZE[name], read, fields };
}

export const STRUCTS: Record<StructName, StructLayout> = {
  uffdio_api: layout('uffdio_api', 24, [
    { name: 'api', offset: 0, type: 'u64', role: 'api' },
    { name: 'features', offset: 8, type: 'u64', role: 'features' },
    { name: 'ioctls', offset: 16, type: 'u64', role: 'ioctls', out: true },
  ]),
  uffdio_range: layout('uffdio_range', 16, range('')),
  uffdio_register: layout('uffdio_register', 24, [
    ...range('range.'),
    { name: 'mode', offset: 16, type: 'u64', role: 'mode' },
    { name: 'ioctls', offset: 24, type: 'u64', role: 'ioctls', out: true },
  ]),
  uffdio_copy: layout('uffdio_copy', 32, [
    { name: 'dst', offset: 0, type: 'u64', role: 'addr' },
    { name: 'src', offset: 8, type: 'u64', role: 'addr' },
    { name: 'len', offset: 16, type: 'u64', role: 'len' },
    { name: 'mode', offset: 24, type: 'u64', role: 'mode' },
    { name: 'copy', offset: 32, type: 's64', role: 'result', out: true },
  ]),
  uffdio_zeropage: layout('uffdio_zeropage', 24, [
    ...range('range.'),
    { name: 'mode', offset: 16, type: 'u64', role: 'mode' },
    { name: 'zeropage', offset: 24, type: 's64', role: 'result', out: true },
  ]),
  uffdio_writeprotect: layout('uffdio_writeprotect', 24, [
    ...range('range.'),
    { name: 'mode', offset: 16, type: 'u64', role: 'mode' },
  ]),
  uffdio_continue: layout('uffdio_continue', 24, [
    ...range('range.'),
    { name: 'mode', offset: 16, type: 'u64', role: 'mode' },
    { name: 'mapped', offset: 24, type: 's64', role: 'result', out: true },
  ]),
  uffdio_poison: layout('uffdio_poison', 24, [
    ...range('range.'),
    { name: 'mode', offset: 16, type: 'u64', role: 'mode' },
    { name: 'updated', offset: 24, type: 's64', role: 'result', out: true },
  ]),
  uffdio_move: layout('uffdio_move', 32, [
    { name: 'dst', offset: 0, type: 'u64', role: 'addr' },
    { name: 'src', offset: 8, type: 'u64', role: 'addr' },
    { name: 'len', offset: 16, type: 'u64', role: 'len' },
    { name: 'mode', offset: 24, type: 'u64', role: 'mode' },
    { name: 'move', offset: 32, type: 's64', role: 'result', out: true },
  ]),
};

export const FIELD_SIZE: Record<FieldType, number> = { u8: 1, u16: 2, u32: 4, u64: 8, s64: 8 };

export function readField(view: DataView, f: Pick<FieldLayout, 'offset' | 'type'>): FieldValue {
  switch (f.type) {
    case 'u8':
      return view.getUint8(f.offset);
    case 'u16':
      return view.getUint16(f.offset, true);
    case 'u32':
      return view.getUint32(f.offset, true);
    case 'u64':
      return view.getBigUint64(f.offset, true);
    case 's64':
      return view.getBigInt64(f.offset, true);
  }
}

export function writeField(view: DataView, f: Pick<FieldLayout, 'offset' | 'type'>, v: FieldValue): void {
  switch (f.type) {
    case 'u8':
      return view.setUint8(f.offset, Number(v));
    case 'u16':
      return view.setUint16(f.offset, Number(v), true);
    case 'u32':
      return view.setUint32(f.offset, Number(v), true);
    case 'u64':
      return view.setBigUint64(f.offset, BigInt.asUintN(64, BigInt(v)), true);
    case 's64':
      return view.setBigInt64(f.offset, BigInt.asIntN(64, BigInt(v)), true);
  }
}

const viewOf = (bytes: Uint8Array): DataView =>
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** The struct's bytes; a field missing from `values` is zero. */
export function encodeStruct(l: StructLayout, values: Readonly<StructValues>): Uint8Array {
  const bytes = new Uint8Array(l.size);
  const view = viewOf(bytes);
  for (const f of l.fields) writeField(view, f, values[f.name] ?? 0n);
  return bytes;
}

export function decodeStruct(l: StructLayout, bytes: Uint8Array): StructValues {
  if (bytes.byteLength !== l.size) {
    throw new RangeError(`${l.name} is ${l.size} bytes, got ${bytes.byteLength}`);
  }
  const view = viewOf(bytes);
  const values: StructValues = {};
  for (const f of l.fields) values[f.name] = readField(view, f);
  return values;
}
