// The one screen: header and narration on top; the memory grid, threads and fault queue on the left;
// the monitor on the right; the timeline and the console below.

import { useEffect, useState } from 'react';
import { AgentDialog } from './agent/AgentDialog';
import { CompareDialog } from './agent/CompareDialog';
import { SidePanel } from './SidePanel';
import { FaultQueue } from './queue/FaultQueue';
import { Legend } from './grid/Legend';
import { PageGrid } from './grid/PageGrid';
import { Header } from './header/Header';
import { ShortcutsDialog } from './help/Shortcuts';
import { useShortcuts } from './help/use-shortcuts';
import { LibraryDialog } from './library/Library';
import { useUi } from './state/context';
import { PlaygroundProvider } from './state/Provider';
import type { Playground } from './state/store';
import { ui } from './state/ui-store';
import { Threads } from './threads/Threads';
import { Narration } from './timeline/Narration';
import { StepLog, Timeline } from './timeline/Timeline';

function Memory() {
  const zoom = useUi((s) => s.zoom);
  return (
    <section className="panel memory" aria-labelledby="memory-title" data-testid="memory">
      <div className="panel-head">
        <h2 id="memory-title">Memory</h2>
        <span className="spacer" />
        <button
          className="btn small"
          onClick={() => ui.zoom(1 / 1.25)}
          aria-label="Smaller cells"
          disabled={zoom <= 0.5}
        >
          −
        </button>
        <button
          className="btn small"
          onClick={() => ui.zoom(1.25)}
          aria-label="Bigger cells"
          disabled={zoom >= 2}
        >
          +
        </button>
      </div>
      <Legend />
      <PageGrid />
    </section>
  );
}

function Notice({ text }: { text: string }) {
  const [shown, setShown] = useState(true);
  if (!shown) return null;
  return (
    <p className="notice" role="alert" data-testid="app.notice">
      {text}{' '}
      <button className="btn small" onClick={() => setShown(false)}>
        dismiss
      </button>
    </p>
  );
}

function Playground({ notice }: { notice?: string }) {
  useShortcuts();
  const theme = useUi((s) => s.theme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  return (
    <div className="app">
      <Header />
      {notice && <Notice text={notice} />}
      <Narration />
      <main className="app-main">
        <div className="app-left">
          <Memory />
          <div className="app-lower">
            <Threads />
            <FaultQueue />
          </div>
        </div>
        <SidePanel />
      </main>
      <div className="app-bottom">
        <Timeline />
        <details className="panel step-log-panel">
          <summary>steps</summary>
          <StepLog />
        </details>
      </div>
      <ShortcutsDialog />
      <LibraryDialog />
      <AgentDialog />
      <CompareDialog />
    </div>
  );
}

export function App({ playground, notice }: { playground: Playground; notice?: string }) {
  return (
    <PlaygroundProvider playground={playground}>
      <Playground {...(notice ? { notice } : {})} />
    </PlaygroundProvider>
  );
}
