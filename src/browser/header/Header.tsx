// The top bar: the title, the kernel profile, the engine, and the session's controls.

import { useState } from 'react';
import { useActions, usePlayground, useSession, useUi } from '../state/context';
import { savedSession } from '../state/store';
import { shareLink } from '../state/persist';
import { ui } from '../state/ui-store';
import { KernelPicker } from './KernelPicker';
import { useStore } from 'zustand';
import { agentStore } from '../agent/agent';

export function Header() {
  const actions = useActions();
  const pg = usePlayground();
  const info = useSession((s) => s.info);
  const scenario = useSession((s) => s.scenario);
  const theme = useUi((s) => s.theme);
  const agent = useStore(agentStore);
  const [shared, setShared] = useState<string | undefined>();

  const share = async () => {
    const link = await shareLink(savedSession(pg.store.getState()), window.location);
    history.replaceState(null, '', link);
    try {
      await navigator.clipboard.writeText(link);
      setShared('link copied');
    } catch {
      setShared('link in the address bar');
    }
    setTimeout(() => setShared(undefined), 3000);
  };

  return (
    <header className="app-header">
      <h1>
        uffd<span className="dim">-playground</span>
      </h1>
      <KernelPicker extra={agent.version} disabled={info.engine === 'kernel'} />
      <button
        className="chip engine-chip"
        onClick={() => ui.open('agent')}
        data-testid="header.engine"
        title="What runs the operations; connect an agent for the real kernel"
      >
        {info.engine === 'simulator' ? 'simulated kernel' : `real kernel ${info.kernelVersion}`}
        {agent.status === 'connected'
          ? ' · agent connected'
          : agent.status === 'failed'
            ? ' · agent lost'
            : ''}
      </button>
      {scenario && (
        <span className="chip scenario-chip" data-testid="header.scenario" title={scenario.title}>
          scenario: {scenario.title}
        </span>
      )}
      <span className="spacer" />
      <button className="btn" onClick={() => ui.open('library')} data-testid="header.library">
        scenarios
      </button>
      <button className="btn" onClick={() => void actions.newSession()} data-testid="header.new">
        new session
      </button>
      <button
        className="btn"
        onClick={() => void actions.goTo(0)}
        data-testid="header.reset"
        title="Back to step 0; the steps stay"
      >
        reset
      </button>
      <button className="btn" onClick={() => void share()} data-testid="header.share">
        {shared ?? 'share link'}
      </button>
      <button
        className="btn"
        onClick={() => ui.toggleTheme()}
        aria-label={`Switch to the ${theme === 'dark' ? 'light' : 'dark'} theme`}
        data-testid="header.theme"
      >
        {theme === 'dark' ? '☀' : '☾'}
      </button>
      <button
        className="btn"
        onClick={() => ui.open('shortcuts')}
        aria-label="Keyboard shortcuts"
        data-testid="header.help"
      >
        ?
      </button>
    </header>
  );
}
