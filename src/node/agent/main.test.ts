// `npm run agent` as a user runs it: a process of its own, its printed link, its doctor, its
// answers to bad options, and a clean stop on SIGTERM with a thread of a session asleep in a fault.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { AgentClient } from '../../portable/protocol/client';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const MAIN = join(ROOT, 'src', 'node', 'agent', 'main.ts');
/** Node with tsx as a loader, so the process spawned is the agent itself (the tsx command forks one more). */
const AGENT = [process.execPath, ['--import', 'tsx', MAIN]] as const;

const agentSync = (...args: string[]) =>
  spawnSync(AGENT[0], [...AGENT[1], ...args], { cwd: ROOT, encoding: 'utf8' });

let running: ChildProcess | undefined;
afterEach(() => {
  if (running?.exitCode === null) running.kill('SIGKILL');
  running = undefined;
});

/** Starts the agent and resolves with its printed link's agent URL and token, and what it printed. */
function startAgentProcess(...args: string[]): Promise<{ url: string; token: string; out: () => string }> {
  const child = spawn(AGENT[0], [...AGENT[1], '--port', '0', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running = child;
  let out = '';
  child.stderr.on('data', (d: Buffer) => (out += d));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the agent exited (${code}):\n${out}`)));
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      const link = /(http:\/\/\S+\?agent=(\S+)&token=(\S+))/.exec(out);
      if (link && out.includes('Ctrl-C')) resolve({ url: link[2]!, token: link[3]!, out: () => out });
    });
  });
}

const blockedInUserfault = (pid: number): number =>
  readdirSync(`/proc/${pid}/task`).filter((t) =>
    readFileSync(`/proc/${pid}/task/${t}/wchan`, 'utf8').includes('userfault'),
  ).length;

describe('npm run agent', { timeout: 60_000 }, () => {
  it('prints the doctor and exits', () => {
    const r = agentSync('--doctor');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^kernel +\d+\.\d+/m);
    expect(r.stdout).toMatch(/^userfaultfd$/m);
    expect(r.stdout).toMatch(/^huge pages /m);
    expect(r.stdout).toMatch(/^scenarios /m);
  });

  it('answers a bad option with what is wrong, not a stack trace', () => {
    const r = agentSync('--port', 'many');
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe("agent: --port wants a whole number from 0 to 65535; got 'many'");
    expect(agentSync('--bogus').stderr).toMatch(/^agent: Unknown option '--bogus'.*; see --help$/m);
    expect(agentSync('--help').stdout).toMatch(/^Usage: npm run agent -- \[options\]/);
  });

  it('says so when its port is taken', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => taken.once('listening', r));
    const port = (taken.address() as AddressInfo).port;
    const r = agentSync('--port', String(port));
    taken.close();
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(
      `agent: port ${port} on 127.0.0.1 is in use (another agent?); pick another with --port`,
    );
  });

  it('prints a link with a fresh token, serves it, and stops cleanly on SIGTERM', async () => {
    const { url, token, out } = await startAgentProcess();
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const client = await AgentClient.connect({ url, token, WebSocket });
    await client.runBatch([
      { op: 'mmap', as: 'a', kind: 'anon', len: '1p' },
      { op: 'userfaultfd', flags: ['O_CLOEXEC', 'O_NONBLOCK'], as: 'uffd' },
      { op: 'ioctl', fd: 'uffd', request: 'UFFDIO_API', arg: { api: 'UFFD_API' } },
      {
        op: 'ioctl',
        fd: 'uffd',
        request: 'UFFDIO_REGISTER',
        arg: { range: { start: 'a', len: '1p' }, mode: 'UFFDIO_REGISTER_MODE_MISSING' },
      },
    ]);
    await client.run({ op: 'touch', thread: 'T1', addr: 'a', access: 'read' });
    // The agent settles for 2 s at most; on a busy machine the thread may get to its fault later.
    const pid = running!.pid!;
    while (blockedInUserfault(pid) === 0) await new Promise((r) => setTimeout(r, 20));

    const closed = new Promise<string>((resolve) => client.onClose(resolve));
    const exited = new Promise<number | null>((resolve) => running!.once('exit', resolve));
    running!.kill('SIGTERM');
    expect(await closed).toBe('the agent closed the session: the agent is shutting down');
    expect(await exited).toBe(0);
    expect(out()).toMatch(/SIGTERM: ending every session[\s\S]*session s1: ended[\s\S]*stopped/);

    // A second agent gets a different token.
    const again = await startAgentProcess();
    expect(again.token).not.toBe(token);
  });
});
