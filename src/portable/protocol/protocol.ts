// The agent's protocol: JSON text frames over one WebSocket, one session per connection.
// The page sends requests, each with an id, and gets exactly one reply with that id (or an error
// with that id). The agent also sends one-way events, which carry no id. The first request must be
// `hello`. Requests hold no bigints (operations are names and expressions); replies and events are
// wire.ts JSON, so results keep their bigints, byte arrays and maps.

import type { BackendInfo } from '../model/backend';
import type { FdName, Operation, ProcessName, ThreadName } from '../model/operation';
import type { Result } from '../model/result';
import type { DoctorReport } from './doctor';

/** Bumped on any change either side would misread. */
export const PROTOCOL_VERSION = 1;

export const DEFAULT_AGENT_PORT = 7317;
/** The playground's dev server; the agent accepts its Origin by default. */
export const DEFAULT_PAGE_ORIGIN = 'http://127.0.0.1:5173';

export type RequestId = number;

/** What a batch reply carries: every result, or only the last (a long loop run for its rate). */
export type BatchKeep = 'all' | 'last';

export type Request =
  | { readonly type: 'hello'; readonly id: RequestId; readonly version: number; readonly client?: string }
  | { readonly type: 'run'; readonly id: RequestId; readonly op: Operation }
  | {
      readonly type: 'runBatch';
      readonly id: RequestId;
      readonly ops: readonly Operation[];
      readonly keep?: BatchKeep;
    }
  /** Back to an empty session: uffds closed, threads released, areas unmapped. */
  | { readonly type: 'reset'; readonly id: RequestId }
  | { readonly type: 'doctor'; readonly id: RequestId };

export const REQUEST_TYPES = [
  'hello',
  'run',
  'runBatch',
  'reset',
  'doctor',
] as const satisfies readonly Request['type'][];

/** The agent's caps, told in the hello reply so the page can stay within them. */
export interface AgentLimits {
  /** Longest request accepted, in bytes of JSON text. */
  readonly maxMessageBytes: number;
  readonly maxBatchOps: number;
  /** Requests a session may have waiting behind the one running. */
  readonly maxQueued: number;
  /** A session with no request for this long is closed. */
  readonly idleMs: number;
}

export interface BatchSummary {
  /** Operations run. */
  readonly ops: number;
  /** Of those, how many returned -1 with an errno, and how many were refused (usageError). */
  readonly errnos: number;
  readonly usageErrors: number;
}

export type ErrorCode =
  /** Not JSON, not a request, or a field of the wrong shape: `field` says which. */
  | 'bad-message'
  /** hello with a protocol version the agent does not speak. */
  | 'bad-version'
  /** A request before hello, or a second hello. */
  | 'no-hello'
  /** Over one of the agent's caps (message size, batch length, queued requests). */
  | 'limit'
  /** The session could not be set up or failed unexpectedly; the agent's console has details. */
  | 'internal'
  /** The session is closing (idle timeout, disconnect, agent shutting down). */
  | 'closed';

export const ERROR_CODES = [
  'bad-message',
  'bad-version',
  'no-hello',
  'limit',
  'internal',
  'closed',
] as const satisfies readonly ErrorCode[];

export type Reply =
  | {
      readonly type: 'hello';
      readonly id: RequestId;
      readonly version: number;
      readonly info: BackendInfo;
      readonly limits: AgentLimits;
    }
  | { readonly type: 'result'; readonly id: RequestId; readonly result: Result }
  | {
      readonly type: 'results';
      readonly id: RequestId;
      /** Every result, or with `keep: 'last'` only the last one. */
      readonly results: readonly Result[];
      readonly summary: BatchSummary;
    }
  | { readonly type: 'reset'; readonly id: RequestId }
  | { readonly type: 'doctor'; readonly id: RequestId; readonly doctor: DoctorReport }
  | {
      readonly type: 'error';
      /** null when the message was too broken to find its id. */
      readonly id: RequestId | null;
      readonly code: ErrorCode;
      readonly message: string;
      /** The request field at fault, as a path: `op.arg.range.start`, `ops[3].len`. */
      readonly field?: string;
    };

/**
 * One-way news from the agent, sent before the reply of the request that caused it. They are read off
 * the snapshots: a thread entered a blocked state; a thread that was blocked (or still running) ended;
 * a uffd that had nothing to read now has something.
 */
export type AgentEvent =
  | {
      readonly type: 'thread-blocked';
      readonly thread: ThreadName;
      readonly process: ProcessName;
      readonly in: 'fault' | 'event';
      readonly address?: bigint;
      readonly uffd?: FdName;
    }
  | {
      readonly type: 'thread-finished';
      readonly thread: ThreadName;
      readonly process: ProcessName;
      readonly state: 'done' | 'sigbus' | 'exited';
    }
  | {
      readonly type: 'readable';
      readonly uffd: FdName;
      /** Faults and events waiting to be read. */
      readonly pending: number;
      readonly events: number;
    }
  /** The agent is about to close the session, and why. */
  | { readonly type: 'closing'; readonly reason: string };

export const EVENT_TYPES = [
  'thread-blocked',
  'thread-finished',
  'readable',
  'closing',
] as const satisfies readonly AgentEvent['type'][];

export type ServerMessage = Reply | AgentEvent;

/** WebSocket close codes the agent uses, besides the standard ones (1001 going away, 1009 too big). */
export const CLOSE_CODES = {
  IDLE_TIMEOUT: 4000,
  /** The page sent requests without reading the replies until too much piled up. */
  NOT_READING: 4001,
} as const;
