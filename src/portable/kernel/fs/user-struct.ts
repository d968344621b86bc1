// The ioctl argument as user memory: the struct the handlers read with copy_from_user() (only
// the first `read` bytes count) and write with put_user()/copy_to_user(). An argument pointer
// that points nowhere makes every access fail, and the handler returns EFAULT.
// The memory is kept as field values (each write wrapped to its C type, so nothing is lost);
// the bytes are made only when a result shows them.

import { wrap } from '../../model/resolve';
import {
  encodeStruct,
  type FieldLayout,
  type FieldValue,
  type StructLayout,
  type StructValues,
} from '../../uapi/structs';

const FIELDS = new WeakMap<StructLayout, ReadonlyMap<string, FieldLayout>>();

function field(layout: StructLayout, name: string): FieldLayout {
  let m = FIELDS.get(layout);
  if (!m) FIELDS.set(layout, (m = new Map(layout.fields.map((f) => [f.name, f]))));
  const f = m.get(name);
  if (!f) throw new Error(`${layout.name} has no field ${name}`);
  return f;
}

export class UserStruct {
  readonly layout: StructLayout;
  /** Every field as the caller passed it in; null when argp is not a valid user address. */
  readonly values: Readonly<StructValues> | null;
  /** Every field as the kernel left it. */
  private current: StructValues | null;

  constructor(layout: StructLayout, values: Readonly<StructValues> | null) {
    this.layout = layout;
    this.values = values;
    this.current = values && { ...values };
  }

  get valid(): boolean {
    return this.values !== null;
  }

  /** copy_from_user() of the leading `read` bytes (the handlers use only those fields); null on a fault. */
  copyFromUser(): Readonly<StructValues> | null {
    return this.current;
  }

  /** put_user() of one field; false on a fault. */
  putUser(name: string, value: FieldValue): boolean {
    if (!this.current) return false;
    this.current[name] = wrap(field(this.layout, name), BigInt(value));
    return true;
  }

  /** copy_to_user() of the whole struct (fields not given are 0); false on a fault. */
  copyToUser(values: Readonly<StructValues>): boolean {
    if (!this.current) return false;
    for (const f of this.layout.fields) this.current[f.name] = wrap(f, BigInt(values[f.name] ?? 0));
    return true;
  }

  /** The fields as the kernel left them (the caller owns the struct: nothing writes it afterwards). */
  after(): StructValues | null {
    return this.current;
  }

  static bytes(layout: StructLayout, values: Readonly<StructValues>): Uint8Array {
    return encodeStruct(layout, values);
  }
}
