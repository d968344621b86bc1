import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { connectAgent, takeAgentFromLocation } from './agent/agent';
import { boot } from './boot';
import { createEngine } from './session/simulator';
import './styles/theme.css';
import './styles/app.css';
import './styles/grid.css';
import './styles/panels.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

const { playground, problem, flush } = await boot({
  createEngine,
  storage: localStorage,
  hash: location.hash,
});
addEventListener('pagehide', flush);
const notice = problem ? `The saved session was not restored (${problem}); this is a new one.` : undefined;
createRoot(root).render(
  <StrictMode>
    <App playground={playground} {...(notice ? { notice } : {})} />
  </StrictMode>,
);
const agent = takeAgentFromLocation(location, history, sessionStorage);
if (agent) {
  void connectAgent(playground, { ...agent, WebSocket, simulator: createEngine, useKernel: true });
}
requestAnimationFrame(() => {
  document.documentElement.dataset.ready = 'true';
  performance.mark('app.interactive');
});
