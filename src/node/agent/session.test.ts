// Sessions on the real kernel, driven over the WebSocket the way the page drives them: the fault
// cycle with its events, the executor's refusals coming back as clear errors, and nothing left
// blocked or mapped when a session ends with a thread asleep in a fault.

import { release } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import type { Result } from '../../portable/model/result';
import type { AgentClient } from '../../portable/protocol/client';
import type { AgentEvent } from '../../portable/protocol/protocol';
import { createKernelSession, probeKernelFacts } from './kernel';
import { buildDoctor } from './doctor';
import { copyPage, faultCycles, faultSetup } from './fault-loop';
import { DEFAULT_LIMITS } from './server';
import {
  connect,
  mappingsOver,
  startTestAgent,
  tasksAsleepInUserfault,
  tasksBlockedInUserfault,
  type TestAgent,
} from './testing';

let agent: TestAgent | undefined;
afterEach(async () => {
  await agent?.close();
  agent = undefined;
});

const PAGES = 16;
const SETUP = faultSetup(PAGES);
const copy = copyPage;

/** A session with `a` registered MISSING and T1 asleep in a fault on a+1p. */
async function blockedSession(a: TestAgent): Promise<{ client: AgentClient; last: Result }> {
  const client = await connect(a);
  await client.runBatch(SETUP);
  const last = await client.run({ op: 'touch', thread: 'T1', addr: 'a+1p', access: 'read' });
  expect(last.blocked).toBe(true);
  return { client, last };
}

const areasOf = (r: Result) => r.snapshot.areas.map((x) => ({ start: x.start, len: x.len }));

describe('a session on the real kernel', () => {
  it('runs the fault cycle, telling the blocked thread, the readable uffd and the woken thread', async () => {
    const client = await connect((agent = await startTestAgent()));
    const events: AgentEvent[] = [];
    client.onEvent((e) => events.push(e));
    const setup = await client.runBatch(SETUP);
    expect(setup.map((r) => [r.op.op, r.ret === -1 ? r.errno : 'ok'])).toEqual(
      SETUP.map((o) => [o.op, 'ok']),
    );
    const a = setup[0]!.addr!;

    const touch = await client.run({ op: 'touch', thread: 'T1', addr: 'a+1p', access: 'read' });
    expect(touch.blocked).toBe(true);
    expect(events).toEqual([
      {
        type: 'thread-blocked',
        thread: 'T1',
        process: 'main',
        in: 'fault',
        address: a + 4096n,
        uffd: 'uffd',
      },
      { type: 'readable', uffd: 'uffd', pending: 1, events: 0 },
    ]);

    const read = await client.run({ op: 'read', fd: 'uffd' });
    expect(read.ret).toBe(32);
    expect(read.msgs?.[0]).toMatchObject({
      eventName: 'UFFD_EVENT_PAGEFAULT',
      fields: { 'arg.pagefault.address': a + 4096n },
    });

    const done = await client.run(copy(1, 0x41));
    expect(done.struct?.after.copy).toBe(4096n);
    expect(done.snapshot.threads.find((t) => t.name === 'T1')).toMatchObject({ state: 'done', value: 0x41 });
    expect(events.slice(2)).toEqual([
      { type: 'thread-finished', thread: 'T1', process: 'main', state: 'done' },
    ]);
    await client.dispose();
  });

  it("brings the executor's refusals back as results that say what and where", async () => {
    const client = await connect((agent = await startTestAgent()));
    await client.runBatch(SETUP);
    const outside = await client.run({ op: 'touch', thread: 'T1', addr: '0x7f0000000000', access: 'write' });
    expect(outside.usageError?.message).toMatch(/outside this session's memory/);
    expect(outside.usageError?.field).toBe('addr');
    const src = await client.run({
      op: 'ioctl',
      fd: 'uffd',
      request: 'UFFDIO_COPY',
      arg: { dst: 'a', src: '0x7f0000000000', len: '1p' },
    });
    expect(src.usageError?.message).toMatch(/outside this session's memory/);
    const huge = await client.run({ op: 'mmap', as: 'big', kind: 'anon', len: '64G' });
    expect(huge.usageError?.message).toMatch(/^an area may have at most \d+ bytes/);
    const unknown = await client.run({ op: 'close', fd: 'nope' });
    expect(unknown.usageError).toBeDefined();
    // Nothing of that reached the kernel, and the session carries on.
    expect((await client.run(copy(0, 7))).ret).toBe(0);
    await client.dispose();
  });

  it("says which of the executor's caps a session hit", async () => {
    const small = () => createKernelSession({ maxThreads: 2, maxAreas: 2, settleTimeoutMs: 15_000 });
    const client = await connect((agent = await startTestAgent({ createBackend: small })));
    const ok = await client.runBatch([
      { op: 'mmap', as: 'a', kind: 'anon', len: '1p' },
      { op: 'mmap', as: 'b', kind: 'anon', len: '1p' },
      { op: 'touch', thread: 'T1', addr: 'a', access: 'write' },
    ]);
    expect(ok.map((r) => r.usageError)).toEqual([undefined, undefined, undefined]);
    const [area, thread] = await client.runBatch([
      { op: 'mmap', as: 'c', kind: 'anon', len: '1p' },
      { op: 'touch', thread: 'T2', addr: 'b', access: 'write' },
    ]);
    expect(area!.usageError?.message).toBe('too many areas: a session may map 2');
    expect(thread!.usageError).toEqual({
      message: 'too many threads: a session may have 2',
      field: 'thread',
    });
    await client.dispose();
  });

  it('runs a long loop of fault cycles in one request, keeping only the last result', async () => {
    const client = await connect((agent = await startTestAgent()));
    await client.runBatch(SETUP);
    const cycles = 3 * PAGES;
    const ops = faultCycles(PAGES, cycles);
    const { results, summary } = await client.batch(ops, 'last');
    expect(summary).toEqual({ ops: ops.length, errnos: 0, usageErrors: 0 });
    expect(results).toHaveLength(1);
    const last = results[0]!.snapshot;
    expect(last.threads.find((t) => t.name === 'T1')).toMatchObject({ state: 'done', value: cycles - 1 });
    expect(last.areas[0]!.content.get(PAGES - 1)).toBe((cycles - 1).toString(16).padStart(2, '0'));
    await client.dispose();
  });

  it('resets to an empty session, releasing the blocked thread', async () => {
    const { client } = await blockedSession((agent = await startTestAgent()));
    expect(await tasksAsleepInUserfault(1)).toBe(1);
    await client.reset();
    expect(tasksBlockedInUserfault()).toBe(0);
    const after = await client.run({ op: 'mmap', as: 'a', kind: 'anon', len: '1p' });
    expect(after.snapshot.areas.map((x) => x.name)).toEqual(['a']);
    expect(after.snapshot.uffds).toEqual([]);
    await client.dispose();
  });

  it('answers doctor with the probe of this machine', async () => {
    const scenarios = 'scenarios';
    const doctor = async () => buildDoctor(probeKernelFacts(), scenarios);
    const client = await connect((agent = await startTestAgent({ doctor })));
    const report = await client.doctor();
    expect(report.kernel.release).toBe(release());
    expect(report.access.map((x) => x.way)).toEqual(['syscall', 'syscall-user-mode-only', 'dev-userfaultfd']);
    if (!('error' in report.api)) expect(report.api.ioctls).toContain('_UFFDIO_API');
    await client.dispose();
  });
});

describe('ending a session with a thread asleep in a fault', () => {
  it.each([
    ['the client disconnects', (c: AgentClient) => c.dispose(), {}],
    ['the session is idle too long', () => Promise.resolve(), { idleMs: 300 }],
    ['the agent shuts down', () => agent!.close(), {}],
  ])('releases the thread and unmaps the areas when %s', async (_when, end, limits) => {
    agent = await startTestAgent({ limits: { ...DEFAULT_LIMITS, ...limits } });
    const { client, last } = await blockedSession(agent);
    const closed = new Promise<string>((resolve) => client.onClose(resolve));
    expect(await tasksAsleepInUserfault(1)).toBe(1);
    expect(mappingsOver(areasOf(last))).not.toEqual([]);
    await end(client);
    await closed;
    await agent.drained();
    expect(tasksBlockedInUserfault()).toBe(0);
    expect(mappingsOver(areasOf(last))).toEqual([]);
  });
});
