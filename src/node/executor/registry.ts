// The live executors of this process, so that a signal or an exit can end them all. A program
// that serves sessions calls installCleanupHandlers() once, or, when it handles the signals itself
// (the agent, which tells each page why its session ends), closeOnExit().

import { closeAll } from './cleanup';
import type { KernelExecutor } from './executor';
import { drainThreadPool } from './thread';

const live = new Set<KernelExecutor>();

export function track(x: KernelExecutor): void {
  live.add(x);
}

export function untrack(x: KernelExecutor): void {
  live.delete(x);
}

/** Disposes every live executor, then ends the idle threads. */
export async function disposeAll(): Promise<void> {
  await Promise.all([...live].map((x) => x.dispose()));
  await drainThreadPool();
}

let installed = false;
let closing = false;

/**
 * On any exit of the process (process.exit() included, with sessions still open), closes every
 * live session's uffds and kills its children synchronously first: a worker still blocked in a
 * fault could not be terminated, and the exit would hang on it. Safe to call more than once.
 */
export function closeOnExit(): void {
  if (closing) return;
  closing = true;
  process.once('exit', () => {
    for (const x of live) closeAll(x.machine);
  });
}

/**
 * On SIGINT/SIGTERM: dispose every session (uffds closed first, threads joined, children reaped,
 * areas unmapped, huge pages given back), then exit with the signal's conventional status. On any
 * other exit: at least close the uffds and kill the children, so no thread is left blocked.
 */
export function installCleanupHandlers(): void {
  if (installed) return;
  installed = true;
  const onSignal = (sig: NodeJS.Signals, code: number) => {
    void disposeAll().finally(() => process.exit(code));
  };
  process.once('SIGINT', () => onSignal('SIGINT', 130));
  process.once('SIGTERM', () => onSignal('SIGTERM', 143));
  closeOnExit();
}
