// Ten thousand hostile messages over one connection to a session on the real kernel. Most are
// malformed by construction (not JSON, not a request, an unknown op, a missing or unknown field, a
// wrong type, a huge or fractional number, deep nesting, an oversized payload...) and must get an error
// reply; the rest are well-formed operations on addresses outside the session, which the executor must
// refuse (a usage error, or the kernel's errno for an address it refuses before using it). Afterwards
// the agent still serves a valid request.

import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { OP_NAMES } from '../../portable/model/operation';
import { EVENT_TYPES, PROTOCOL_VERSION } from '../../portable/protocol/protocol';
import { REGION_SIZE } from '../executor/region';
import { faultSetup } from './fault-loop';
import { DEFAULT_LIMITS } from './server';
import { exchange, rawSocket, startTestAgent, type TestAgent } from './testing';

const MAX_MESSAGE = 32 << 10;
const RUNS = 10_000;

/** Valid operations whose fields the generators spoil one at a time. */
const GOOD_OPS: Record<string, unknown>[] = [
  { op: 'mmap', as: 'a', kind: 'anon', len: '4p' },
  { op: 'userfaultfd', flags: ['O_CLOEXEC', 'O_NONBLOCK'], as: 'uffd' },
  { op: 'ioctl', fd: 'uffd', request: 'UFFDIO_API', arg: { api: 0xaa, features: 0 } },
  {
    op: 'ioctl',
    fd: 'uffd',
    request: 'UFFDIO_COPY',
    arg: { dst: 'a+1p', src: { fill: 65 }, len: '1p', mode: 0 },
  },
  { op: 'touch', thread: 'T1', addr: 'a+1p', access: 'read' },
  { op: 'madvise', addr: 'a', len: '4p', advice: 'MADV_DONTNEED' },
  { op: 'read', fd: 'uffd', size: 64 },
];
/** Fields that take exactly one expression (no list, no nested fields). */
const EXPR_FIELD: Record<string, string> = { mmap: 'len', touch: 'addr', madvise: 'len', read: 'size' };

const goodOp = fc.constantFrom(...GOOD_OPS);
const run = (op: unknown, id = 1): unknown => ({ type: 'run', id, op });
const notExpr = fc.oneof(
  fc.boolean(),
  fc.constant(null),
  fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 }),
  fc.array(fc.jsonValue()),
);
const notSafe = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isSafeInteger(d)),
  fc
    .tuple(fc.bigInt({ min: 2n ** 53n, max: 2n ** 70n }), fc.boolean())
    .map(([b, neg]) => Number(neg ? -b : b)),
);
const notRequest = fc.jsonValue().filter((v) => typeof v !== 'object' || v === null || !('type' in v));

const hostile: fc.Arbitrary<string> = fc.oneof(
  fc.string().filter((s) => !s.includes('"type"')),
  notRequest.map((v) => JSON.stringify(v)),
  fc
    .string({ minLength: 1 })
    .filter((s) => !(OP_NAMES as readonly string[]).includes(s))
    .map((op) => JSON.stringify(run({ op }))),
  goodOp.chain((op) =>
    fc
      .constantFrom(
        ...Object.keys(op).filter((k) => k !== 'op' && k !== 'arg' && k !== 'flags' && k !== 'size'),
      )
      .map((k) => {
        const copy = { ...op };
        delete copy[k];
        return JSON.stringify(run(copy));
      }),
  ),
  fc
    .tuple(goodOp, fc.string({ minLength: 1, maxLength: 10 }), fc.jsonValue())
    .map(([op, k, v]) => JSON.stringify(run({ ...op, [`x_${k}`]: v }))),
  fc
    .tuple(fc.constantFrom(...GOOD_OPS.filter((o) => EXPR_FIELD[o.op as string])), notExpr)
    .map(([op, v]) => JSON.stringify(run({ ...op, [EXPR_FIELD[op.op as string]!]: v }))),
  fc
    .tuple(fc.constantFrom(...GOOD_OPS.filter((o) => EXPR_FIELD[o.op as string])), notSafe)
    .map(([op, n]) => JSON.stringify(run({ ...op, [EXPR_FIELD[op.op as string]!]: n }))),
  fc.integer({ min: 33, max: 20_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  fc
    .integer({ min: 33, max: 2_000 })
    .map((depth) =>
      JSON.stringify(run({ op: 'ioctl', fd: 'u', request: 'UFFDIO_API', arg: {} })).replace(
        '{}',
        `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
      ),
    ),
  fc
    .integer({ min: 257, max: 4_000 })
    .map((n) => JSON.stringify(run({ op: 'touch', thread: 'T1', addr: 'a'.repeat(n), access: 'read' }))),
  fc.integer({ min: 65, max: 200 }).map((n) => JSON.stringify(run({ op: 'close', fd: 'f'.repeat(n) }))),
  fc
    .integer({ min: 256, max: 1e9 })
    .map((value) => JSON.stringify(run({ op: 'touch', thread: 'T1', addr: 'a', access: 'write', value }))),
  fc
    .oneof(fc.constant(-1), fc.constant(1.5), fc.constant('1'), fc.constant(null))
    .map((id) => JSON.stringify({ type: 'reset', id })),
  fc
    .string()
    .filter((t) => !['hello', 'run', 'runBatch', 'reset', 'doctor'].includes(t))
    .map((type) => JSON.stringify({ type, id: 2 })),
  fc
    .tuple(fc.array(goodOp, { maxLength: 5 }), fc.constantFrom('mmapp', 'ioctl ', 'TOUCH', ''))
    .map(([ops, bad]) => JSON.stringify({ type: 'runBatch', id: 3, ops: [...ops, { op: bad }] })),
  fc
    .integer({ min: MAX_MESSAGE + 1, max: MAX_MESSAGE * 3 })
    .map((n) => JSON.stringify({ type: 'doctor', id: 4, pad: 'x'.repeat(n) })),
  fc.constantFrom(
    '{"type":"run","id":5,"op":{"op":"ioctl","fd":"u","request":"UFFDIO_API","arg":{"__proto__":{"polluted":1},"x y":1}}}',
    '{"__proto__":{"type":"reset"},"id":6}',
  ),
);

/** Well-formed operations on addresses outside [start, end), the session's region. */
function outside(start: bigint, end: bigint): fc.Arbitrary<string> {
  const address = fc
    .oneof(fc.bigInt({ min: 0n, max: start - 1n }), fc.bigInt({ min: end, max: 2n ** 64n - 1n }))
    .map((a) => `0x${a.toString(16)}`);
  const ioctl = (request: string, arg: Record<string, unknown>) => ({
    op: 'ioctl',
    fd: 'uffd',
    request,
    arg,
  });
  const op = fc.oneof(
    fc
      .tuple(address, fc.constantFrom('read', 'write'))
      .map(([addr, access]) => ({ op: 'touch', thread: 'T1', addr, access })),
    address.map((addr) => ({ op: 'munmap', addr, len: '1p' })),
    address.map((addr) => ({ op: 'madvise', addr, len: '1p', advice: 'MADV_DONTNEED' })),
    fc.tuple(address, address).map(([addr, newAddr]) => ({
      op: 'mremap',
      addr,
      oldLen: '1p',
      newLen: '2p',
      flags: ['MREMAP_MAYMOVE', 'MREMAP_FIXED'],
      newAddr,
      as: 'b',
    })),
    address.map((dst) => ioctl('UFFDIO_COPY', { dst, src: 'a', len: '1p' })),
    address.map((src) => ioctl('UFFDIO_COPY', { dst: 'a', src, len: '1p' })),
    address.map((dst) => ioctl('UFFDIO_ZEROPAGE', { range: { start: dst, len: '1p' } })),
    address.map((start) => ioctl('UFFDIO_WAKE', { start, len: '1p' })),
    address.map((start) => ioctl('UFFDIO_REGISTER', { range: { start, len: '1p' }, mode: 1 })),
  );
  return fc.tuple(fc.nat(), op).map(([id, o]) => JSON.stringify({ type: 'run', id: 1_000_000 + id, op: o }));
}

/** Whether a reply refuses what was asked: a protocol error, a usage error, or -1 with an errno. */
function refuses(reply: Record<string, unknown>): boolean {
  if (reply.type === 'error') return ['bad-message', 'limit'].includes(reply.code as string);
  const result = reply.result as { usageError?: unknown; ret?: number; errno?: number } | undefined;
  return (
    reply.type === 'result' &&
    (result?.usageError !== undefined || (result?.ret === -1 && result.errno !== undefined))
  );
}

const CHUNK = 50;

let agent: TestAgent;
let ws: WebSocket;
beforeAll(async () => {
  agent = await startTestAgent({
    limits: { ...DEFAULT_LIMITS, maxMessageBytes: MAX_MESSAGE },
    hardMaxPayload: MAX_MESSAGE * 4,
  });
  ws = await rawSocket(agent);
  await exchange(ws, JSON.stringify({ type: 'hello', id: 0, version: PROTOCOL_VERSION }));
});
afterAll(async () => {
  ws.close();
  await agent.close();
});

it(
  `answers each of ${RUNS} hostile messages with an error and keeps serving`,
  { timeout: 300_000 },
  async () => {
    let setup: Record<string, unknown> = {};
    for (const [i, op] of faultSetup(4).entries()) {
      setup = await exchange(ws, JSON.stringify({ type: 'run', id: 10 + i, op }));
      expect((setup.result as { ret: number }).ret).not.toBe(-1);
    }
    const areas = (setup.result as { snapshot: { areas: { start: { $b: string } }[] } }).snapshot.areas;
    const base = BigInt(areas[0]!.start.$b) & ~(REGION_SIZE - 1n);
    const all = fc.oneof(
      { arbitrary: hostile, weight: 49 },
      { arbitrary: outside(base, base + REGION_SIZE), weight: 1 },
    );
    const messages = fc.sample(all, { numRuns: RUNS, seed: 20251121 });
    const failures: string[] = [];
    for (let at = 0; at < RUNS; at += CHUNK) {
      const chunk = messages.slice(at, at + CHUNK);
      const replies = await new Promise<Record<string, unknown>[]>((resolve) => {
        const got: Record<string, unknown>[] = [];
        const listen = (data: unknown) => {
          const reply = JSON.parse(String(data)) as Record<string, unknown>;
          if ((EVENT_TYPES as readonly unknown[]).includes(reply.type)) return;
          got.push(reply);
          if (got.length === chunk.length) {
            ws.off('message', listen);
            resolve(got);
          }
        };
        ws.on('message', listen);
        for (const m of chunk) ws.send(m);
      });
      for (const reply of replies) {
        if (!refuses(reply)) failures.push(`${JSON.stringify(reply).slice(0, 300)}`);
        else if (reply.type === 'error') expect(typeof reply.message).toBe('string');
      }
    }
    expect(failures).toEqual([]);
    expect(agent.lines.filter((l) => /internal|failed/.test(l))).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const ok = await exchange(ws, JSON.stringify({ type: 'run', id: 99, op: { op: 'poll', fd: 'uffd' } }));
    expect(ok).toMatchObject({ type: 'result', id: 99, result: { ret: 0 } });
    expect(agent.sessionCount()).toBe(1);
  },
);
