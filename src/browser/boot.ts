// Starting the page: the playground on its engine, the session back from a shared link or from the
// last visit, and saving it as it changes.

import { NEWEST_KERNEL } from '../portable/uapi/history';
import type { EngineFactory } from './session/engine';
import { decodeSession, loadLocal, saveLocal, sessionFromHash, type KeyValueStorage } from './state/persist';
import { createPlayground, savedSession, type Playground } from './state/store';

export interface BootOptions {
  readonly createEngine: EngineFactory;
  readonly storage: KeyValueStorage;
  readonly hash: string;
}

/** The playground, with the session restored: the link's if there is one, else the last visit's. */
export async function boot(
  opts: BootOptions,
): Promise<{ playground: Playground; problem?: string; flush: () => void }> {
  const playground = createPlayground({ createEngine: opts.createEngine, kernel: NEWEST_KERNEL });
  const { actions } = playground.store.getState();
  let problem: string | undefined;
  const fromLink = sessionFromHash(opts.hash);
  try {
    const saved = fromLink ? await decodeSession(fromLink) : loadLocal(opts.storage);
    if (saved) await actions.restore(saved);
  } catch (e) {
    problem = e instanceof Error ? e.message : String(e);
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** Saves now: on leaving the page, a change in the last moments must not wait for the timer. */
  const flush = () => {
    clearTimeout(timer);
    saveLocal(opts.storage, savedSession(playground.store.getState()));
  };
  playground.store.subscribe((s, prev) => {
    if (
      s.entries === prev.entries &&
      s.cursor === prev.cursor &&
      s.kernel === prev.kernel &&
      s.scenario === prev.scenario &&
      s.extraThreads === prev.extraThreads
    )
      return;
    clearTimeout(timer);
    timer = setTimeout(flush, 200);
  });
  return { playground, flush, ...(problem ? { problem } : {}) };
}
