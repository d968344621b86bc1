// The engines the CLI and the differential harness run scenarios on.

import type { Backend } from '../../portable/model/backend';
import { createSimulator } from '../../portable/kernel';
import { KernelExecutor } from '../executor';

export type EngineKind = 'sim' | 'kernel';

/** The simulated kernel playing `kernel` (default: the newest), or this machine's kernel. */
export async function createEngine(kind: EngineKind, kernel?: string): Promise<Backend> {
  if (kind === 'kernel') return KernelExecutor.create();
  return createSimulator(kernel !== undefined ? { kernel } : {});
}
