import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MaskExpr } from '../../portable/model/operation';
import { formatDoctor } from '../../portable/protocol/doctor';
import { SCENARIO_FORMAT, type Scenario } from '../../portable/scenario/format';
import { buildDoctor, cannotHere, checkScenarios, whyNot } from './doctor';
import { ROOT_FACTS as ROOT, USER_FACTS as USER } from './testing';

const PLAIN =
  'creates a userfaultfd without UFFD_USER_MODE_ONLY, which needs CAP_SYS_PTRACE or vm.unprivileged_userfaultfd=1';

const scenario = (fields: Partial<Scenario>): Scenario => ({
  format: SCENARIO_FORMAT,
  title: 't',
  steps: [{ op: 'mmap', as: 'a', kind: 'anon', len: '1p' }],
  ...fields,
});

describe('cannotHere', () => {
  it('is empty as root with everything', () => {
    expect(cannotHere(ROOT)).toEqual([]);
  });

  it('says plainly what an unprivileged agent cannot do', () => {
    expect(cannotHere(USER)).toEqual([
      expect.stringMatching(/^handle faults the kernel itself takes for the process .* needs CAP_SYS_PTRACE/),
      'open /dev/userfaultfd: EACCES: root-only',
      'UFFD_FEATURE_EVENT_FORK: UFFDIO_API refuses it without CAP_SYS_PTRACE (EPERM)',
      'touches, threads and fork: no C compiler (cc) found',
    ]);
    const none = { ...USER, access: USER.access.map((a) => ({ ...a, usable: false })) };
    expect(cannotHere(none)[0]).toBe('create a userfaultfd at all: every way was refused (see above)');
    const noHuge = { ...USER, hugePages: { ...USER.hugePages, free: 0 } };
    expect(cannotHere(noHuge)).toContain(
      'hugetlb areas: 0 are free and only root can reserve more (vm.nr_hugepages)',
    );
  });
});

describe('whyNot', () => {
  it('runs a plain scenario anywhere a uffd can be made', () => {
    expect(whyNot(scenario({}), ROOT)).toEqual([]);
    expect(
      whyNot(scenario({ steps: [{ op: 'userfaultfd', flags: ['UFFD_USER_MODE_ONLY'], as: 'u' }] }), USER),
    ).toEqual([]);
  });

  it('sees UFFD_USER_MODE_ONLY however the flags are written, and only there', () => {
    const uffd = (flags: MaskExpr) => scenario({ steps: [{ op: 'userfaultfd', flags, as: 'u' }] });
    for (const flags of ['CLOEXEC|NONBLOCK|USER_MODE_ONLY', 0x80801, '0x80801', ['O_CLOEXEC', 1]])
      expect(whyNot(uffd(flags), USER), JSON.stringify(flags)).toEqual([]);
    for (const flags of ['O_CLOEXEC|O_NONBLOCK', 0x80800, 'NO_SUCH_FLAG|UFFD_USER_MODE_ONLY'])
      expect(whyNot(uffd(flags), USER), JSON.stringify(flags)).toEqual([PLAIN]);
  });

  it('gives every reason a scenario cannot run', () => {
    const s = scenario({
      kernel: '>=4.11, <6.0',
      requires: { root: true, capSysPtrace: true, hugePages: 4, devUserfaultfd: true },
      steps: [
        { op: 'userfaultfd', flags: 'O_CLOEXEC', as: 'u' },
        { op: 'touch', thread: 'T1', addr: 'a', access: 'read' },
      ],
    });
    expect(whyNot(s, USER)).toEqual([
      'written for kernels >=4.11, <6.0; this one is 6.18',
      'needs root',
      'needs CAP_SYS_PTRACE',
      'needs /dev/userfaultfd: EACCES: root-only',
      PLAIN,
      'needs 4 free huge pages; 1 is free and only root can reserve more (vm.nr_hugepages)',
      'runs threads, which need the C helper: no C compiler (cc) found',
    ]);
    expect(whyNot(s, ROOT)).toEqual(['written for kernels >=4.11, <6.0; this one is 6.18']);
  });

  it('counts a hugetlb mapping as needing a huge page, and a kernel without hugetlb as never', () => {
    const s = scenario({ steps: [{ op: 'mmap', as: 'h', kind: 'hugetlb', len: '1h' }] });
    expect(whyNot(s, { ...ROOT, hugePages: { size: 0, total: 0, free: 0, reservable: false } })).toEqual([
      'needs 1 huge page; this kernel has no hugetlb',
    ]);
    expect(whyNot(s, ROOT)).toEqual([]);
  });
});

describe('checkScenarios', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'doctor-'));
    await writeFile(join(dir, 'b-ok.json'), JSON.stringify(scenario({ title: 'Fine' })));
    await writeFile(join(dir, 'a-old.json'), JSON.stringify(scenario({ title: 'Old', kernel: '4.3-4.10' })));
    await writeFile(join(dir, 'c-broken.json'), '{ "format": ');
    await writeFile(join(dir, 'notes.txt'), 'not a scenario');
  });
  afterAll(() => rm(dir, { recursive: true }));

  it('checks each scenario file, in name order, and says why a broken one cannot run', async () => {
    expect(await checkScenarios(dir, ROOT)).toEqual([
      {
        file: 'a-old.json',
        title: 'Old',
        runnable: false,
        why: ['written for kernels 4.3-4.10; this one is 6.18'],
      },
      { file: 'b-ok.json', title: 'Fine', runnable: true, why: [] },
      {
        file: 'c-broken.json',
        title: '',
        runnable: false,
        why: [expect.stringMatching(/^not a valid uffd-playground\/scenario@1 file: JSON: .* \(line 1\)$/)],
      },
    ]);
  });

  it('reports a folder it cannot read instead of failing', async () => {
    expect(await checkScenarios(join(dir, 'missing'), ROOT)).toEqual([]);
    const [only] = await checkScenarios(join(dir, 'b-ok.json'), ROOT);
    expect(only).toMatchObject({ runnable: false, why: [expect.stringMatching(/^cannot read it: ENOTDIR/)] });
  });

  it('prints as the --doctor output', async () => {
    const text = formatDoctor(await buildDoctor(USER, dir)).join('\n');
    expect(text).toContain('kernel        6.18.44 (x86_64), page size 4096');
    expect(text).toContain('user          uid 1000, CAP_SYS_PTRACE no');
    expect(text).toMatch(/userfaultfd\(2\) +not usable: EPERM/);
    expect(text).toContain('features      UFFD_FEATURE_EVENT_FORK UFFD_FEATURE_MOVE');
    expect(text).toContain('ioctls        UFFDIO_API UFFDIO_REGISTER');
    expect(text).toContain('huge pages    2 MiB: 1 free of 2');
    expect(text).toContain('C helper      not available: no C compiler (cc) found');
    expect(text).toContain('scenarios     1 of 3 can run here');
    expect(text).toContain('  ok  b-ok.json');
    expect(text).toContain('  no  a-old.json: written for kernels 4.3-4.10; this one is 6.18');
  });
});
