// A struct or message field's value in words: addresses relative, lengths in pages, results as
// -ERRNO, masks by their flag names.

import { formatField } from '../../portable/console/describe';
import type { Snapshot } from '../../portable/model/snapshot';
import { FEATURES, IOCTL_BITS, IOCTLS, formatFlags } from '../../portable/uapi/names';
import type { FieldLayout, FieldValue, StructName } from '../../portable/uapi/structs';

export function fieldText(f: FieldLayout, v: FieldValue, snap: Snapshot, struct?: StructName): string {
  switch (f.role) {
    case 'features':
      return formatFlags(v, FEATURES);
    case 'ioctls':
      return formatFlags(v, IOCTL_BITS);
    case 'mode': {
      const modes = IOCTLS.find((i) => i.struct === struct)?.modes ?? [];
      return formatFlags(v, modes);
    }
    default:
      return formatField(f, v, snap);
  }
}

/** The field a byte offset belongs to, for grouping bytes. */
export function fieldAt(fields: readonly FieldLayout[], offset: number, size: (f: FieldLayout) => number) {
  return fields.find((f) => offset >= f.offset && offset < f.offset + size(f));
}

export const hexByte = (b: number) => b.toString(16).padStart(2, '0');
