// The engines the CLI and the differential harness run scenarios on.

import type { Backend } from '../../portable/model/backend';
import { KernelExecutor } from '../executor';

export class EngineUnavailable extends Error {
  override name = 'EngineUnavailable';
}

interface SimulatorModule {
  createSimulator(options?: { kernel?: string }): Backend;
}

/** The simulated kernel is loaded only when asked for, and may be missing from a build. */
async function loadSimulator(): Promise<SimulatorModule> {
  const path = '../../portable/kernel/index';
  try {
    const mod = (await import(/* @vite-ignore */ path)) as Partial<SimulatorModule>;
    if (typeof mod.createSimulator === 'function') return mod as SimulatorModule;
  } catch {
    // fall through
  }
  throw new EngineUnavailable('the simulated kernel (src/portable/kernel) is not part of this build');
}

export async function createEngine(kind: 'sim' | 'kernel', kernel?: string): Promise<Backend> {
  if (kind === 'kernel') return KernelExecutor.create();
  const sim = await loadSimulator();
  return sim.createSimulator(kernel !== undefined ? { kernel } : {});
}
