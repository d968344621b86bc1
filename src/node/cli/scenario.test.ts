// The scenario CLI as a user runs it: a child process, its output and its exit code.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fromWire } from '../../portable/model/wire';

const ROOT = resolve(import.meta.dirname, '../../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const CLI = join(ROOT, 'src/node/cli/scenario.ts');
const dir = mkdtempSync(join(tmpdir(), 'scenario-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

function cli(...args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(TSX, [CLI, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } }, (e, out, err) =>
      done({ code: e ? ((e as { code?: number }).code ?? -1) : 0, out, err }),
    );
  });
}

function file(name: string, doc: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2));
  return path;
}

const STEPS = [
  { op: 'mmap', as: 'a', kind: 'anon', len: '2p', say: 'Two pages.' },
  { op: 'userfaultfd', flags: 'O_CLOEXEC|O_NONBLOCK', as: 'uffd' },
  { op: 'ioctl', fd: 'uffd', request: 'UFFDIO_API', arg: { api: 'UFFD_API' }, expect: { ret: 0 } },
  {
    op: 'ioctl',
    fd: 'uffd',
    request: 'UFFDIO_REGISTER',
    arg: { range: { start: 'a', len: '2p' }, mode: 'UFFDIO_REGISTER_MODE_MISSING' },
  },
  {
    op: 'ioctl',
    fd: 'uffd',
    request: 'UFFDIO_COPY',
    arg: { dst: 'a', src: { fill: 65 }, len: '1p' },
    expect: { ret: 0, struct: { copy: '1p' }, pages: { a: 'present' } },
  },
  {
    op: 'ioctl',
    fd: 'uffd',
    request: 'UFFDIO_COPY',
    arg: { dst: 'a', src: { fill: 66 }, len: '1p' },
    expect: { errno: 'EEXIST', struct: { copy: '-EEXIST' } },
  },
];
const scenario = (steps: readonly object[]) => ({
  format: 'uffd-playground/scenario@1',
  title: 'cli test',
  steps,
});

describe('npm run scenario', () => {
  it('prints each step readably and exits 0 when everything is as expected', async () => {
    const r = await cli(file('good.json', scenario(STEPS)), '--engine', 'kernel');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('# Two pages.');
    expect(r.out).toMatch(/\* copy +0 -> 4096 \(1p\)/);
    expect(r.out).toMatch(/6\. ioctl\(\d+, UFFDIO_COPY, .*= -1 EEXIST \(File exists\)/);
    expect(r.out).toContain('* copy  0 -> -17 (-EEXIST)');
    expect(r.out).toContain('page a: missing -> present (41)');
    expect(r.out).toContain('registered a..a+2p UFFDIO_REGISTER_MODE_MISSING on uffd');
    expect(r.out).toContain('PASSED: 6 steps as expected');
  });

  it('exits 1 and names the step and field when a result differs', async () => {
    const steps: object[] = STEPS.slice();
    steps[5] = { ...STEPS[5]!, expect: { errno: 'EAGAIN', struct: { copy: '-EEXIST' } } };
    const r = await cli(file('bad.json', scenario(steps)), '--engine', 'kernel');
    expect(r.code).toBe(1);
    expect(r.out).toContain('MISMATCH errno: expected EAGAIN, got EEXIST');
    expect(r.out).toContain('step 6 (ioctl) errno: expected EAGAIN, got EEXIST');
  });

  it('runs on the simulator by default, as the kernel version --kernel names', async () => {
    const lib = join(ROOT, 'scenarios/api-second-handshake.json');
    const now = await cli(lib);
    expect(now.code).toBe(0);
    expect(now.out).toContain('engine: simulator, kernel 6.18');
    expect(now.out).toContain('as expected (for kernels >=5.15)');
    const old = await cli(lib, '--kernel', '5.10');
    expect(old.code).toBe(0);
    expect(old.out).toContain('engine: simulator, kernel 5.10');
    expect(old.out).toContain('as expected (for kernels *)');
    const na = await cli(join(ROOT, 'scenarios/move-resolves-fault.json'), '--kernel', '6.6');
    expect(na.code).toBe(0);
    expect(na.out).toContain('not applicable: the scenario is for kernels >=6.8; this backend runs 6.6');
  });

  it('prints the results as JSON with --json', async () => {
    const r = await cli(file('json.json', scenario(STEPS)), '--engine', 'kernel', '--json');
    expect(r.code).toBe(0);
    const report = fromWire<{ status: string; steps: { result: { ret: number; addr?: bigint } }[] }>(r.out);
    expect(report.status).toBe('passed');
    expect(report.steps).toHaveLength(6);
    expect(typeof report.steps[0]!.result.addr).toBe('bigint');
  });

  it("gives a malformed file the validator's errors, with line and column, and no stack trace", async () => {
    const text = JSON.stringify(
      scenario([
        { op: 'mmapp', as: 'a', kind: 'anon', len: '1p' },
        { op: 'poll', fd: 'x' },
      ]),
      null,
      2,
    );
    const r = await cli(file('malformed.json', text));
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/malformed\.json:6:13: step 1: unknown op 'mmapp' — did you mean 'mmap'\?/);
    expect(r.err).toMatch(/malformed\.json:\d+:\d+: step 2 \(poll\): fd: unknown fd 'x'/);
    expect(r.err).not.toMatch(/\bat .*\.ts:\d+/);
    const broken = await cli(
      file('broken.json', '{"format": "uffd-playground/scenario@1",\n  "title": "x" "steps": []}'),
    );
    expect(broken.code).toBe(2);
    expect(broken.err).toMatch(/broken\.json:2:16: JSON: expected ',' or '}' after the value of 'title'/);
  });

  it('says what is wrong with the command line or a missing file', async () => {
    const r = await cli('x.json', '--engine', 'qemu');
    expect(r.code).toBe(2);
    expect(r.err).toContain("--engine takes sim or kernel, not 'qemu'");
    expect(r.err).toContain('usage: npm run scenario');
    const missing = await cli(join(dir, 'nope.json'));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('nope.json: cannot read it: ENOENT');
  });
});
