// The page's side of the agent: a Backend over a WebSocket. It correlates replies by id, checks every
// message it receives, surfaces the agent's events, times requests out, and turns every failure into
// an AgentError that says what happened.

import type { Backend, BackendInfo } from '../model/backend';
import type { Operation } from '../model/operation';
import type { Result } from '../model/result';
import { toWire } from '../model/wire';
import type { DoctorReport } from './doctor';
import { formatDuration } from './duration';
import {
  PROTOCOL_VERSION,
  type AgentEvent,
  type AgentLimits,
  type BatchKeep,
  type BatchSummary,
  type ErrorCode,
  type Reply,
  type Request,
  type RequestId,
} from './protocol';
import { parseServerMessage } from './schema';

// Every runtime the client runs in (the page, Node) has timers, but portable code is compiled without
// DOM or Node types; declaring them here keeps them out of the rest of the portable code (the
// simulator has no clock).
declare function setTimeout(handler: () => void, ms: number): unknown;
declare function clearTimeout(handle: unknown): void;

type Handler<E> = { bivarianceHack(ev: E): void }['bivarianceHack'];

/** What the client needs of a WebSocket. The page passes `window.WebSocket`; Node passes `ws`'s. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: Handler<unknown> | null;
  onmessage: Handler<{ readonly data: unknown }> | null;
  onclose: Handler<{ readonly code: number; readonly reason: string }> | null;
  onerror: Handler<unknown> | null;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface AgentClientOptions {
  /** `ws://127.0.0.1:7317` */
  readonly url: string;
  /** The token the agent printed. */
  readonly token: string;
  readonly WebSocket: WebSocketConstructor;
  /** How long a request may wait for its reply; default 30 s. */
  readonly timeoutMs?: number;
  /** How long opening the connection may take; default 5 s. The hello then has `timeoutMs`, as the agent sets up the session. */
  readonly connectTimeoutMs?: number;
  /** Shown in the agent's console. */
  readonly client?: string;
}

export type AgentErrorCode = ErrorCode | 'connect' | 'timeout' | 'protocol';

export class AgentError extends Error {
  override name = 'AgentError';
  readonly code: AgentErrorCode;
  /** The request field at fault, when the agent named one. */
  readonly field?: string;
  constructor(code: AgentErrorCode, message: string, field?: string) {
    super(message);
    this.code = code;
    if (field !== undefined) this.field = field;
  }
}

interface Pending {
  readonly expect: Reply['type'];
  readonly resolve: (reply: Reply) => void;
  readonly reject: (error: AgentError) => void;
  readonly timer: unknown;
}

const OPEN = 1;
const STEP_ONLY_KEYS = ['say', 'expect'];

/** A scenario step is an operation with narration and expectations; the agent wants the operation. */
function bareOperation(op: Operation): Operation {
  if (!STEP_ONLY_KEYS.some((k) => k in op)) return op;
  const copy: Record<string, unknown> = { ...op };
  for (const k of STEP_ONLY_KEYS) delete copy[k];
  return copy as Operation;
}

/** `ws://host:port/?token=...`: the agent refuses a connection without it before upgrading. */
function connectUrl(url: string, token: string): string {
  if (!/^wss?:\/\/[^/?#]+/.test(url)) {
    throw new AgentError('connect', `the agent URL must look like ws://127.0.0.1:7317; got '${url}'`);
  }
  const base = /^wss?:\/\/[^/?#]+$/.test(url) ? `${url}/` : url;
  return `${base}${base.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}

export class AgentClient implements Backend {
  private readonly socket: WebSocketLike;
  private readonly timeoutMs: number;
  private readonly pending = new Map<RequestId, Pending>();
  private readonly eventListeners = new Set<(event: AgentEvent) => void>();
  private readonly closeListeners = new Set<(reason: string) => void>();
  private nextId = 1;
  private closedReason: string | undefined;
  private closingReason: string | undefined;
  private helloReply: Extract<Reply, { type: 'hello' }> | undefined;

  private constructor(socket: WebSocketLike, timeoutMs: number) {
    this.socket = socket;
    this.timeoutMs = timeoutMs;
  }

  /** Opens the connection and shakes hands; rejects with an AgentError saying what went wrong. */
  static connect(options: AgentClientOptions): Promise<AgentClient> {
    const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    const where = options.url;
    return new Promise<AgentClient>((resolve, reject) => {
      let socket: WebSocketLike;
      try {
        socket = new options.WebSocket(connectUrl(options.url, options.token));
      } catch (e) {
        reject(
          e instanceof AgentError ? e : new AgentError('connect', `cannot connect to ${where}: ${String(e)}`),
        );
        return;
      }
      const client = new AgentClient(socket, options.timeoutMs ?? 30_000);
      let settled = false;
      const fail = (message: string, code: AgentErrorCode = 'connect') => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.close();
        reject(new AgentError(code, message));
      };
      const timer = setTimeout(
        () => fail(`no connection to the agent at ${where} within ${formatDuration(connectTimeoutMs)}`),
        connectTimeoutMs,
      );
      socket.onerror = (ev) => {
        const detail = (ev as { message?: unknown } | null)?.message;
        fail(
          `cannot connect to the agent at ${where}` +
            (typeof detail === 'string' && detail ? `: ${detail}` : '') +
            ". Is `npm run agent` running there, and are the URL, the token and this page's origin the ones it printed?",
        );
      };
      socket.onclose = (ev) =>
        fail(
          `the agent at ${where} closed the connection before the handshake` +
            (ev.reason
              ? `: ${ev.reason}`
              : ' (a wrong token or an origin it does not allow; its console says which)'),
        );
      socket.onopen = () => {
        clearTimeout(timer);
        client.listen();
        client
          .request(
            { type: 'hello', id: client.takeId(), version: PROTOCOL_VERSION, client: options.client },
            'hello',
          )
          .then((reply) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            client.helloReply = reply as Extract<Reply, { type: 'hello' }>;
            resolve(client);
          })
          .catch((e: AgentError) => fail(e.message, e.code));
      };
    });
  }

  private takeId(): RequestId {
    return this.nextId++;
  }

  private listen(): void {
    this.socket.onmessage = (ev) => this.receive(ev.data);
    this.socket.onerror = () => {};
    this.socket.onclose = (ev) => {
      const reason = this.closingReason ?? (ev.reason || `connection closed (code ${ev.code})`);
      this.shutDown(`the agent closed the session: ${reason}`);
    };
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') {
      this.shutDown('the agent sent a binary frame; this client speaks JSON text');
      return;
    }
    const parsed = parseServerMessage(data);
    if (!parsed.ok) {
      const id = /"id":(\d+)/.exec(data)?.[1];
      const pending = id === undefined ? undefined : this.pending.get(Number(id));
      const message = `the agent sent a reply this client cannot read (${parsed.error}); are both on protocol version ${PROTOCOL_VERSION}?`;
      if (pending) this.settle(Number(id), undefined, new AgentError('protocol', message));
      else this.shutDown(message);
      return;
    }
    const msg = parsed.value;
    if (!('id' in msg)) {
      if (msg.type === 'closing') this.closingReason = msg.reason;
      for (const listener of this.eventListeners) {
        try {
          listener(msg);
        } catch {
          // A listener's failure is its own; the connection carries on.
        }
      }
      return;
    }
    if (msg.id === null) return;
    if (msg.type === 'error') {
      this.settle(msg.id, undefined, new AgentError(msg.code, msg.message, msg.field));
    } else {
      this.settle(msg.id, msg);
    }
  }

  private settle(id: RequestId, reply: Reply | undefined, error?: AgentError): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    if (error) p.reject(error);
    else if (reply && reply.type === p.expect) p.resolve(reply);
    else p.reject(new AgentError('protocol', `expected a '${p.expect}' reply, got '${reply?.type}'`));
  }

  private shutDown(reason: string): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    for (const id of [...this.pending.keys()]) this.settle(id, undefined, new AgentError('closed', reason));
    if (this.socket.readyState === OPEN) this.socket.close(1000);
    for (const listener of this.closeListeners) {
      try {
        listener(reason);
      } catch {
        // As for events.
      }
    }
  }

  private request(req: Request, expect: Reply['type']): Promise<Reply> {
    if (this.closedReason !== undefined) return Promise.reject(new AgentError('closed', this.closedReason));
    const text = toWire(req);
    const max = this.helloReply?.limits.maxMessageBytes;
    // UTF-8 never takes fewer bytes than UTF-16 code units, so this never refuses what would fit.
    if (max !== undefined && text.length > max) {
      return Promise.reject(
        new AgentError('limit', `the request is over ${text.length} bytes; the agent takes at most ${max}`),
      );
    }
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          this.settle(
            req.id,
            undefined,
            new AgentError(
              'timeout',
              `the agent did not answer ${req.type} within ${formatDuration(this.timeoutMs)}`,
            ),
          ),
        this.timeoutMs,
      );
      this.pending.set(req.id, { expect, resolve, reject, timer });
      this.socket.send(text);
    });
  }

  info(): BackendInfo {
    return this.hello.info;
  }

  /** The agent's caps, as it told them at the handshake. */
  limits(): AgentLimits {
    return this.hello.limits;
  }

  private get hello(): Extract<Reply, { type: 'hello' }> {
    if (!this.helloReply) throw new AgentError('connect', 'not connected yet');
    return this.helloReply;
  }

  async run(op: Operation): Promise<Result> {
    const reply = await this.request({ type: 'run', id: this.takeId(), op: bareOperation(op) }, 'result');
    return (reply as Extract<Reply, { type: 'result' }>).result;
  }

  async runBatch(ops: readonly Operation[]): Promise<Result[]> {
    return [...(await this.batch(ops, 'all')).results];
  }

  /** A batch, keeping every result or only the last (for long loops), with counts of what failed. */
  async batch(
    ops: readonly Operation[],
    keep: BatchKeep,
  ): Promise<{ results: readonly Result[]; summary: BatchSummary }> {
    const reply = await this.request(
      { type: 'runBatch', id: this.takeId(), ops: ops.map(bareOperation), keep },
      'results',
    );
    const { results, summary } = reply as Extract<Reply, { type: 'results' }>;
    return { results, summary };
  }

  async reset(): Promise<void> {
    await this.request({ type: 'reset', id: this.takeId() }, 'reset');
  }

  async doctor(): Promise<DoctorReport> {
    const reply = await this.request({ type: 'doctor', id: this.takeId() }, 'doctor');
    return (reply as Extract<Reply, { type: 'doctor' }>).doctor;
  }

  /** Closes the connection; the agent then disposes of the session (uffds closed, threads joined, areas unmapped). */
  async dispose(): Promise<void> {
    this.shutDown('the client closed the session');
  }

  /** Events as they come; returns the unsubscribe. */
  onEvent(listener: (event: AgentEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Called once when the connection ends, with why. */
  onClose(listener: (reason: string) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  get closed(): boolean {
    return this.closedReason !== undefined;
  }
}
