// The connection to an agent: the real kernel behind the same Backend interface. The page connects
// from its URL (`?agent=ws://127.0.0.1:7317&token=...`) or from the agent dialog; the session can then
// run on the real kernel, and be compared step by step with the simulator.

import { createStore } from 'zustand/vanilla';
import { AgentClient, type WebSocketConstructor } from '../../portable/protocol/client';
import type { DoctorReport } from '../../portable/protocol/doctor';
import { DEFAULT_AGENT_PORT } from '../../portable/protocol/protocol';
import type { Engine, EngineFactory } from '../session/engine';
import type { Playground } from '../state/store';

export type AgentStatus = 'off' | 'connecting' | 'connected' | 'failed';

export interface AgentState {
  readonly status: AgentStatus;
  readonly url: string;
  readonly error?: string;
  readonly doctor?: DoctorReport;
  /** The agent's kernel, major.minor. */
  readonly version?: string;
}

export const DEFAULT_AGENT_URL = `ws://127.0.0.1:${DEFAULT_AGENT_PORT}`;

export const agentStore = createStore<AgentState>()(() => ({ status: 'off', url: DEFAULT_AGENT_URL }));

/** The agent's doctor found userfaultfd(2) refused unless it is given UFFD_USER_MODE_ONLY. */
export function userModeOnlyAgent(a: AgentState): boolean {
  const way = (w: string) => a.doctor?.access.find((x) => x.way === w);
  return way('syscall')?.usable === false && way('syscall-user-mode-only')?.usable === true;
}

let client: AgentClient | undefined;

/** The agent as the session's engine. Leaving it resets its session (threads released, areas unmapped), but keeps the connection. */
function agentEngine(c: AgentClient): Engine {
  return {
    info: () => c.info(),
    run: (op) => c.run(op),
    runBatch: (ops) => c.runBatch(ops),
    reset: () => c.reset(),
    dispose: () => c.reset().catch(() => undefined),
  };
}

const TOKEN_KEY = 'uffd-playground.agent-token';

interface PageLocation {
  readonly href: string;
}

/**
 * The agent the page was opened for, taking the token out of the address bar: it would otherwise stay
 * in the history and in links copied from it. The tab keeps it (sessionStorage) so a reload reconnects.
 */
export function takeAgentFromLocation(
  location: PageLocation,
  history: Pick<History, 'replaceState'>,
  tab: Pick<Storage, 'getItem' | 'setItem'>,
): { url: string; token: string } | undefined {
  const here = new URL(location.href);
  const url = here.searchParams.get('agent');
  if (!url) return undefined;
  const token = here.searchParams.get('token');
  if (token) {
    tab.setItem(TOKEN_KEY, JSON.stringify({ url, token }));
    here.searchParams.delete('token');
    history.replaceState(null, '', here.href);
    return { url, token };
  }
  try {
    const kept = JSON.parse(tab.getItem(TOKEN_KEY) ?? 'null') as { url?: unknown; token?: unknown } | null;
    if (kept && kept.url === url && typeof kept.token === 'string') return { url, token: kept.token };
  } catch {
    // A damaged entry is the same as none: the dialog asks for the token.
  }
  return undefined;
}

export interface ConnectOptions {
  readonly url: string;
  readonly token: string;
  readonly WebSocket: WebSocketConstructor;
  /** The simulator, to go back to when the agent goes away. */
  readonly simulator: EngineFactory;
  /** Run the session on the real kernel straight away. */
  readonly useKernel: boolean;
}

export async function connectAgent(pg: Playground, opts: ConnectOptions): Promise<void> {
  await disconnectAgent(pg, opts.simulator);
  agentStore.setState({ status: 'connecting', url: opts.url, error: undefined, doctor: undefined });
  try {
    const c = await AgentClient.connect({
      url: opts.url,
      token: opts.token,
      WebSocket: opts.WebSocket,
      client: 'uffd-playground page',
    });
    client = c;
    const doctor = await c.doctor();
    agentStore.setState({ status: 'connected', doctor, version: doctor.kernel.version });
    c.onClose((reason) => {
      if (client !== c) return;
      client = undefined;
      agentStore.setState({ status: 'failed', error: reason });
      if (pg.store.getState().info.engine === 'kernel') {
        void pg.store.getState().actions.setEngine(opts.simulator, pg.store.getState().kernel);
      }
    });
    if (opts.useKernel) await runOnKernel(pg);
  } catch (e) {
    client = undefined;
    agentStore.setState({ status: 'failed', error: e instanceof Error ? e.message : String(e) });
  }
}

/** Runs the session on the real kernel through the connected agent. */
export async function runOnKernel(pg: Playground): Promise<void> {
  const c = client;
  if (!c) return;
  await pg.store
    .getState()
    .actions.setEngine(() => agentEngine(c), agentStore.getState().version ?? c.info().kernelVersion);
}

/** Back to the simulator, with the agent's kernel version as the profile when there is one. */
export async function runOnSimulator(pg: Playground, simulator: EngineFactory): Promise<void> {
  const version = agentStore.getState().version ?? pg.store.getState().kernel;
  await pg.store.getState().actions.setEngine(simulator, version);
}

export async function disconnectAgent(pg: Playground, simulator: EngineFactory): Promise<void> {
  const c = client;
  client = undefined;
  if (pg.store.getState().info.engine === 'kernel') await runOnSimulator(pg, simulator);
  agentStore.setState({ status: 'off', error: undefined, doctor: undefined, version: undefined });
  await c?.dispose();
}

/** The agent as the other engine of a comparison, when the session runs on the simulator. */
export const agentForComparison = (): Engine | undefined => (client ? agentEngine(client) : undefined);

/** The connected client, for the comparison. */
export const agentClient = (): AgentClient | undefined => client;
