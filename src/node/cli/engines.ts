// The engines the CLI and the differential harness run scenarios on.

import type { Backend } from '../../portable/model/backend';
import { createSimulator } from '../../portable/kernel';
import { KernelExecutor } from '../executor';

export type EngineKind = 'sim' | 'kernel';

/**
 * How long the executor waits for a thread to finish or block before calling it running: longer
 * than its default, since a machine busy with other work can take seconds to schedule a thread.
 */
export const SETTLE_MS = 10_000;

/** The simulated kernel playing `kernel` (default: the newest), or this machine's kernel. */
export async function createEngine(kind: EngineKind, kernel?: string): Promise<Backend> {
  if (kind === 'kernel') return KernelExecutor.create({ settleTimeoutMs: SETTLE_MS });
  return createSimulator(kernel !== undefined ? { kernel } : {});
}
