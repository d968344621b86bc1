// The ioctl argument as user memory: the struct's bytes, which the handlers read with
// copy_from_user() (only the first `read` bytes) and write with put_user()/copy_to_user(). An
// argument pointer that points nowhere makes every access fail, and the handler returns EFAULT.

import {
  decodeStruct,
  encodeStruct,
  writeField,
  type FieldValue,
  type StructLayout,
  type StructValues,
} from '../../uapi/structs';
import { wrap } from '../../model/resolve';

export class UserStruct {
  readonly layout: StructLayout;
  /** null: argp is not a valid user address. */
  readonly bytes: Uint8Array | null;
  /** Every field as the caller passed it in (the decoded `bytes` before the call). */
  readonly values: Readonly<StructValues> | null;
  /** The kernel wrote to it. */
  dirty = false;
  /** What put_user() wrote, when that is all the kernel wrote (so `after` needs no decoding). */
  private puts: StructValues | null = {};

  constructor(layout: StructLayout, values: Readonly<StructValues> | null) {
    this.layout = layout;
    this.values = values;
    this.bytes = values ? encodeStruct(layout, values) : null;
  }

  /** copy_from_user() of the leading `read` bytes (the handlers use only those fields); null on a fault. */
  copyFromUser(): StructValues | null {
    if (!this.bytes) return null;
    if (!this.dirty && this.values) return { ...this.values };
    const part = new Uint8Array(this.layout.size);
    part.set(this.bytes.subarray(0, this.layout.read));
    return decodeStruct(this.layout, part);
  }

  /** put_user() of one field; false on a fault. */
  putUser(field: string, value: FieldValue): boolean {
    if (!this.bytes) return false;
    const f = this.layout.fields.find((x) => x.name === field);
    if (!f) throw new Error(`${this.layout.name} has no field ${field}`);
    writeField(new DataView(this.bytes.buffer), f, value);
    this.dirty = true;
    if (this.puts) this.puts[field] = wrap(f, BigInt(value));
    return true;
  }

  /** The fields as the kernel left them. */
  after(): StructValues | null {
    if (!this.bytes || !this.values) return null;
    if (this.puts) return { ...this.values, ...this.puts };
    return decodeStruct(this.layout, this.bytes);
  }

  /** copy_to_user() of the whole struct; false on a fault. */
  copyToUser(values: Readonly<StructValues>): boolean {
    if (!this.bytes) return false;
    this.bytes.set(encodeStruct(this.layout, values));
    this.dirty = true;
    this.puts = null;
    return true;
  }
}
