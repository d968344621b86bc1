// What a Result shows of the bytes the syscall layer used: the struct as it came back and the
// messages read, decoded as uapi's decodeStruct() and decodeMsgs() decode them, but without a
// DataView per image, and without a new bigint for a field that did not change.

import { eventName, msgFields, UFFD_MSG_SIZE, type UffdMsg } from '../../uapi/msg';
import type { FieldLayout, FieldValue, StructLayout, StructValues } from '../../uapi/structs';
import { loadU32, loadU64 } from '../fs/user-bytes';
import { FIELD_SIZE } from '../../uapi/structs';

/** A field as decodeStruct() reads it: 64-bit fields as bigints, the others as numbers. */
function readAt(b: Uint8Array, base: number, f: FieldLayout): FieldValue {
  const o = base + f.offset;
  switch (f.type) {
    case 'u8':
      return b[o]!;
    case 'u16':
      return b[o]! | (b[o + 1]! << 8);
    case 'u32':
      return loadU32(b, o);
    case 'u64':
      return BigInt(loadU64(b, o));
    case 's64':
      return BigInt.asIntN(64, BigInt(loadU64(b, o)));
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The struct's fields as the kernel left them; a field whose bytes did not change keeps its value. */
export function structAfter(
  layout: StructLayout,
  before: StructValues,
  beforeBytes: Uint8Array,
  after: Uint8Array,
): StructValues {
  const out: StructValues = {};
  for (const f of layout.fields) {
    const same = sameBytes(beforeBytes, after, f.offset, f.offset + FIELD_SIZE[f.type]);
    out[f.name] = same && before[f.name] !== undefined ? before[f.name]! : readAt(after, 0, f);
  }
  return out;
}

const LAYOUTS = new Map<number, readonly FieldLayout[]>();

function layoutOf(event: number): readonly FieldLayout[] {
  let l = LAYOUTS.get(event);
  if (!l) LAYOUTS.set(event, (l = msgFields(event)));
  return l;
}

/** The messages in the first `len` bytes of buf, each with its own copy of its 32 bytes. */
export function msgsOf(buf: Uint8Array, len: number): UffdMsg[] {
  const msgs: UffdMsg[] = [];
  for (let at = 0; at + UFFD_MSG_SIZE <= len; at += UFFD_MSG_SIZE) {
    const event = buf[at]!;
    const fields: StructValues = {};
    for (const f of layoutOf(event)) fields[f.name] = readAt(buf, at, f);
    msgs.push({ event, eventName: eventName(event), fields, bytes: buf.slice(at, at + UFFD_MSG_SIZE) });
  }
  return msgs;
}
