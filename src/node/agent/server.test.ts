// The agent over a real WebSocket on loopback: who may connect, what every kind of bad input gets
// back, the caps, the idle timeout, and that ending a session disposes of its backend.

import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { AgentError } from '../../portable/protocol/client';
import { PROTOCOL_VERSION } from '../../portable/protocol/protocol';
import { DEFAULT_LIMITS } from './server';
import {
  connect,
  exchange,
  FAKE_DOCTOR,
  isDisposed,
  rawSocket,
  startTestAgent,
  TEST_TOKEN,
  wrapped,
  type TestAgent,
} from './testing';

let agent: TestAgent | undefined;
afterEach(async () => {
  await agent?.close();
  agent = undefined;
});

const start = async (overrides: Parameters<typeof startTestAgent>[0] = {}) =>
  (agent = await startTestAgent(overrides));

const hello = JSON.stringify({ type: 'hello', id: 1, version: PROTOCOL_VERSION });

/** The status an upgrade request is refused with. */
function refusal(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('open', () => {
      ws.close();
      reject(new Error('the agent accepted the connection'));
    });
    ws.once('error', () => {});
  });
}

describe('who may connect', () => {
  it('accepts the token, with the page origin or with no Origin at all', async () => {
    const a = await start();
    const page = await rawSocket(a, { origin: 'http://127.0.0.1:5173' });
    expect((await exchange(page, hello)).type).toBe('hello');
    const cli = await rawSocket(a);
    expect((await exchange(cli, hello)).type).toBe('hello');
    page.close();
    cli.close();
  });

  it('refuses a missing or wrong token before upgrading, and logs why', async () => {
    const a = await start();
    expect(await refusal(`${a.url}/`)).toBe(401);
    expect(await refusal(`${a.url}/?token=nope`)).toBe(401);
    expect(await refusal(`${a.url}/?token=${TEST_TOKEN}x`)).toBe(401);
    expect(a.lines.filter((l) => l.includes('refused'))).toHaveLength(3);
    expect(a.lines.join('\n')).toContain('wrong token');
  });

  it('refuses a page from another origin even with the token', async () => {
    const a = await start();
    const url = `${a.url}/?token=${TEST_TOKEN}`;
    expect(await refusal(url, { Origin: 'https://evil.example' })).toBe(403);
    expect(await refusal(url, { Origin: 'null' })).toBe(403);
    expect(a.lines.at(-1)).toContain("Origin 'null' is not allowed");
  });

  it('refuses a Host that is not this machine (DNS rebinding)', async () => {
    const a = await start();
    expect(await refusal(`${a.url}/?token=${TEST_TOKEN}`, { Host: `evil.example:${a.port}` })).toBe(403);
  });

  it('answers a plain HTTP request without the token', async () => {
    const a = await start();
    const res = await fetch(`http://127.0.0.1:${a.port}/`);
    expect(res.status).toBe(426);
    expect(await res.text()).not.toContain(TEST_TOKEN);
  });

  it('serves at most maxSessions at once', async () => {
    const a = await start({ maxSessions: 2 });
    const one = await connect(a);
    const two = await connect(a);
    expect(await refusal(`${a.url}/?token=${TEST_TOKEN}`)).toBe(503);
    await one.dispose();
    await waitFor(() => a.sessionCount() === 1);
    const three = await connect(a);
    expect(three.info().engine).toBe('kernel');
    await two.dispose();
    await three.dispose();
  });

  it('tells the client plainly when the token is wrong', async () => {
    const a = await start();
    const failure = await connect(a, 'wrong').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AgentError);
    expect((failure as AgentError).code).toBe('connect');
    expect((failure as AgentError).message).toMatch(/401/);
  });
});

describe('the handshake', () => {
  it('wants hello first, once, with the same protocol version', async () => {
    const a = await start();
    const ws = await rawSocket(a);
    const early = await exchange(ws, JSON.stringify({ type: 'reset', id: 7 }));
    expect(early).toMatchObject({ type: 'error', id: 7, code: 'no-hello' });
    const wrong = await exchange(ws, JSON.stringify({ type: 'hello', id: 8, version: 99 }));
    expect(wrong).toMatchObject({ type: 'error', id: 8, code: 'bad-version' });
    expect(await exchange(ws, hello)).toMatchObject({ type: 'hello', id: 1, version: PROTOCOL_VERSION });
    const again = await exchange(ws, JSON.stringify({ type: 'hello', id: 9, version: PROTOCOL_VERSION }));
    expect(again).toMatchObject({ type: 'error', id: 9, code: 'no-hello' });
    ws.close();
  });

  it('reports a session that cannot start, without a stack trace', async () => {
    const a = await start({
      createBackend: () => {
        throw new Error('no region free at 0x100000000000\n    at place (executor.ts:1:1)');
      },
    });
    const failure = (await connect(a).catch((e: unknown) => e)) as AgentError;
    expect(failure.code).toBe('internal');
    expect(failure.message).toBe('the session could not start: no region free at 0x100000000000');
  });
});

describe('bad input', () => {
  it('answers each with an error naming the field and keeps serving', async () => {
    const a = await start();
    const ws = await rawSocket(a);
    await exchange(ws, hello);
    const cases: [string, Record<string, unknown>][] = [
      ['not json', { id: null, code: 'bad-message' }],
      ['{"type":"run","id":3,"op":{"op":"mmapp"}}', { id: 3, field: 'op.op' }],
      [
        '{"type":"run","id":4,"op":{"op":"mmap","as":"a","kind":"anon","len":1e300}}',
        { id: 4, field: 'op.len' },
      ],
      [
        '{"type":"runBatch","id":5,"ops":[{"op":"poll","fd":"u"},{"op":"poll"}]}',
        { id: 5, field: 'ops[1].fd' },
      ],
      [`${'['.repeat(5000)}${']'.repeat(5000)}`, { id: null, code: 'bad-message' }],
    ];
    for (const [text, want] of cases) {
      const reply = await exchange(ws, text);
      expect(reply).toMatchObject({ type: 'error', ...want });
      expect(String(reply.message)).not.toMatch(/\n\s+at /);
    }
    const ok = await exchange(ws, '{"type":"run","id":6,"op":{"op":"poll","fd":"u"}}');
    expect(ok).toMatchObject({ type: 'result', id: 6 });
    ws.close();
  });

  it('refuses a binary frame', async () => {
    const a = await start();
    const ws = await rawSocket(a);
    const reply = await new Promise<Record<string, unknown>>((resolve) => {
      ws.once('message', (d) => resolve(JSON.parse(String(d)) as Record<string, unknown>));
      ws.send(Buffer.from(hello), { binary: true });
    });
    expect(reply).toMatchObject({
      type: 'error',
      code: 'bad-message',
      message: expect.stringMatching(/binary/),
    });
    ws.close();
  });

  it('answers an oversized message with an error, and cuts off one past the hard cap', async () => {
    const limits = { ...DEFAULT_LIMITS, maxMessageBytes: 64 << 10 };
    const a = await start({ limits, hardMaxPayload: 256 << 10 });
    const ws = await rawSocket(a);
    const big = await exchange(ws, JSON.stringify({ type: 'doctor', id: 1, pad: 'x'.repeat(100 << 10) }));
    expect(big).toMatchObject({ type: 'error', code: 'limit', message: expect.stringMatching(/65536/) });
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('x'.repeat(300 << 10));
    expect(await closed).toBe(1009);
    const again = await connect(a);
    expect(again.info().pageSize).toBe(4096);
    await again.dispose();
  });

  it('caps the operations in a batch', async () => {
    const a = await start({ limits: { ...DEFAULT_LIMITS, maxBatchOps: 10 } });
    const client = await connect(a);
    const ops = Array.from({ length: 11 }, () => ({ op: 'poll', fd: 'u' }) as const);
    const failure = (await client.runBatch(ops).catch((e: unknown) => e)) as AgentError;
    expect(failure).toMatchObject({ code: 'limit', field: 'ops' });
    expect(failure.message).toBe('a batch has at most 10 operations; this one has 11');
    // Ten is fine: the executor refuses each (no fd named u), and the summary counts them.
    const { results, summary } = await client.batch(ops.slice(1), 'all');
    expect(results).toHaveLength(10);
    expect(summary).toEqual({ ops: 10, errnos: 0, usageErrors: 10 });
    await client.dispose();
  });

  it('caps the requests waiting in a session', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = () => wrapped((real) => ({ run: async (op) => (await gate, real.run(op)) }));
    const a = await start({ limits: { ...DEFAULT_LIMITS, maxQueued: 3 }, createBackend: slow });
    const client = await connect(a);
    const runs = Array.from({ length: 6 }, () =>
      client.run({ op: 'poll', fd: 'u' }).then(
        () => 'ok',
        (e: AgentError) => e.code,
      ),
    );
    setTimeout(release, 50);
    // One runs, three wait; the other two are refused.
    expect((await Promise.all(runs)).sort()).toEqual(['limit', 'limit', 'ok', 'ok', 'ok', 'ok']);
    await client.dispose();
  });

  it('turns a backend failure into an error reply and carries on', async () => {
    const broken = () =>
      wrapped((real) => ({
        run: async (op) => {
          if (op.op === 'close') throw new TypeError('cannot read properties of undefined');
          return real.run(op);
        },
      }));
    const a = await start({ createBackend: broken });
    const client = await connect(a);
    const failure = (await client.run({ op: 'close', fd: 'u' }).catch((e: unknown) => e)) as AgentError;
    expect(failure).toMatchObject({
      code: 'internal',
      message: 'run failed in the agent: cannot read properties of undefined',
    });
    expect((await client.run({ op: 'mmap', as: 'a', kind: 'anon', len: '1p' })).ret).not.toBe(-1);
    expect(a.lines.join('\n')).toContain('TypeError');
    await client.dispose();
  });
});

describe('a page that never reads', () => {
  it('is cut off once too many replies pile up, and its session disposed', async () => {
    const doctor = {
      ...FAKE_DOCTOR,
      cannot: Array.from({ length: 1000 }, (_, i) => `thing ${i} `.repeat(10)),
    };
    const a = await start({
      doctor: async () => doctor,
      maxUnreadBytes: 1 << 20,
      limits: { ...DEFAULT_LIMITS, maxQueued: 1000 },
    });
    const ws = await rawSocket(a);
    await exchange(ws, hello);
    ws.pause();
    for (let id = 2; id < 400; id++) ws.send(JSON.stringify({ type: 'doctor', id }));
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    await a.drained();
    ws.resume();
    // The close frame sits behind the unread replies, so the socket is usually cut (1006) before it.
    expect([4001, 1006]).toContain(await closed);
    expect(await isDisposed(a.backends[0]!)).toBe(true);
    expect(a.lines.join('\n')).toContain('the page is not reading the replies');
  });
});

describe('a session', () => {
  it('is disposed when the client disconnects', async () => {
    const a = await start();
    const client = await connect(a);
    await client.run({ op: 'mmap', as: 'a', kind: 'anon', len: '1p' });
    await client.dispose();
    await a.drained();
    expect(await isDisposed(a.backends[0]!)).toBe(true);
  });

  it('is closed and disposed after the idle timeout, telling the client why', async () => {
    const a = await start({ limits: { ...DEFAULT_LIMITS, idleMs: 100 } });
    const client = await connect(a);
    const reason = await new Promise<string>((resolve) => client.onClose(resolve));
    expect(reason).toBe('the agent closed the session: idle for 100 ms');
    await a.drained();
    expect(await isDisposed(a.backends[0]!)).toBe(true);
    await expect(client.run({ op: 'poll', fd: 'u' })).rejects.toMatchObject({ code: 'closed' });
  });

  it('is closed and disposed when the agent shuts down', async () => {
    const a = await start();
    const client = await connect(a);
    const reason = new Promise<string>((resolve) => client.onClose(resolve));
    await a.close();
    agent = undefined;
    expect(await reason).toBe('the agent closed the session: the agent is shutting down');
    expect(await isDisposed(a.backends[0]!)).toBe(true);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 5));
}
