// AgentClient against a scripted socket: what it sends, and how it takes every kind of answer
// (and non-answer). The real WebSocket path is tested with the agent in src/node/agent.

import { describe, expect, it } from 'vitest';
import type { BackendInfo } from '../model/backend';
import { emptySnapshot } from '../model/snapshot';
import { fromWire, toWire } from '../model/wire';
import { AgentClient, AgentError, type WebSocketLike } from './client';
import { PROTOCOL_VERSION, type AgentEvent, type Request } from './protocol';

declare function setTimeout(handler: () => void, ms: number): unknown;

const INFO: BackendInfo = { engine: 'kernel', kernelVersion: '6.18', pageSize: 4096, hugePageSize: 2 << 20 };
const LIMITS = { maxMessageBytes: 2000, maxBatchOps: 10, maxQueued: 4, idleMs: 60_000 };
const SNAPSHOT = emptySnapshot(4096, 2 << 20);

/** A socket whose peer is a function: it sees each request and may answer. */
class ScriptedSocket implements WebSocketLike {
  static last: ScriptedSocket | undefined;
  static script: (req: Request, socket: ScriptedSocket) => void = () => {};
  static opens: boolean | 'never' = true;
  static helloDelayMs = 0;
  readonly url: string;
  readyState = 0;
  sent: Request[] = [];
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  constructor(url: string) {
    this.url = url;
    ScriptedSocket.last = this;
    void Promise.resolve().then(() => {
      if (ScriptedSocket.opens === 'never') return;
      if (ScriptedSocket.opens) {
        this.readyState = 1;
        this.onopen?.({});
      } else {
        this.onerror?.({ message: 'connect ECONNREFUSED 127.0.0.1:7317' });
        this.drop(1006, '');
      }
    });
  }
  send(data: string): void {
    const req = fromWire<Request>(data);
    this.sent.push(req);
    const hello = { type: 'hello', id: req.id, version: PROTOCOL_VERSION, info: INFO, limits: LIMITS };
    if (req.type === 'hello') setTimeout(() => this.reply(hello), ScriptedSocket.helloDelayMs);
    else ScriptedSocket.script(req, this);
  }
  reply(msg: unknown): void {
    void Promise.resolve().then(() =>
      this.onmessage?.({ data: typeof msg === 'string' ? msg : toWire(msg) }),
    );
  }
  drop(code: number, reason: string): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
  close(): void {
    if (this.readyState !== 3) this.drop(1000, '');
  }
}

const connect = (options: Partial<Parameters<typeof AgentClient.connect>[0]> = {}) =>
  AgentClient.connect({ url: 'ws://127.0.0.1:7317', token: 'a b&c', WebSocket: ScriptedSocket, ...options });

const reset = (script: typeof ScriptedSocket.script = () => {}) => {
  ScriptedSocket.script = script;
  ScriptedSocket.opens = true;
  ScriptedSocket.helloDelayMs = 0;
};

describe('AgentClient', () => {
  it('connects with the token in the URL and shakes hands', async () => {
    reset();
    const client = await connect({ client: 'page' });
    expect(ScriptedSocket.last!.url).toBe('ws://127.0.0.1:7317/?token=a%20b%26c');
    expect(ScriptedSocket.last!.sent[0]).toEqual({
      type: 'hello',
      id: 1,
      version: PROTOCOL_VERSION,
      client: 'page',
    });
    expect(client.info()).toEqual(INFO);
    expect(client.limits()).toEqual(LIMITS);
  });

  it('refuses a URL that is not ws:// or wss://', async () => {
    reset();
    await expect(connect({ url: 'http://127.0.0.1:7317' })).rejects.toThrow(
      "the agent URL must look like ws://127.0.0.1:7317; got 'http://127.0.0.1:7317'",
    );
  });

  it('says how to fix a connection that fails', async () => {
    reset();
    ScriptedSocket.opens = false;
    const failure = (await connect().catch((e: unknown) => e)) as AgentError;
    expect(failure).toBeInstanceOf(AgentError);
    expect(failure.code).toBe('connect');
    expect(failure.message).toMatch(
      /^cannot connect to the agent at ws:\/\/127.0.0.1:7317: connect ECONNREFUSED/,
    );
    expect(failure.message).toMatch(/npm run agent/);
  });

  it('gives up when the connection does not open, but lets the hello take its time', async () => {
    reset();
    ScriptedSocket.opens = 'never';
    await expect(connect({ connectTimeoutMs: 10 })).rejects.toMatchObject({
      code: 'connect',
      message: 'no connection to the agent at ws://127.0.0.1:7317 within 10 ms',
    });
    reset();
    ScriptedSocket.helloDelayMs = 30;
    expect((await connect({ connectTimeoutMs: 10 })).info()).toEqual(INFO);
    ScriptedSocket.helloDelayMs = 50;
    await expect(connect({ connectTimeoutMs: 10, timeoutMs: 20 })).rejects.toMatchObject({
      code: 'timeout',
      message: 'the agent did not answer hello within 20 ms',
    });
  });

  it('correlates replies by id, whatever their order', async () => {
    reset((req, socket) => {
      if (req.type !== 'run') return;
      const result = { op: req.op, call: req.op.op, ret: req.id, snapshot: SNAPSHOT };
      // The first request is answered last.
      if (req.id === 2) setTimeout(() => socket.reply({ type: 'result', id: 2, result }), 5);
      else socket.reply({ type: 'result', id: req.id, result });
    });
    const client = await connect();
    const [a, b] = await Promise.all([
      client.run({ op: 'poll', fd: 'u' }),
      client.run({ op: 'close', fd: 'u' }),
    ]);
    expect([a.ret, a.op.op, b.ret, b.op.op]).toEqual([2, 'poll', 3, 'close']);
  });

  it('sends a scenario step as its bare operation', async () => {
    reset((req, socket) =>
      socket.reply({
        type: 'results',
        id: req.id,
        results: [],
        summary: { ops: 1, errnos: 0, usageErrors: 0 },
      }),
    );
    const client = await connect();
    const step = { op: 'poll', fd: 'u', say: 'Is anything there?', expect: { revents: 0 } } as const;
    await client.runBatch([step]);
    expect(ScriptedSocket.last!.sent.at(-1)).toEqual({
      type: 'runBatch',
      id: 2,
      ops: [{ op: 'poll', fd: 'u' }],
      keep: 'all',
    });
  });

  it('rejects with the agent’s error, code and field', async () => {
    reset((req, socket) =>
      socket.reply({
        type: 'error',
        id: req.id,
        code: 'bad-message',
        message: "missing field 'fd'",
        field: 'op.fd',
      }),
    );
    const client = await connect();
    const failure = (await client.run({ op: 'poll', fd: 'u' }).catch((e: unknown) => e)) as AgentError;
    expect(failure).toMatchObject({
      name: 'AgentError',
      code: 'bad-message',
      field: 'op.fd',
      message: "missing field 'fd'",
    });
  });

  it('times a request out and ignores its late reply', async () => {
    let answer: (() => void) | undefined;
    reset((req, socket) => (answer = () => socket.reply({ type: 'reset', id: req.id })));
    const client = await connect({ timeoutMs: 20 });
    await expect(client.reset()).rejects.toMatchObject({
      code: 'timeout',
      message: 'the agent did not answer reset within 20 ms',
    });
    answer!();
    reset((req, socket) => socket.reply({ type: 'reset', id: req.id }));
    await expect(client.reset()).resolves.toBeUndefined();
  });

  it('rejects a request whose reply it cannot read, and keeps the connection', async () => {
    reset((req, socket) =>
      socket.reply(
        req.id === 2
          ? `{"type":"result","id":2,"result":{"ret":"zero"}}`
          : toWire({ type: 'reset', id: req.id }),
      ),
    );
    const client = await connect();
    const failure = (await client.run({ op: 'poll', fd: 'u' }).catch((e: unknown) => e)) as AgentError;
    expect(failure.code).toBe('protocol');
    expect(failure.message).toMatch(/^the agent sent a reply this client cannot read \(result\.op: /);
    await expect(client.reset()).resolves.toBeUndefined();
  });

  it('passes events to listeners, even when one throws', async () => {
    reset((req, socket) => {
      socket.reply({ type: 'readable', uffd: 'uffd', pending: 1, events: 0 });
      socket.reply({ type: 'reset', id: req.id });
    });
    const client = await connect();
    const seen: AgentEvent[] = [];
    client.onEvent(() => {
      throw new Error('a broken listener');
    });
    const off = client.onEvent((e) => seen.push(e));
    await client.reset();
    expect(seen).toEqual([{ type: 'readable', uffd: 'uffd', pending: 1, events: 0 }]);
    off();
    await client.reset();
    expect(seen).toHaveLength(1);
  });

  it('fails pending requests with the reason the agent gave for closing', async () => {
    reset((_req, socket) => {
      socket.reply({ type: 'closing', reason: 'idle for 15 min' });
      void Promise.resolve().then(() => Promise.resolve().then(() => socket.drop(4000, 'idle for 15 min')));
    });
    const client = await connect();
    const closed = new Promise<string>((resolve) => client.onClose(resolve));
    await expect(client.reset()).rejects.toMatchObject({
      code: 'closed',
      message: 'the agent closed the session: idle for 15 min',
    });
    expect(await closed).toBe('the agent closed the session: idle for 15 min');
    expect(client.closed).toBe(true);
    await expect(client.doctor()).rejects.toMatchObject({ code: 'closed' });
  });

  it('refuses locally a request longer than the agent takes', async () => {
    reset();
    const client = await connect();
    const failure = (await client
      .run({ op: 'mmap', as: 'a', kind: 'anon', len: 'x'.repeat(3000) })
      .catch((e: unknown) => e)) as AgentError;
    expect(failure.code).toBe('limit');
    expect(failure.message).toMatch(/the agent takes at most 2000$/);
    expect(ScriptedSocket.last!.sent).toHaveLength(1);
  });

  it('closes the socket on dispose', async () => {
    reset();
    const client = await connect();
    await client.dispose();
    expect(ScriptedSocket.last!.readyState).toBe(3);
    await expect(client.reset()).rejects.toBeInstanceOf(AgentError);
  });
});
