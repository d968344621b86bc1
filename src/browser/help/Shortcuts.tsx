// The `?` overlay: every shortcut, from the same table the handler uses.

import { SHORTCUTS } from './shortcuts';
import { Dialog } from './Dialog';

export function ShortcutsDialog() {
  return (
    <Dialog id="shortcuts" title="Keyboard shortcuts">
      <table className="shortcuts" data-testid="shortcuts">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.action}>
              <td>
                {s.keys.map((k, i) => (
                  <span key={k}>
                    {i > 0 && ' or '}
                    <kbd>{k}</kbd>
                  </span>
                ))}
              </td>
              <td>{s.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="dim">
        Everything is reachable with <kbd>Tab</kbd>. In the console: <kbd>Tab</kbd> completes, <kbd>↑</kbd>{' '}
        <kbd>↓</kbd> walk the history.
      </p>
    </Dialog>
  );
}
