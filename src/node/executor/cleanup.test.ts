// Ending a session leaves nothing behind: no thread blocked, no child, no mapping in the region,
// no fd, no huge page; and a process with blocked threads still exits on a signal or exit().
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REGION_BASE, REGION_SIZE, MAX_REGIONS } from './region';
import { K } from './test-kit';

const ROOT = join(import.meta.dirname, '..', '..', '..');

function tasksBlocked(): string[] {
  return readdirSync('/proc/self/task')
    .map((t) => readFileSync(`/proc/self/task/${t}/wchan`, 'utf8'))
    .filter((w) => w.includes('userfault'));
}

function regionMappings(): string[] {
  const end = REGION_BASE + REGION_SIZE * BigInt(MAX_REGIONS);
  return readFileSync('/proc/self/maps', 'utf8')
    .split('\n')
    .filter((l) => {
      const start = BigInt(`0x${l.split('-')[0] || '0'}`);
      return l && start >= REGION_BASE && start < end;
    });
}

const fds = () => readdirSync('/proc/self/fd').length;

let k: K | undefined;
afterEach(() => k?.dispose());

describe('dispose', () => {
  it('releases blocked faults, events, a pending fork and a child, then unmaps everything', async () => {
    // Threads are pooled workers with fds of their own: start the four this test uses first.
    k = await K.open();
    for (const t of ['T1', 'T2', 'T3']) await k.run({ op: 'signal', thread: t, signal: 'SIGUSR1' });
    await k.mmap('w', 'anon', '1p');
    for (const t of ['T1', 'T2', 'T3']) await k.touch(t, 'w', 'read');
    await k.dispose();
    const fdsBefore = fds();
    k = await K.open();
    await k.mmap('a', 'anon', '8p');
    await k.mmap('s', 'memfd', '2p', { file: 'f' });
    await k.mmap('r', 'file', '1p');
    await k.uffd('uffd', ['UFFD_FEATURE_EVENT_REMOVE', 'UFFD_FEATURE_EVENT_FORK']);
    await k.register('uffd', 'a', '8p', 'MISSING');
    await k.copy('uffd', 'a+7p', '1p', 1);
    await k.run({ op: 'fork', child: 'c1' });
    await k.read('uffd');
    await k.touch('c1', 'a+6p', 'read');
    await k.touch('T1', 'a', 'read');
    await k.run({ op: 'madvise', thread: 'T2', addr: 'a+7p', len: '1p', advice: 'MADV_DONTNEED' });
    await k.run({ op: 'fork', thread: 'T3', child: 'c2' });
    expect(k.last.snapshot.threads.map((t) => t.state)).toEqual([
      'done',
      'blocked-fault',
      'blocked-fault',
      'blocked-event',
      'blocked-event',
      'idle',
    ]);
    const child = k.last.snapshot.processes.find((p) => p.name === 'c1')!.pid;
    expect(tasksBlocked()).toHaveLength(3);
    expect(regionMappings().length).toBeGreaterThan(0);

    await k.dispose();
    k = undefined;
    expect(tasksBlocked()).toEqual([]);
    expect(regionMappings()).toEqual([]);
    expect(existsSync(`/proc/${child}`)).toBe(false);
    expect(fds()).toBe(fdsBefore);
  });

  it('reset starts an empty session that works', async () => {
    k = await K.open();
    await k.mmap('a', 'anon', '1p');
    await k.uffd('uffd');
    await k.register('uffd', 'a', '1p', 'MISSING');
    await k.touch('T1', 'a', 'read');
    await k.x.reset();
    expect(tasksBlocked()).toEqual([]);
    const r = await k.run({ op: 'mmap', as: 'a', kind: 'anon', len: '1p' });
    expect(r.ret).not.toBe(-1);
    expect(r.snapshot.threads.map((t) => [t.name, t.state])).toEqual([['main', 'done']]);
    expect(r.snapshot.uffds).toEqual([]);
  });

  it('answers nothing after dispose', async () => {
    k = await K.open();
    await k.dispose();
    expect((await k.run({ op: 'poll', fd: 'x' })).usageError?.message).toMatch(/disposed/);
    k = undefined;
  });
});

describe('a process with blocked threads', () => {
  it.each([
    ['sigterm', 143],
    ['exit', 3],
    ['exit-hook-only', 3],
  ])('still ends on %s', (how, code) => {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'cleanup-fixture.ts'), how],
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 20_000,
        // A process hung in its exit takes no SIGTERM: the test must fail, not hang with it.
        killSignal: 'SIGKILL',
      },
    );
    expect(r.stdout).toContain('blocked');
    expect(r.signal).toBeNull();
    expect(r.status).toBe(code);
  });
});
