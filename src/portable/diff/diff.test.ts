import { describe, expect, it } from 'vitest';
import type { Operation } from '../model/operation';
import type { Result } from '../model/result';
import { PAGE } from '../model/snapshot';
import { decodeMsg, encodeMsg } from '../uapi/msg';
import { encodeStruct, STRUCTS, type StructValues } from '../uapi/structs';
import { UFFD_EVENT_FORK, UFFD_EVENT_PAGEFAULT } from '../uapi/userfaultfd';
import { MAPPED_MISSING, pagesArea, PRESENT, res, snapshot, thread, uffd } from '../scenario/testing';
import { collectPlacements, relativeAddress } from './address';
import { compareNormal } from './compare';
import { diffRuns } from './diff-run';
import { excusedBy, MODEL_LIMITS, pathPattern, type ModelLimit } from './model-limits';
import { normaliseResult } from './normalise';

const SIM = 0x100000000000n;
const KERNEL = 0x7e0000000000n;
const P = 4096n;
const COPY: Operation = {
  op: 'ioctl',
  fd: 'uffd',
  request: 'UFFDIO_COPY',
  arg: { dst: 'a+1p', src: { fill: 0x41 }, len: '1p' },
};

function copyResult(
  base: bigint,
  fd: number,
  tid: number,
  opts: { copy?: bigint; page1?: number; t1?: 'done' | 'blocked-fault' } = {},
): Result {
  const values: StructValues = {
    dst: base + P,
    src: base + 0x800000n,
    len: P,
    mode: 0n,
    copy: opts.copy ?? P,
  };
  const l = STRUCTS.uffdio_copy;
  return res(COPY, {
    call: `ioctl(${fd}, UFFDIO_COPY, ...)`,
    notes: [`engine at ${base}`],
    struct: {
      name: 'uffdio_copy',
      before: { ...values, copy: 0n },
      beforeBytes: encodeStruct(l, { ...values, copy: 0n }),
      after: values,
      afterBytes: encodeStruct(l, values),
    },
    snapshot: snapshot({
      areas: [
        pagesArea('a', base, [MAPPED_MISSING, opts.page1 ?? PRESENT, MAPPED_MISSING, MAPPED_MISSING], {
          content: new Map([[1, '41']]),
        }),
        pagesArea('$src', base + 0x800000n, new Array<number>(512).fill(PRESENT)),
      ],
      uffds: [uffd({ name: 'uffd', fd: fd })],
      threads: [
        thread({ name: 'main', tid: tid }),
        thread({ name: 'T1', tid: tid + 1, state: opts.t1 ?? 'done', value: 0x41 }),
      ],
    }),
  });
}

const normal = (r: Result) => normaliseResult(r, collectPlacements([r.snapshot]));

describe('relativeAddress', () => {
  const places = [
    { name: 'a', start: SIM, len: 4n * P, pageSize: 4096 },
    { name: 'h', start: SIM + 0x800000n, len: 4n << 20n, pageSize: 2 << 20 },
  ];
  it.each([
    [SIM, 'a'],
    [SIM + 3n * P + 0x7bn, 'a+3p+0x7b'],
    [SIM + 4n * P, 'a+4p'],
    [SIM + 5n * P, 'a+5p'],
    [SIM + 0x800000n + (2n << 20n), 'h+1h'],
    [SIM + 0x800000n + P, 'h+1p'],
    [0x1000n, '0x1000'],
  ])('%s -> %s', (addr, text) => {
    expect(relativeAddress(addr, places)).toBe(text);
  });
});

describe('normalise and compare', () => {
  it('finds no difference between engines that differ only in addresses, fd numbers and tids', () => {
    const d = compareNormal(normal(copyResult(SIM, 3, 1000)), normal(copyResult(KERNEL, 11, 48211)));
    expect(d).toEqual([]);
  });

  it('replaces addresses in struct bytes by area-relative names', () => {
    const n = normal(copyResult(SIM, 3, 1000));
    expect(n.fields.get('struct.after.dst')).toBe('a+1p');
    expect(n.fields.get('struct.afterBytes')).toBe(
      '<a+1p> <$src> 0010000000000000 0000000000000000 0010000000000000',
    );
  });

  it('lists each difference as (path, simulator value, kernel value)', () => {
    const sim = normal(copyResult(SIM, 3, 1000));
    const kernel = normal(
      copyResult(KERNEL, 11, 48211, { copy: -17n, page1: MAPPED_MISSING, t1: 'blocked-fault' }),
    );
    expect(compareNormal(sim, kernel)).toEqual([
      { path: 'struct.after.copy', sim: '4096 (1p)', kernel: '-17 (-EEXIST)' },
      {
        path: 'struct.afterBytes',
        sim: '<a+1p> <$src> 0010000000000000 0000000000000000 0010000000000000',
        kernel: '<a+1p> <$src> 0010000000000000 0000000000000000 efffffffffffffff',
      },
      { path: 'snapshot.threads.T1.state', sim: 'done', kernel: 'blocked-fault' },
      { path: 'snapshot.areas.main:a.pages[a+1p]', sim: 'MAPPED|PRESENT', kernel: 'MAPPED' },
    ]);
  });

  it('names fds and processes in ret, tids and fds in messages and their bytes', () => {
    const fork: Operation = { op: 'fork', child: 'c' };
    const fdOp: Operation = { op: 'userfaultfd', as: 'uffd' };
    const read: Operation = { op: 'read', fd: 'uffd', size: 64 };
    const run = (base: bigint, fd: number, childFd: number, tid: number, pid: number) => {
      const snap = snapshot({
        areas: [pagesArea('a', base, [MAPPED_MISSING])],
        uffds: [uffd({ name: 'uffd', fd: fd }), uffd({ name: 'uffd@c', fd: childFd, mm: 'c' })],
        threads: [thread({ name: 'main', tid: tid }), thread({ name: 'T1', tid: tid + 1 })],
      });
      const msgs = [
        decodeMsg(
          encodeMsg(UFFD_EVENT_PAGEFAULT, {
            'arg.pagefault.address': base,
            'arg.pagefault.feat.ptid': tid + 1,
          }),
        ),
        decodeMsg(encodeMsg(UFFD_EVENT_FORK, { 'arg.fork.ufd': childFd })),
      ];
      return [
        res(fdOp, { ret: fd, fd, snapshot: snap }),
        res(fork, { ret: pid, snapshot: snap }),
        res(read, { ret: 64, msgs, snapshot: snap }),
      ];
    };
    const sim = run(SIM, 3, 4, 1000, 2000);
    const kernel = run(KERNEL, 17, 23, 5001, 5100);
    expect(diffRuns(sim, kernel).flatMap((s) => s.differences)).toEqual([]);
    const n = normal(sim[2]!);
    expect([n.fields.get('msgs[0].arg.pagefault.feat.ptid'), n.fields.get('msgs[1].arg.fork.ufd')]).toEqual([
      'T1',
      'uffd@c',
    ]);
    expect(n.fields.get('msgs[1].bytes')).toBe(
      '1300000000000000 <uffd@c> 00000000 0000000000000000 0000000000000000',
    );
    expect([normal(sim[0]!).fields.get('ret'), normal(sim[1]!).fields.get('ret')]).toEqual([
      'fd uffd',
      'pid c',
    ]);
    const other = run(KERNEL, 17, 23, 5001, 5100);
    const wrongTid = {
      ...other[2]!,
      msgs: [
        decodeMsg(
          encodeMsg(UFFD_EVENT_PAGEFAULT, {
            'arg.pagefault.address': KERNEL,
            'arg.pagefault.feat.ptid': 5001,
          }),
        ),
      ],
    };
    expect(
      compareNormal(n, normal(wrongTid))
        .map((d) => [d.path, d.sim, d.kernel])
        .slice(0, 2),
    ).toEqual([
      ['msgs.length', '2', '1'],
      ['msgs[0].arg.pagefault.feat.ptid', 'T1', 'main'],
    ]);
  });

  it('names the address mmap returns, which differs between engines', () => {
    const op: Operation = { op: 'mmap', as: 'a', kind: 'anon', len: '1p' };
    const mk = (base: bigint) =>
      normal(
        res(op, {
          ret: Number(base),
          addr: base,
          snapshot: snapshot({ areas: [pagesArea('a', base, [1])] }),
        }),
      );
    expect(mk(SIM).fields.get('ret')).toBe('a');
    expect(compareNormal(mk(SIM), mk(KERNEL))).toEqual([]);
  });

  it('reports a run of pages with the same difference once', () => {
    const mk = (base: bigint, pages: number[]) =>
      normal(
        res(
          { op: 'mmap', as: 'a', kind: 'anon', len: '8p' },
          { snapshot: snapshot({ areas: [pagesArea('a', base, pages)] }) },
        ),
      );
    const M = MAPPED_MISSING;
    const Z = PAGE.MAPPED | PAGE.PRESENT | PAGE.ZERO;
    const d = compareNormal(mk(SIM, [M, M, M, M, M, M, M, M]), mk(KERNEL, [M, Z, Z, Z, M, PRESENT, M, M]));
    expect(d.map((x) => `${x.path}: ${x.sim} / ${x.kernel}`)).toEqual([
      'snapshot.areas.main:a.pages[a+1p..a+4p]: MAPPED / MAPPED|PRESENT|ZERO',
      'snapshot.areas.main:a.pages[a+5p]: MAPPED / MAPPED|PRESENT',
    ]);
  });
});

describe('model limits', () => {
  const limit: ModelLimit = {
    id: 'zero-page',
    title: 'test limit',
    reason: 'because',
    paths: ['snapshot.areas.*.pages[*]'],
    ops: ['touch'],
    rule: {
      text: 'only the ZERO bit differs',
      test: (d) => d.sim.replace('|ZERO', '') === d.kernel.replace('|ZERO', ''),
    },
  };
  it('matches paths by glob', () => {
    expect(pathPattern('snapshot.areas.*.pages[*]').test('snapshot.areas.main:a.pages[a+0p..a+3p]')).toBe(
      true,
    );
    expect(pathPattern('snapshot.areas.*.pages[*]').test('snapshot.areas.main:a.content[a+1p]')).toBe(false);
    expect(pathPattern('snapshot.*.state').test('snapshot.threads.T1.state')).toBe(false);
    expect(pathPattern('snapshot.**.state').test('snapshot.threads.T1.state')).toBe(true);
  });
  it('excuses only what it lists: the path, the operation and the values', () => {
    const d = {
      path: 'snapshot.areas.main:a.pages[a+1p]',
      sim: 'MAPPED|PRESENT|ZERO',
      kernel: 'MAPPED|PRESENT',
    };
    const r = res({ op: 'touch', thread: 'T1', addr: 'a', access: 'read' });
    const at = (op: 'touch' | 'ioctl') => ({ op, sim: r, kernel: r });
    expect(excusedBy(d, at('touch'), [limit])?.id).toBe('zero-page');
    expect(excusedBy(d, at('ioctl'), [limit])).toBeUndefined();
    expect(excusedBy({ ...d, kernel: 'MAPPED' }, at('touch'), [limit])).toBeUndefined();
    expect(excusedBy({ ...d, path: 'snapshot.threads.T1.state' }, at('touch'), [limit])).toBeUndefined();
  });
  it('the table excuses nothing: a child missing on one side is a difference, even while fork() waits', () => {
    expect(MODEL_LIMITS.filter((l) => l.paths.length > 0)).toEqual([]);
    const fork: Operation = { op: 'fork', child: 'c', thread: 'F' };
    const childArea = pagesArea('a', SIM, [PRESENT], { process: 'c' });
    const sim = res(fork, {
      blocked: true,
      snapshot: snapshot({ areas: [pagesArea('a', SIM, [PRESENT]), childArea] }),
    });
    const kernel = res(fork, {
      blocked: true,
      snapshot: snapshot({ areas: [pagesArea('a', KERNEL, [PRESENT])] }),
    });
    const [waiting] = diffRuns([sim], [kernel]);
    expect(waiting!.excused).toEqual([]);
    expect(waiting!.differences.map((d) => d.path)).toContain('snapshot.areas.c:a.range');
  });

  it('separates excused differences from the rest in a run diff', () => {
    const touch: Operation = { op: 'touch', thread: 'T1', addr: 'a', access: 'read' };
    const mk = (base: bigint, bits: number, state: 'done' | 'running') =>
      res(touch, {
        snapshot: snapshot({
          areas: [pagesArea('a', base, [bits])],
          threads: [thread({ name: 'T1', tid: 7, state })],
        }),
      });
    const [step] = diffRuns(
      [mk(SIM, PAGE.MAPPED | PAGE.PRESENT | PAGE.ZERO, 'done')],
      [mk(KERNEL, PRESENT, 'running')],
      [limit],
    );
    expect(step!.excused.map((e) => e.difference.path)).toEqual(['snapshot.areas.main:a.pages[a]']);
    expect(step!.differences.map((e) => e.path)).toEqual(['snapshot.threads.T1.state']);
  });
});
