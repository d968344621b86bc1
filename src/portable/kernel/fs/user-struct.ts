// The ioctl argument as user memory: the caller's bytes. The handlers read them with
// copy_from_user() (the leading `read` bytes, into the kernel's own copy) and write them with
// put_user()/copy_to_user(). Memory past the end of the caller's bytes, or no bytes at all (an
// argument pointer that points nowhere), faults, and the handler returns EFAULT.

import type { FieldLayout, FieldValue, StructLayout, StructValues } from '../../uapi/structs';
import { loadU64, storeField, storeU64 } from './user-bytes';

const TWO_32 = 2 ** 32;

/** The kernel's copy of a struct (on its stack): what copy_from_user() read. */
export class KernelStruct {
  readonly bytes = new Uint8Array(64);
  private readonly view = new DataView(this.bytes.buffer);

  /** A 64-bit field: a number below 2^53, else a bigint. */
  u64(f: FieldLayout): FieldValue {
    const hi = this.view.getUint32(f.offset + 4, true);
    if (hi < 0x200000) return hi * TWO_32 + this.view.getUint32(f.offset, true);
    return loadU64(this.bytes, f.offset);
  }
}

/** ioctls never nest (a handler calls no other), so one kernel copy serves them all. */
const KSTACK = new KernelStruct();

/** The fields of a layout by name, for handlers to read like `uffdio_copy.dst`; checked at load. */
export function structFields<K extends string>(
  layout: StructLayout,
  names: readonly K[],
): Record<K, FieldLayout> {
  const out = {} as Record<K, FieldLayout>;
  for (const n of names) {
    const f = layout.fields.find((x) => x.name === n);
    if (!f) throw new Error(`${layout.name} has no field ${n}`);
    out[n] = f;
  }
  return out;
}

/** `v & ~allowed` is not zero: a mode with bits the call does not know. Bits below 2^31. */
export function bitsOutside(v: FieldValue, allowed: bigint | number): boolean {
  if (typeof v === 'number' && v < 0x80000000) return (v & ~Number(allowed)) !== 0;
  return (BigInt(v) & ~BigInt(allowed)) !== 0n;
}

/** `v & bit` is not zero. The bit is below 2^31. */
export function hasBit(v: FieldValue, bit: bigint | number): boolean {
  if (typeof v === 'number' && v < 0x80000000) return (v & Number(bit)) !== 0;
  return (BigInt(v) & BigInt(bit)) !== 0n;
}

export class UserStruct {
  readonly layout: StructLayout;
  /** The caller's memory; null when argp is not a valid user address. */
  readonly mem: Uint8Array | null;

  constructor(layout: StructLayout, mem: Uint8Array | null) {
    this.layout = layout;
    this.mem = mem;
  }

  /** copy_from_user() of the leading `read` bytes; null on a fault. */
  copyFromUser(): KernelStruct | null {
    const n = this.layout.read;
    const mem = this.mem;
    if (!mem || mem.length < n) return null;
    const k = KSTACK.bytes;
    for (let i = 0; i < n; i++) k[i] = mem[i]!;
    return KSTACK;
  }

  private fits(f: FieldLayout): boolean {
    return this.mem !== null && this.mem.length >= f.offset + 8;
  }

  /** put_user() of a 64-bit field; false on a fault. */
  putUser(f: FieldLayout, value: FieldValue): boolean {
    if (!this.fits(f)) return false;
    storeU64(this.mem!, f.offset, value);
    return true;
  }

  /** copy_to_user() of the whole struct (fields not given are 0); false on a fault. */
  copyToUser(values: Readonly<StructValues>): boolean {
    const mem = this.mem;
    if (!mem || mem.length < this.layout.size) return false;
    mem.fill(0, 0, this.layout.size);
    for (const f of this.layout.fields) storeField(mem, 0, f, values[f.name] ?? 0);
    return true;
  }
}
