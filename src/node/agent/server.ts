// The agent's WebSocket server: checks each upgrade request (Host, Origin, token, session cap) before
// any WebSocket exists, then gives each connection a Session of its own.

import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { DoctorReport } from '../../portable/protocol/doctor';
import type { AgentLimits } from '../../portable/protocol/protocol';
import { checkUpgrade, printable } from './auth';
import { Session, type SessionBackend } from './session';

export interface AgentConfig {
  /** 127.0.0.1 unless asked otherwise. */
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly token: string;
  readonly origins: readonly string[];
  readonly limits: AgentLimits;
  readonly maxSessions: number;
  /**
   * Frames above this are cut off by the WebSocket layer itself (close code 1009). Between
   * limits.maxMessageBytes and this, the message is read and answered with a clear error.
   */
  readonly hardMaxPayload: number;
  /** See SessionDeps.maxUnreadBytes. */
  readonly maxUnreadBytes: number;
  readonly createBackend: (session: string) => SessionBackend | Promise<SessionBackend>;
  readonly doctor: () => Promise<DoctorReport>;
  readonly log: (line: string) => void;
}

export const DEFAULT_LIMITS: AgentLimits = {
  maxMessageBytes: 8 << 20,
  maxBatchOps: 50_000,
  maxQueued: 64,
  idleMs: 15 * 60_000,
};

export const DEFAULT_MAX_SESSIONS = 4;
export const DEFAULT_HARD_MAX_PAYLOAD = 16 << 20;
export const DEFAULT_MAX_UNREAD_BYTES = 64 << 20;

export interface RunningAgent {
  /** `ws://127.0.0.1:7317` */
  readonly url: string;
  readonly port: number;
  /** Sessions open or still being disposed. */
  sessionCount(): number;
  /** Resolves once no session is left: every one has ended and been disposed. */
  drained(): Promise<void>;
  /** Closes every session (telling each page why), disposes them, and stops listening. */
  close(reason?: string): Promise<void>;
}

export const isLoopback = (host: string): boolean => /^(127\.\d+\.\d+\.\d+|localhost|::1)$/.test(host);

function refuse(socket: Duplex, status: number, reason: string): void {
  const text = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Service Unavailable'}\r\n` +
      `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}

export async function startAgent(config: AgentConfig): Promise<RunningAgent> {
  const sessions = new Set<Session>();
  let counter = 0;
  let stopping = false;
  const waiters: (() => void)[] = [];
  const policy = { token: config.token, origins: config.origins, loopbackOnly: isLoopback(config.host) };

  const http = createServer((_req, res) => {
    res.writeHead(426, { 'Content-Type': 'text/plain; charset=utf-8', Upgrade: 'websocket' });
    res.end('This is the uffd-playground agent. Open the playground with the URL the agent printed.\n');
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.hardMaxPayload });

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    const origin = req.headers.origin;
    const from = `${req.socket.remoteAddress ?? '?'}${origin ? ` (${printable(origin)})` : ''}`;
    const verdict = checkUpgrade(req, policy);
    if (!verdict.ok) {
      config.log(`refused a connection from ${from}: ${verdict.reason}`);
      return refuse(socket, verdict.status, verdict.reason);
    }
    if (stopping) return refuse(socket, 503, 'the agent is shutting down');
    if (sessions.size >= config.maxSessions) {
      config.log(`refused a connection from ${from}: ${config.maxSessions} sessions already`);
      return refuse(socket, 503, `the agent serves at most ${config.maxSessions} sessions at once`);
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const session = new Session(`s${++counter}`, ws, {
        createBackend: config.createBackend,
        doctor: config.doctor,
        limits: config.limits,
        log: config.log,
        maxUnreadBytes: config.maxUnreadBytes,
      });
      sessions.add(session);
      ws.once(
        'close',
        () =>
          void session.end('disconnected').finally(() => {
            sessions.delete(session);
            if (!sessions.size) for (const wake of waiters.splice(0)) wake();
          }),
      );
      config.log(`session ${session.id}: opened from ${from}`);
    });
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  const hostInUrl = config.host.includes(':') ? `[${config.host}]` : config.host;

  const drained = (): Promise<void> =>
    sessions.size ? new Promise<void>((resolve) => waiters.push(resolve)) : Promise.resolve();

  return {
    url: `ws://${hostInUrl}:${port}`,
    port,
    sessionCount: () => sessions.size,
    drained,
    async close(reason = 'the agent is shutting down') {
      stopping = true;
      await Promise.all([...sessions].map((s) => s.close(reason, 1001)));
      await drained();
      wss.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
