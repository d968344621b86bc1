// A struct uffd_msg decoded: every field of its event's layout, with flag names, and its 32 bytes.

import type { Snapshot } from '../../portable/model/snapshot';
import { msgFields, type UffdMsg } from '../../portable/uapi/msg';
import { ByteView } from './ByteView';
import { fieldText } from './field-text';

export function MsgView({ msg, snapshot, index }: { msg: UffdMsg; snapshot: Snapshot; index?: number }) {
  const fields = msgFields(msg.event);
  return (
    <div className="msg-view" data-testid="msg">
      <table className="struct-table">
        <caption>
          {index !== undefined ? `message ${index + 1}: ` : ''}
          <code>{msg.eventName}</code>
        </caption>
        <tbody>
          {fields.map((f) => (
            <tr key={f.name} data-testid="msg.field" data-field={f.name}>
              <th scope="row" className="mono">
                {f.name}
              </th>
              <td className="mono">
                {f.name === 'event'
                  ? `${msg.eventName} (0x${msg.event.toString(16)})`
                  : fieldText(f, msg.fields[f.name] ?? 0, snapshot)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ByteView bytes={msg.bytes} fields={fields} label="uffd_msg" testId="msg.bytes" />
    </div>
  );
}
