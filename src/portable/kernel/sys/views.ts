// The byte views a result carries (struct in and out, uffd_msg), encoded through one shared
// DataView rather than a new view per struct; each image is a Uint8Array of its own (offset 0).

import { msgFields, eventName, type UffdMsg } from '../../uapi/msg';
import { writeField, type FieldValue, type StructLayout, type StructValues } from '../../uapi/structs';
import type { StructInOut } from '../../model/result';

const scratch = new DataView(new ArrayBuffer(64));
const scratchBytes = new Uint8Array(scratch.buffer);
const TWO_32 = 2 ** 32;

type Field = {
  readonly name: string;
  readonly offset: number;
  readonly type: Parameters<typeof writeField>[1]['type'];
};

/** writeField() into the scratch view; a 64-bit field given as a (safe) number skips the BigInt. */
function put(f: Field, v: FieldValue): void {
  if (typeof v === 'number' && (f.type === 'u64' || f.type === 's64')) {
    const hi = Math.floor(v / TWO_32);
    scratch.setUint32(f.offset, v - hi * TWO_32, true);
    scratch.setInt32(f.offset + 4, hi, true);
    return;
  }
  writeField(scratch, f, v);
}

function encode(fields: readonly Field[], values: Readonly<Record<string, FieldValue>>, size: number): void {
  scratchBytes.fill(0, 0, size);
  for (const f of fields) put(f, values[f.name] ?? 0n);
}

/** The struct as it went in and came back (the image after rewrites only the fields that changed). */
export function structInOut(layout: StructLayout, before: StructValues, after: StructValues): StructInOut {
  encode(layout.fields, before, layout.size);
  const beforeBytes = scratchBytes.slice(0, layout.size);
  for (const f of layout.fields) {
    const v = after[f.name];
    if (v !== before[f.name]) put(f, v ?? 0n);
  }
  return { name: layout.name, before, beforeBytes, after, afterBytes: scratchBytes.slice(0, layout.size) };
}

/** A message as read() hands it out: its 32 bytes and, decoded, every field of its event's layout. */
export function uffdMsgs(
  raw: readonly { event: number; fields: Readonly<Record<string, FieldValue>> }[],
): UffdMsg[] {
  return raw.map((m) => {
    const layout = msgFields(m.event);
    const decoded: StructValues = {};
    scratchBytes.fill(0, 0, 32);
    for (const f of layout) {
      const v = f.name === 'event' ? m.event : (m.fields[f.name] ?? 0);
      put(f, v);
      decoded[f.name] = f.type === 'u64' || f.type === 's64' ? BigInt(v) : Number(v);
    }
    return {
      event: m.event,
      eventName: eventName(m.event),
      fields: decoded,
      bytes: scratchBytes.slice(0, 32),
    };
  });
}
