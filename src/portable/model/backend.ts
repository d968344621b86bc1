// The one interface both engines implement: the simulator in the page, the agent over a WebSocket.

import type { Operation } from './operation';
import type { Result } from './result';

export interface BackendInfo {
  readonly engine: 'simulator' | 'kernel';
  /** e.g. `6.18` (simulator: the profile; kernel: uname -r). */
  readonly kernelVersion: string;
  readonly pageSize: number;
  readonly hugePageSize: number;
}

export interface Backend {
  info(): BackendInfo;
  /** Runs one operation and returns what it did. Never rejects for a kernel error (that is errno). */
  run(op: Operation): Promise<Result>;
  /** Runs several in order without a round trip each. */
  runBatch(ops: readonly Operation[]): Promise<Result[]>;
  /** Back to an empty session: every uffd closed, threads released, areas unmapped. */
  reset(): Promise<void>;
  dispose(): Promise<void>;
}
