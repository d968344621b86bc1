// Test fixtures for the agent: an agent on a free loopback port whose sessions run on the real kernel,
// clients over a real WebSocket.

import { readdirSync, readFileSync } from 'node:fs';
import { WebSocket } from 'ws';
import { AgentClient } from '../../portable/protocol/client';
import type { DoctorReport } from '../../portable/protocol/doctor';
import { DEFAULT_PAGE_ORIGIN } from '../../portable/protocol/protocol';
import type { KernelExecutor } from '../executor';
import type { KernelFacts } from './doctor';
import { createKernelSession } from './kernel';
import type { SessionBackend } from './session';
import {
  DEFAULT_HARD_MAX_PAYLOAD,
  DEFAULT_LIMITS,
  DEFAULT_MAX_UNREAD_BYTES,
  startAgent,
  type AgentConfig,
  type RunningAgent,
} from './server';

export const TEST_TOKEN = 'test-token-0123456789abcdef0123456789abcdef';

/**
 * A session on the real kernel that waits longer for threads to settle than the agent does: tests
 * share two cores with other work, and a thread that has not reached its fault in time would be
 * reported `running`.
 */
export const testSession = (): Promise<KernelExecutor> => createKernelSession({ settleTimeoutMs: 15_000 });

/** The real executor with some of its methods replaced: to make a session slow, or fail on purpose. */
export async function wrapped(
  overrides: (real: SessionBackend) => Partial<SessionBackend>,
): Promise<SessionBackend> {
  const real = await testSession();
  const plain: SessionBackend = {
    info: () => real.info(),
    run: (op) => real.run(op),
    runBatch: (ops, options) => real.runBatch(ops, options),
    reset: () => real.reset(),
    dispose: () => real.dispose(),
  };
  return { ...plain, ...overrides(real) };
}

/** The doctor's facts as root with everything. */
export const ROOT_FACTS: KernelFacts = {
  kernel: { release: '6.18.44', version: '6.18', arch: 'x86_64', pageSize: 4096 },
  user: { uid: 0, root: true, capSysPtrace: true },
  unprivilegedUserfaultfd: 0,
  access: [
    { way: 'syscall', usable: true, detail: 'all faults, as root' },
    { way: 'syscall-user-mode-only', usable: true, detail: 'user faults only' },
    { way: 'dev-userfaultfd', usable: true, detail: 'works' },
  ],
  api: {
    features: ['UFFD_FEATURE_EVENT_FORK', 'UFFD_FEATURE_MOVE'],
    ioctls: ['_UFFDIO_API', '_UFFDIO_REGISTER'],
  },
  hugePages: { size: 2 << 20, total: 0, free: 0, reservable: true },
  helper: { available: true, detail: 'built' },
};

/** ... and as a user: no CAP_SYS_PTRACE, one free huge page, no C compiler. */
export const USER_FACTS: KernelFacts = {
  ...ROOT_FACTS,
  user: { uid: 1000, root: false, capSysPtrace: false },
  access: [
    { way: 'syscall', usable: false, detail: 'EPERM: needs CAP_SYS_PTRACE' },
    { way: 'syscall-user-mode-only', usable: true, detail: 'user faults only' },
    { way: 'dev-userfaultfd', usable: false, detail: 'EACCES: root-only' },
  ],
  hugePages: { size: 2 << 20, total: 2, free: 1, reservable: false },
  helper: { available: false, detail: 'no C compiler (cc) found' },
};

export const FAKE_DOCTOR: DoctorReport = {
  kernel: { release: '6.18.0-test', version: '6.18', arch: 'x86_64', pageSize: 4096 },
  user: { uid: 0, root: true, capSysPtrace: true },
  unprivilegedUserfaultfd: 0,
  access: [{ way: 'syscall', usable: true, detail: 'as root' }],
  api: { features: ['UFFD_FEATURE_MOVE'], ioctls: ['UFFDIO_API'] },
  hugePages: { size: 2 << 20, total: 0, free: 0, reservable: true },
  helper: { available: true, detail: 'built' },
  cannot: [],
  scenarios: [],
};

export interface TestAgent extends RunningAgent {
  readonly lines: string[];
  readonly backends: SessionBackend[];
}

export async function startTestAgent(overrides: Partial<AgentConfig> = {}): Promise<TestAgent> {
  const lines: string[] = [];
  const backends: SessionBackend[] = [];
  const create = overrides.createBackend ?? testSession;
  const agent = await startAgent({
    host: '127.0.0.1',
    port: 0,
    token: TEST_TOKEN,
    origins: [DEFAULT_PAGE_ORIGIN],
    limits: DEFAULT_LIMITS,
    maxSessions: 4,
    hardMaxPayload: DEFAULT_HARD_MAX_PAYLOAD,
    maxUnreadBytes: DEFAULT_MAX_UNREAD_BYTES,
    doctor: async () => FAKE_DOCTOR,
    log: (line) => lines.push(line),
    ...overrides,
    createBackend: async (id) => {
      const b = await create(id);
      backends.push(b);
      return b;
    },
  });
  return Object.assign(agent, { lines, backends });
}

export function connect(agent: RunningAgent, token = TEST_TOKEN): Promise<AgentClient> {
  return AgentClient.connect({ url: agent.url, token, WebSocket, client: 'test' });
}

/** A raw socket, for sending what AgentClient never would. Resolves once open. */
export function rawSocket(
  agent: RunningAgent,
  { token = TEST_TOKEN, origin }: { token?: string | undefined; origin?: string } = {},
): Promise<WebSocket> {
  const url = token === undefined ? `${agent.url}/` : `${agent.url}/?token=${encodeURIComponent(token)}`;
  const ws = new WebSocket(url, origin ? { origin } : {});
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/** Sends text and resolves with the next message's parsed JSON. */
export function exchange(ws: WebSocket, text: string): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    ws.once('message', (data) => resolve(JSON.parse(String(data)) as Record<string, unknown>));
    ws.send(text);
  });
}

/** Threads of this process asleep in a userfaultfd wait (a fault or an event). */
export function tasksBlockedInUserfault(): number {
  return readdirSync('/proc/self/task').filter((t) => {
    try {
      return readFileSync(`/proc/self/task/${t}/wchan`, 'utf8').includes('userfault');
    } catch {
      return false; // the task ended meanwhile
    }
  }).length;
}

/**
 * The executor answers `blocked` once the kernel has queued the thread's fault; the thread may take
 * a moment more to go to sleep in it. Waits (up to 10 s) until `n` tasks sleep in a userfault, and
 * returns how many do.
 */
export async function tasksAsleepInUserfault(n: number): Promise<number> {
  const deadline = Date.now() + 10_000;
  let now = tasksBlockedInUserfault();
  while (now !== n && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
    now = tasksBlockedInUserfault();
  }
  return now;
}

/** Lines of /proc/self/maps overlapping any of these ranges. */
export function mappingsOver(ranges: readonly { readonly start: bigint; readonly len: bigint }[]): string[] {
  return readFileSync('/proc/self/maps', 'utf8')
    .split('\n')
    .filter((line) => {
      const m = /^([0-9a-f]+)-([0-9a-f]+) /.exec(line);
      if (!m) return false;
      const [lo, hi] = [BigInt(`0x${m[1]}`), BigInt(`0x${m[2]}`)];
      return ranges.some((r) => lo < r.start + r.len && r.start < hi);
    });
}

/** Whether the executor behind a session has been disposed: it then refuses every operation. */
export async function isDisposed(backend: SessionBackend): Promise<boolean> {
  const r = await backend.run({ op: 'poll', fd: 'u' });
  return /disposed/.test(r.usageError?.message ?? '');
}
