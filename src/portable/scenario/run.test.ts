import { describe, expect, it } from 'vitest';
import type { Result } from '../model/result';
import { encodeMsg, decodeMsg } from '../uapi/msg';
import { encodeStruct, STRUCTS, type StructValues } from '../uapi/structs';
import { UFFD_EVENT_PAGEFAULT, UFFD_PAGEFAULT_FLAG_WRITE } from '../uapi/userfaultfd';
import type { Scenario, Step } from './format';
import { parseScenario } from './parse';
import { pickExpectation, runScenario } from './run';
import {
  MAPPED_MISSING,
  P,
  pagesArea,
  PRESENT,
  res,
  scriptedBackend,
  snapshot,
  thread,
  uffd,
} from './testing';

const A = 0x100000000000n;
const PAGE = 4096n;

function scenario(steps: readonly object[], extra: object = {}): Scenario {
  const r = parseScenario(
    JSON.stringify({ format: 'uffd-playground/scenario@1', title: 't', ...extra, steps }),
  );
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.scenario;
}

const copyStruct = (values: StructValues) => {
  const l = STRUCTS.uffdio_copy;
  return {
    name: 'uffdio_copy' as const,
    before: { ...values, copy: 0n },
    beforeBytes: encodeStruct(l, { ...values, copy: 0n }),
    after: values,
    afterBytes: encodeStruct(l, values),
  };
};

const STEPS = [
  { op: 'userfaultfd', flags: 'O_NONBLOCK', as: 'uffd' },
  { op: 'mmap', as: 'a', kind: 'anon', len: '4p' },
  {
    op: 'touch',
    thread: 'T1',
    addr: 'a+1p+0x7b',
    access: 'write',
    expect: { blocked: true, threads: { T1: { state: 'blocked-fault', address: 'a+1p+0x7b' } } },
  },
  {
    op: 'read',
    fd: 'uffd',
    expect: {
      ret: 32,
      msgs: [
        {
          event: 'UFFD_EVENT_PAGEFAULT',
          'arg.pagefault.address': 'a+1p',
          'arg.pagefault.flags': 'UFFD_PAGEFAULT_FLAG_WRITE',
          'arg.pagefault.feat.ptid': 'T1',
        },
      ],
      queues: { uffd: { pending: 0, waiting: 1 } },
    },
  },
  {
    op: 'ioctl',
    fd: 'uffd',
    request: 'UFFDIO_COPY',
    arg: { dst: 'a+1p', src: { fill: 0x41 }, len: '1p' },
    expect: {
      ret: 0,
      errno: 0,
      struct: { copy: '1p', dst: 'a+1p' },
      pages: { 'a+1p': { state: 'present', content: '41' }, 'a+2p..a+4p': 'missing' },
      threads: { T1: 'done' },
    },
  },
];

/** What an engine that does what the kernel does would answer to STEPS (with a uffd set up beforehand). */
function goodAnswers(copyLanded = true): Result[] {
  const areaWith = (pages: number[], content = new Map<number, string>()) =>
    pagesArea('a', A, pages, { content });
  const u = uffd({ name: 'uffd', fd: 3 });
  const t1 = thread({ name: 'T1', tid: 1001 });
  const msg = decodeMsg(
    encodeMsg(UFFD_EVENT_PAGEFAULT, {
      'arg.pagefault.flags': BigInt(UFFD_PAGEFAULT_FLAG_WRITE),
      'arg.pagefault.address': A + PAGE,
      'arg.pagefault.feat.ptid': 1001,
    }),
  );
  const ops = scenario(STEPS).steps;
  const pending = { thread: 'T1', address: A + PAGE, flags: 1 };
  return [
    res(ops[0]!, { ret: 3, fd: 3, snapshot: snapshot({ uffds: [u] }) }),
    res(ops[1]!, { ret: 0, addr: A, snapshot: snapshot({ areas: [areaWith([1, 1, 1, 1])], uffds: [u] }) }),
    res(ops[2]!, {
      blocked: true,
      snapshot: snapshot({
        areas: [areaWith([1, 1, 1, 1])],
        uffds: [{ ...u, pending: [pending] }],
        threads: [
          thread({ name: 'main', tid: 1000 }),
          { ...t1, state: 'blocked-fault', address: A + PAGE + 0x7bn },
        ],
      }),
    }),
    res(ops[3]!, {
      ret: 32,
      msgs: [msg],
      snapshot: snapshot({
        areas: [areaWith([1, 1, 1, 1])],
        uffds: [{ ...u, waiting: [pending] }],
        threads: [
          thread({ name: 'main', tid: 1000 }),
          { ...t1, state: 'blocked-fault', address: A + PAGE + 0x7bn },
        ],
      }),
    }),
    res(ops[4]!, {
      struct: copyStruct({
        dst: A + PAGE,
        src: 0x200000000000n,
        len: PAGE,
        mode: 0n,
        copy: copyLanded ? PAGE : -17n,
      }),
      snapshot: snapshot({
        areas: [
          areaWith([MAPPED_MISSING, copyLanded ? PRESENT : MAPPED_MISSING, 1, 1], new Map([[1, '41']])),
        ],
        uffds: [u],
        threads: [thread({ name: 'main', tid: 1000 }), { ...t1, state: 'done', value: 0x01 }],
      }),
    }),
  ];
}

describe('runScenario', () => {
  it('passes when every expectation matches what the backend returned', async () => {
    const b = scriptedBackend(goodAnswers());
    const r = await runScenario(scenario(STEPS), b);
    expect(r.status === 'not-applicable' ? r.reason : r.mismatches).toEqual([]);
    expect(r.status).toBe('passed');
    expect(b.ran.map((o) => o.op)).toEqual(['userfaultfd', 'mmap', 'touch', 'read', 'ioctl']);
    expect(b.ran[4]).not.toHaveProperty('expect');
  });

  it("reports each mismatch as (step, field, expected, actual) in the scenario's terms", async () => {
    const r = await runScenario(scenario(STEPS), scriptedBackend(goodAnswers(false)));
    expect(r.status).toBe('failed');
    expect(r.status !== 'not-applicable' && r.mismatches).toEqual([
      { step: 5, op: 'ioctl', field: 'struct.copy', expected: '4096 (1p)', actual: '-17 (-EEXIST)' },
      { step: 5, op: 'ioctl', field: 'pages[a+1p]', expected: 'present', actual: 'missing' },
    ]);
  });

  it('names message fields, addresses and threads in the mismatch', async () => {
    const steps = JSON.parse(JSON.stringify(STEPS)) as typeof STEPS;
    (steps[3]!.expect as { msgs: object[] }).msgs = [
      { 'arg.pagefault.address': 'a+2p', 'arg.pagefault.feat.ptid': 'main' },
    ];
    const r = await runScenario(scenario(steps), scriptedBackend(goodAnswers()));
    expect(r.status !== 'not-applicable' && r.mismatches).toEqual([
      { step: 4, op: 'read', field: 'msgs[0].arg.pagefault.address', expected: 'a+2p', actual: 'a+1p' },
      { step: 4, op: 'read', field: 'msgs[0].arg.pagefault.feat.ptid', expected: 'main', actual: 'T1' },
    ]);
  });

  it('reports a range of pages with the same mismatch once', async () => {
    const steps = [
      { op: 'mmap', as: 'a', kind: 'anon', len: '4p', expect: { pages: { 'a..a+4p': 'present' } } },
    ];
    const answer = res(scenario(steps).steps[0]!, {
      snapshot: snapshot({ areas: [pagesArea('a', A, [PRESENT, 1, 1, P.MAPPED | P.POISONED])] }),
    });
    const r = await runScenario(scenario(steps), scriptedBackend([answer]));
    expect(r.status !== 'not-applicable' && r.mismatches.map((m) => [m.field, m.expected, m.actual])).toEqual(
      [
        ['pages[a+1p..a+3p]', 'present', 'missing'],
        ['pages[a+3p]', 'present', 'poisoned'],
      ],
    );
  });

  it("picks the expectation by the backend's kernel version", async () => {
    const step = {
      op: 'mmap',
      as: 'a',
      kind: 'anon',
      len: '1p',
      expect: [
        { kernel: '>=5.15', expect: { ret: 0 } },
        { kernel: '4.3-5.14', expect: { ret: 7 } },
      ],
    };
    const s = scenario([step]);
    expect(pickExpectation(s.steps[0] as Step, '6.18.44').kernel).toBe('>=5.15');
    expect(pickExpectation(s.steps[0] as Step, '5.10').kernel).toBe('4.3-5.14');
    expect(pickExpectation(s.steps[0] as Step, '4.2')).toEqual({});
    const answer = () => res(s.steps[0]!, { ret: 0, snapshot: snapshot() });
    const old = await runScenario(s, scriptedBackend([answer], { kernelVersion: '5.10' }));
    expect(old.status !== 'not-applicable' && old.mismatches.map((m) => m.field)).toEqual(['ret']);
    const now = await runScenario(s, scriptedBackend([answer], { kernelVersion: '6.18' }));
    expect(now.status).toBe('passed');
  });

  it('does not run a scenario whose kernel range excludes the backend, and says why', async () => {
    const b = scriptedBackend([]);
    const s = scenario([{ op: 'mmap', as: 'a', kind: 'anon', len: '1p' }], { kernel: '>=6.8' });
    const r = await runScenario(s, { ...b, info: () => ({ ...b.info(), kernelVersion: '6.6' }) });
    expect(r).toMatchObject({
      status: 'not-applicable',
      reason: 'the scenario is for kernels >=6.8; this backend runs 6.6',
    });
    expect(b.ran).toEqual([]);
  });

  it('reports a usage error as a mismatch, and a backend failure as an aborted run', async () => {
    const s = scenario([
      { op: 'mmap', as: 'a', kind: 'anon', len: '1p' },
      { op: 'touch', thread: 'T', addr: 'a', access: 'read' },
    ]);
    const r = await runScenario(
      s,
      scriptedBackend([res(s.steps[0]!, { ret: -1, usageError: { message: 'refused', field: 'len' } })]),
    );
    expect(r).toMatchObject({
      status: 'failed',
      mismatches: [{ step: 1, op: 'mmap', field: 'usageError', expected: 'none', actual: 'refused' }],
      aborted: 'step 2 (touch): the backend failed: no scripted answer for operation 2',
    });
  });
});
