// Connecting to an agent: its URL and token, then its doctor, and the choice of engine.

import { useState } from 'react';
import { useStore } from 'zustand';
import { formatDoctor } from '../../portable/protocol/doctor';
import { Dialog } from '../help/Dialog';
import { createEngine } from '../session/simulator';
import { usePlayground, useSession } from '../state/context';
import { ui } from '../state/ui-store';
import { agentStore, connectAgent, disconnectAgent, runOnKernel, runOnSimulator } from './agent';

function AgentPanel() {
  const pg = usePlayground();
  const agent = useStore(agentStore);
  const engine = useSession((s) => s.info.engine);
  const busy = useSession((s) => s.busy);
  const [url, setUrl] = useState(agent.url);
  const [token, setToken] = useState('');

  const connect = (e: React.FormEvent) => {
    e.preventDefault();
    void connectAgent(pg, { url, token, WebSocket, simulator: createEngine, useKernel: true });
  };

  return (
    <div className="agent" data-testid="agent">
      <p>
        The agent runs the same operations on this machine’s real kernel. Start it with{' '}
        <code>npm run agent</code>; it prints a URL with a token that opens this page connected.
      </p>
      {agent.status !== 'connected' && (
        <form onSubmit={connect} className="agent-form">
          <label className="form-row">
            <span>agent URL</span>
            <input
              type="text"
              className="mono"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              data-testid="agent.url"
            />
          </label>
          <label className="form-row">
            <span>token</span>
            <input
              type="text"
              className="mono"
              value={token}
              onChange={(e) => setToken(e.target.value)}
              data-testid="agent.token"
            />
          </label>
          <button
            className="btn primary"
            type="submit"
            disabled={agent.status === 'connecting' || !token}
            data-testid="agent.connect"
          >
            {agent.status === 'connecting' ? 'connecting…' : 'connect'}
          </button>
        </form>
      )}
      {agent.error && (
        <p className="error-text" role="alert" data-testid="agent.error">
          {agent.error}
        </p>
      )}
      {agent.status === 'connected' && (
        <>
          <p data-testid="agent.status">
            Connected to <code>{agent.url}</code>: Linux {agent.doctor?.kernel.release}. The session runs on
            the <strong>{engine === 'kernel' ? 'real kernel' : 'simulator'}</strong>.
          </p>
          <div className="form-actions">
            {engine === 'kernel' ? (
              <button
                className="btn"
                disabled={busy}
                onClick={() => void runOnSimulator(pg, createEngine)}
                data-testid="agent.use-simulator"
              >
                run on the simulator ({agent.version})
              </button>
            ) : (
              <button
                className="btn primary"
                disabled={busy}
                onClick={() => void runOnKernel(pg)}
                data-testid="agent.use-kernel"
              >
                run on the real kernel
              </button>
            )}
            <button className="btn" onClick={() => ui.open('compare')} data-testid="agent.compare">
              compare simulated and real
            </button>
            <button
              className="btn"
              onClick={() => void disconnectAgent(pg, createEngine)}
              data-testid="agent.disconnect"
            >
              disconnect
            </button>
          </div>
          {agent.doctor && (
            <pre className="doctor mono" data-testid="agent.doctor">
              {formatDoctor(agent.doctor).join('\n')}
            </pre>
          )}
        </>
      )}
    </div>
  );
}

export function AgentDialog() {
  return (
    <Dialog id="agent" title="Real kernel (agent)">
      <AgentPanel />
    </Dialog>
  );
}
