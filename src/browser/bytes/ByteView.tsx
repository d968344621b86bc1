// Raw little-endian bytes, grouped by the field that owns them, with the bytes that differ from a
// comparison (the struct as passed in) marked by colour and underline.

import { FIELD_SIZE, type FieldLayout } from '../../portable/uapi/structs';
import { hexByte } from './field-text';

interface Group {
  readonly name: string;
  readonly offset: number;
  readonly length: number;
}

function groups(fields: readonly FieldLayout[], size: number): Group[] {
  const out: Group[] = [];
  let at = 0;
  for (const f of [...fields].sort((a, b) => a.offset - b.offset)) {
    if (f.offset > at) out.push({ name: '', offset: at, length: f.offset - at });
    out.push({ name: f.name.split('.').pop()!, offset: f.offset, length: FIELD_SIZE[f.type] });
    at = f.offset + FIELD_SIZE[f.type];
  }
  if (at < size) out.push({ name: '', offset: at, length: size - at });
  return out;
}

export function ByteView(props: {
  bytes: Uint8Array;
  fields: readonly FieldLayout[];
  compare?: Uint8Array;
  label: string;
  testId?: string;
}) {
  const { bytes, fields, compare, label } = props;
  return (
    <figure className="bytes" data-testid={props.testId}>
      <figcaption className="dim">
        {label} ({bytes.length} bytes, little-endian)
      </figcaption>
      <div className="byte-groups">
        {groups(fields, bytes.length).map((g) => (
          <div key={g.offset} className="byte-group" title={`${g.name || 'unused'} @${g.offset}`}>
            <div className="byte-row mono">
              {Array.from(bytes.subarray(g.offset, g.offset + g.length), (b, i) => {
                const changed = compare !== undefined && compare[g.offset + i] !== b;
                return (
                  <span key={i} className={changed ? 'byte changed' : 'byte'}>
                    {hexByte(b)}
                  </span>
                );
              })}
            </div>
            <div className="byte-label dim">{g.name || '·'}</div>
          </div>
        ))}
      </div>
    </figure>
  );
}
