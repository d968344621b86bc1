// The engine behind a session: the simulator in the page (synchronous, so replay is instant) or the
// agent over a WebSocket. Both implement Backend; the session never needs to know which.

import type { Backend, BackendInfo } from '../../portable/model/backend';
import type { Operation } from '../../portable/model/operation';
import type { Result } from '../../portable/model/result';
import type { Snapshot } from '../../portable/model/snapshot';

export interface Engine extends Backend {
  /** The simulator runs synchronously; the session uses it for replay when it can. */
  runSync?(op: Operation): Result;
  /** The state now, without running anything (the simulator has it; the agent does not). */
  snapshot?(): Snapshot;
}

export type EngineFactory = (kernel: string) => Engine;

/** Runs ops in order: synchronously when the engine can, else as one batch. */
export async function runAll(engine: Engine, ops: readonly Operation[]): Promise<Result[]> {
  if (engine.runSync) return ops.map((op) => engine.runSync!(op));
  return ops.length ? engine.runBatch(ops) : [];
}

/** What a session looks like before its first operation: process main and its main thread. */
export function emptySnapshot(info: BackendInfo): Snapshot {
  return {
    pageSize: info.pageSize,
    hugePageSize: info.hugePageSize,
    processes: [{ name: 'main', pid: 1000, alive: true }],
    areas: [],
    registrations: [],
    uffds: [],
    fds: [],
    threads: [{ name: 'main', process: 'main', tid: 1000, state: 'idle' }],
  };
}
