// The one bridge from the stores to React: a context holding the playground (Provider.tsx puts it
// there), and hooks that read slices of its state with useStore.

import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { Snapshot } from '../../portable/model/snapshot';
import type { Playground, PlaygroundState } from './store';
import { snapshotOf } from './store';
import { uiStore, type UiState } from './ui-store';

export const PlaygroundContext = createContext<Playground | null>(null);

export function usePlayground(): Playground {
  const p = useContext(PlaygroundContext);
  if (!p) throw new Error('usePlayground outside PlaygroundProvider');
  return p;
}

export function useSession<T>(selector: (s: PlaygroundState) => T): T {
  return useStore(usePlayground().store, selector);
}

export const useActions = () => useSession((s) => s.actions);

/** The snapshot at the cursor. */
export function useSnapshot(): Snapshot {
  const results = useSession((s) => s.results);
  const cursor = useSession((s) => s.cursor);
  const initial = useSession((s) => s.initial);
  return snapshotOf({ results, cursor, initial });
}

export function useUi<T>(selector: (s: UiState) => T): T {
  return useStore(uiStore, selector);
}
