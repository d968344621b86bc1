// Test fixtures for the agent: an agent on a free loopback port, clients over a real WebSocket.

import { WebSocket } from 'ws';
import type { Backend, BackendInfo } from '../../portable/model/backend';
import type { Operation } from '../../portable/model/operation';
import type { Result } from '../../portable/model/result';
import type { Snapshot, ThreadSnapshot } from '../../portable/model/snapshot';
import { AgentClient } from '../../portable/protocol/client';
import type { DoctorReport } from '../../portable/protocol/doctor';
import { DEFAULT_PAGE_ORIGIN } from '../../portable/protocol/protocol';
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
 * A stand-in backend: a touch blocks its thread, anything else wakes every blocked thread. It only
 * exercises the protocol; the kernel is exercised through the real executor.
 */
export class FakeBackend implements Backend {
  disposed = false;
  private threads = new Map<string, ThreadSnapshot>();
  info(): BackendInfo {
    return { engine: 'kernel', kernelVersion: '6.18', pageSize: 4096, hugePageSize: 2 << 20 };
  }
  private snapshot(): Snapshot {
    return {
      pageSize: 4096,
      hugePageSize: 2 << 20,
      processes: [{ name: 'main', pid: 1, alive: true }],
      areas: [],
      registrations: [],
      uffds: [],
      fds: [],
      threads: [...this.threads.values()],
    };
  }
  async run(op: Operation): Promise<Result> {
    if (op.op === 'touch') {
      this.threads.set(op.thread, {
        name: op.thread,
        process: 'main',
        tid: 2,
        state: 'blocked-fault',
        address: 0x1000n,
      });
      return { op, call: 'touch', ret: 0, blocked: true, snapshot: this.snapshot() };
    }
    for (const [name, t] of this.threads) this.threads.set(name, { ...t, state: 'done', address: undefined });
    return { op, call: op.op, ret: 0, snapshot: this.snapshot() };
  }
  async runBatch(ops: readonly Operation[]): Promise<Result[]> {
    const out: Result[] = [];
    for (const op of ops) out.push(await this.run(op));
    return out;
  }
  async reset(): Promise<void> {
    this.threads.clear();
  }
  async dispose(): Promise<void> {
    this.disposed = true;
  }
}

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
  readonly backends: Backend[];
}

export async function startTestAgent(overrides: Partial<AgentConfig> = {}): Promise<TestAgent> {
  const lines: string[] = [];
  const backends: Backend[] = [];
  const create = overrides.createBackend ?? (() => new FakeBackend());
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
