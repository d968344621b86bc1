// One connection's session: its own backend (the real-kernel executor), its requests run one at a
// time in arrival order, its idle timer, and its end — on disconnect, idle timeout or shutdown the
// backend is disposed (uffds closed first, which wakes blocked threads; threads joined; areas unmapped).

import type { WebSocket } from 'ws';
import type { Backend } from '../../portable/model/backend';
import type { Operation } from '../../portable/model/operation';
import type { Result } from '../../portable/model/result';
import type { Snapshot } from '../../portable/model/snapshot';
import { toWire } from '../../portable/model/wire';
import type { DoctorReport } from '../../portable/protocol/doctor';
import { formatDuration } from '../../portable/protocol/duration';
import {
  CLOSE_CODES,
  PROTOCOL_VERSION,
  type AgentLimits,
  type BatchSummary,
  type ErrorCode,
  type Reply,
  type Request,
  type RequestId,
  type ServerMessage,
} from '../../portable/protocol/protocol';
import { parseRequest } from '../../portable/protocol/schema';
import { printable } from './auth';
import { eventsBetween } from './events';

/** A backend whose batches may read only the last step's snapshot (the executor's can). */
export interface SessionBackend extends Backend {
  runBatch(ops: readonly Operation[], options?: { readonly snapshots?: 'each' | 'last' }): Promise<Result[]>;
}

export interface SessionDeps {
  readonly createBackend: (session: string) => SessionBackend | Promise<SessionBackend>;
  readonly doctor: () => Promise<DoctorReport>;
  readonly limits: AgentLimits;
  readonly log: (line: string) => void;
  /** Replies a page may leave unread before the agent gives up on it (one that floods and never reads). */
  readonly maxUnreadBytes: number;
}

/** Batches run in slices so a session that is closing stops between them. */
const BATCH_SLICE = 1000;

class StartError extends Error {}

const firstLine = (e: unknown): string => String(e instanceof Error ? e.message : e).split('\n')[0]!;

export class Session {
  readonly id: string;
  private readonly socket: WebSocket;
  private readonly deps: SessionDeps;
  private backend: Promise<SessionBackend> | undefined;
  private last: Snapshot | undefined;
  private queue: Promise<void> = Promise.resolve();
  /** Requests accepted and not yet answered: the one running and those waiting behind it. */
  private unanswered = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private closingReason: string | undefined;
  private disposal: Promise<void> | undefined;

  constructor(id: string, socket: WebSocket, deps: SessionDeps) {
    this.id = id;
    this.socket = socket;
    this.deps = deps;
    socket.on('message', (data, isBinary) => this.receive(data as Buffer, isBinary));
    socket.on('close', (code) => void this.end(`disconnected (${code})`));
    socket.on('error', (e) => deps.log(`session ${id}: ${firstLine(e)}`));
    this.armIdle();
  }

  /** Tells the page why, closes the connection, and disposes the session. */
  close(reason: string, code: number): Promise<void> {
    if (this.closingReason === undefined) {
      this.send({ type: 'closing', reason });
      this.socket.close(code, reason.slice(0, 120));
    }
    return this.end(reason);
  }

  /** Resolves when the backend is disposed; the first call starts it. */
  end(reason: string): Promise<void> {
    if (this.disposal) return this.disposal;
    this.closingReason = reason;
    clearTimeout(this.idleTimer);
    this.deps.log(`session ${this.id}: ended: ${reason}`);
    this.disposal = (async () => {
      await this.queue;
      const backend = await this.backend?.catch(() => undefined);
      try {
        await backend?.dispose();
      } catch (e) {
        this.deps.log(`session ${this.id}: disposing failed: ${e instanceof Error ? e.stack : e}`);
      }
      if (this.socket.readyState !== this.socket.CLOSED) this.socket.terminate();
    })();
    return this.disposal;
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer);
    if (this.closingReason !== undefined) return;
    this.idleTimer = setTimeout(() => {
      void this.close(`idle for ${formatDuration(this.deps.limits.idleMs)}`, CLOSE_CODES.IDLE_TIMEOUT);
    }, this.deps.limits.idleMs);
  }

  private send(msg: ServerMessage): void {
    if (this.socket.readyState !== this.socket.OPEN || this.closingReason !== undefined) return;
    let text: string;
    try {
      text = toWire(msg);
    } catch (e) {
      // A reply too large for one string: say so instead of the reply.
      if (!('id' in msg) || !(e instanceof RangeError)) throw e;
      text = toWire({
        type: 'error',
        id: msg.id,
        code: 'limit',
        message: "the reply is too large to send; run long batches with keep: 'last'",
      } satisfies Reply);
    }
    if (this.socket.bufferedAmount > this.deps.maxUnreadBytes) {
      const reason = 'the page is not reading the replies';
      this.socket.close(CLOSE_CODES.NOT_READING, reason);
      void this.end(reason);
      return;
    }
    this.socket.send(text);
  }

  private fail(id: RequestId | null, code: ErrorCode, message: string, field?: string): void {
    this.send({ type: 'error', id, code, message, ...(field ? { field } : {}) });
  }

  private receive(data: Buffer, isBinary: boolean): void {
    try {
      this.armIdle();
      if (this.closingReason !== undefined) {
        return this.fail(null, 'closed', `the session is closing: ${this.closingReason}`);
      }
      if (isBinary) return this.fail(null, 'bad-message', 'binary frames are not accepted; send JSON text');
      const { maxMessageBytes, maxQueued, maxBatchOps } = this.deps.limits;
      if (data.byteLength > maxMessageBytes) {
        return this.fail(
          null,
          'limit',
          `the message is ${data.byteLength} bytes; the agent takes at most ${maxMessageBytes}`,
        );
      }
      const parsed = parseRequest(data.toString('utf8'), { maxBatchOps });
      if (!parsed.ok) {
        const { id, code, message, field } = parsed.error;
        return this.fail(id, code, message, field);
      }
      const req = parsed.value;
      if (req.type === 'hello') {
        if (this.backend) return this.fail(req.id, 'no-hello', 'hello was already done on this connection');
        if (req.version !== PROTOCOL_VERSION) {
          return this.fail(
            req.id,
            'bad-version',
            `the agent speaks protocol version ${PROTOCOL_VERSION}, the page ${req.version}: reload the page or update the agent`,
          );
        }
        this.backend = Promise.resolve().then(() => this.deps.createBackend(this.id));
        this.backend.catch(() => {}); // the hello reply reports it
        this.deps.log(`session ${this.id}: hello from ${printable(req.client ?? 'a client')}`);
      } else if (!this.backend) {
        return this.fail(
          req.id,
          'no-hello',
          `the first request must be hello (protocol version ${PROTOCOL_VERSION})`,
        );
      }
      if (this.unanswered > maxQueued) {
        return this.fail(
          req.id,
          'limit',
          `at most ${maxQueued} requests may wait; wait for replies before sending more`,
        );
      }
      this.enqueue(req);
    } catch (e) {
      this.deps.log(`session ${this.id}: ${e instanceof Error ? e.stack : e}`);
      this.fail(null, 'internal', 'the agent could not handle that message; its console has details');
    }
  }

  private enqueue(req: Request): void {
    this.unanswered++;
    this.queue = this.queue.then(async () => {
      clearTimeout(this.idleTimer);
      try {
        if (this.closingReason !== undefined) {
          return this.fail(req.id, 'closed', `the session is closing: ${this.closingReason}`);
        }
        await this.serve(req);
      } catch (e) {
        this.deps.log(`session ${this.id}: ${req.type} failed: ${e instanceof Error ? e.stack : e}`);
        const message =
          e instanceof StartError ? e.message : `${req.type} failed in the agent: ${firstLine(e)}`;
        this.fail(req.id, 'internal', message);
      } finally {
        this.unanswered--;
        this.armIdle();
      }
    });
  }

  private async session(): Promise<SessionBackend> {
    try {
      return await this.backend!;
    } catch (e) {
      throw new StartError(`the session could not start: ${firstLine(e)}`);
    }
  }

  private async serve(req: Request): Promise<void> {
    switch (req.type) {
      case 'hello': {
        const backend = await this.session();
        return this.send({
          type: 'hello',
          id: req.id,
          version: PROTOCOL_VERSION,
          info: backend.info(),
          limits: this.deps.limits,
        });
      }
      case 'run': {
        const result = await (await this.session()).run(req.op);
        this.observe([result]);
        return this.send({ type: 'result', id: req.id, result });
      }
      case 'runBatch': {
        const { results, summary } = await this.runBatch(req.ops, req.keep ?? 'all');
        return this.send({ type: 'results', id: req.id, results, summary });
      }
      case 'reset':
        await (await this.session()).reset();
        this.last = undefined;
        return this.send({ type: 'reset', id: req.id });
      case 'doctor':
        return this.send({ type: 'doctor', id: req.id, doctor: await this.deps.doctor() });
    }
  }

  private async runBatch(
    ops: Extract<Request, { type: 'runBatch' }>['ops'],
    keep: 'all' | 'last',
  ): Promise<{ results: Result[]; summary: BatchSummary }> {
    const backend = await this.session();
    const kept: Result[] = [];
    let errnos = 0;
    let usageErrors = 0;
    for (let i = 0; i < ops.length; i += BATCH_SLICE) {
      if (this.closingReason !== undefined) throw new Error(`the session closed after ${i} operations`);
      const slice = await backend.runBatch(ops.slice(i, i + BATCH_SLICE), {
        snapshots: keep === 'all' ? 'each' : 'last',
      });
      for (const r of slice) {
        if (r.usageError) usageErrors++;
        else if (r.ret === -1 && r.errno !== undefined) errnos++;
      }
      if (keep === 'all') {
        this.observe(slice);
        kept.push(...slice);
      } else if (slice.length) {
        kept.splice(0, kept.length, slice.at(-1)!);
      }
    }
    if (keep === 'last') this.observe(kept);
    return { results: kept, summary: { ops: ops.length, errnos, usageErrors } };
  }

  /** Sends the events these results show, in order, before their reply. */
  private observe(results: readonly Result[]): void {
    for (const r of results) {
      for (const event of eventsBetween(this.last, r.snapshot)) this.send(event);
      this.last = r.snapshot;
    }
  }
}
