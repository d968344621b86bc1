// The right column: the monitor and the console as two tabs. The console's terminal is a lazy chunk,
// loaded the first time its tab opens, and kept alive afterwards so its transcript stays.

import { lazy, Suspense } from 'react';
import { Monitor } from './monitor/Monitor';
import { useUi } from './state/context';
import { ui } from './state/ui-store';

const ConsoleTerminal = lazy(() => import('./console/Terminal'));

export function SidePanel() {
  const open = useUi((s) => s.consoleOpen);
  const loaded = useUi((s) => s.consoleLoaded);
  return (
    <section className="panel side" aria-label="Monitor and console">
      <div className="tabs" role="tablist">
        <button
          role="tab"
          id="tab-monitor"
          aria-selected={!open}
          aria-controls="panel-monitor"
          className="tab"
          onClick={() => ui.showConsole(false)}
          data-testid="tab.monitor"
        >
          Monitor <kbd>m</kbd>
        </button>
        <button
          role="tab"
          id="tab-console"
          aria-selected={open}
          aria-controls="panel-console"
          className="tab"
          onClick={() => ui.showConsole(true)}
          data-testid="console.toggle"
        >
          Console <kbd>`</kbd>
        </button>
      </div>
      <div
        role="tabpanel"
        id="panel-monitor"
        aria-labelledby="tab-monitor"
        hidden={open}
        className="tab-panel"
      >
        <Monitor />
      </div>
      {loaded && (
        <div
          role="tabpanel"
          id="panel-console"
          aria-labelledby="tab-console"
          hidden={!open}
          className="tab-panel console"
          data-testid="console"
        >
          <Suspense fallback={<p className="panel-body dim">Loading the console…</p>}>
            <ConsoleTerminal />
          </Suspense>
        </div>
      )}
    </section>
  );
}
