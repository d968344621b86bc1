// The byte views a result carries (struct in and out, uffd_msg), encoded through one shared
// DataView rather than a new view per struct; each image is a Uint8Array of its own (offset 0).

import { msgFields, eventName, type UffdMsg } from '../../uapi/msg';
import { writeField, type FieldValue, type StructLayout, type StructValues } from '../../uapi/structs';
import type { StructInOut } from '../../model/result';

const scratch = new DataView(new ArrayBuffer(64));
const scratchBytes = new Uint8Array(scratch.buffer);

function encode(
  fields: readonly { name: string; offset: number; type: Parameters<typeof writeField>[1]['type'] }[],
  values: Readonly<Record<string, FieldValue>>,
  size: number,
): Uint8Array {
  scratchBytes.fill(0, 0, size);
  for (const f of fields) writeField(scratch, f, values[f.name] ?? 0n);
  return scratchBytes.slice(0, size);
}

/** The struct as it went in and came back. */
export function structInOut(layout: StructLayout, before: StructValues, after: StructValues): StructInOut {
  return {
    name: layout.name,
    before,
    beforeBytes: encode(layout.fields, before, layout.size),
    after,
    afterBytes: encode(layout.fields, after, layout.size),
  };
}

/** A message as read() hands it out: its 32 bytes and, decoded, every field of its event's layout. */
export function uffdMsgs(
  raw: readonly { event: number; fields: Readonly<Record<string, FieldValue>> }[],
): UffdMsg[] {
  return raw.map((m) => {
    const layout = msgFields(m.event);
    const decoded: StructValues = {};
    for (const f of layout) {
      const v = f.name === 'event' ? m.event : (m.fields[f.name] ?? 0);
      decoded[f.name] = f.type === 'u64' || f.type === 's64' ? BigInt(v) : Number(v);
    }
    return {
      event: m.event,
      eventName: eventName(m.event),
      fields: decoded,
      bytes: encode(layout, decoded, 32),
    };
  });
}
