// A struct as passed in and as the kernel left it, side by side; changed fields are marked with a
// ✱ and a colour, and their bytes underlined.

import type { StructInOut } from '../../portable/model/result';
import type { Snapshot } from '../../portable/model/snapshot';
import { STRUCTS } from '../../portable/uapi/structs';
import { ByteView } from './ByteView';
import { fieldText } from './field-text';

export function StructView({ io, snapshot }: { io: StructInOut; snapshot: Snapshot }) {
  const layout = STRUCTS[io.name];
  return (
    <div className="struct-view" data-testid="monitor.struct">
      <table className="struct-table">
        <caption>
          struct <code>{io.name}</code>
        </caption>
        <thead>
          <tr>
            <th scope="col">field</th>
            <th scope="col">passed in</th>
            <th scope="col">written back</th>
          </tr>
        </thead>
        <tbody>
          {layout.fields.map((f) => {
            const before = io.before[f.name] ?? 0n;
            const after = io.after[f.name] ?? 0n;
            const changed = BigInt(before) !== BigInt(after);
            return (
              <tr
                key={f.name}
                className={changed ? 'changed' : ''}
                data-testid="monitor.field"
                data-field={f.name}
                data-changed={changed}
              >
                <th scope="row" className="mono">
                  {f.name}
                  {f.out && <span className="dim"> (out)</span>}
                </th>
                <td className="mono">{fieldText(f, before, snapshot, io.name)}</td>
                <td className="mono" data-testid="monitor.after">
                  {changed && (
                    <span className="changed-mark" aria-label="changed">
                      ✱{' '}
                    </span>
                  )}
                  {fieldText(f, after, snapshot, io.name)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <ByteView bytes={io.beforeBytes} fields={layout.fields} label="passed in" testId="monitor.bytes-in" />
      <ByteView
        bytes={io.afterBytes}
        fields={layout.fields}
        compare={io.beforeBytes}
        label="written back"
        testId="monitor.bytes-out"
      />
    </div>
  );
}
