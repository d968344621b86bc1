// The console's panel: a toggle, and the terminal once opened (a lazy chunk).

import { lazy, Suspense } from 'react';
import { useUi } from '../state/context';
import { ui } from '../state/ui-store';

const ConsoleTerminal = lazy(() => import('./Terminal'));

export function ConsolePanel() {
  const open = useUi((s) => s.consoleOpen);
  return (
    <section
      className={`panel console ${open ? 'open' : ''}`}
      aria-labelledby="console-title"
      data-testid="console"
    >
      <div className="panel-head">
        <h2 id="console-title">Console</h2>
        <span className="dim small">C-like calls and short forms; the session's transcript</span>
        <span className="spacer" />
        <button
          className="btn small"
          aria-expanded={open}
          onClick={() => ui.toggleConsole()}
          data-testid="console.toggle"
        >
          {open ? 'hide' : 'open'} <kbd>`</kbd>
        </button>
      </div>
      {open && (
        <Suspense fallback={<p className="panel-body dim">Loading the console…</p>}>
          <ConsoleTerminal />
        </Suspense>
      )}
    </section>
  );
}
