import type { ReactNode } from 'react';
import { PlaygroundContext } from './context';
import type { Playground } from './store';

export function PlaygroundProvider({
  playground,
  children,
}: {
  playground: Playground;
  children: ReactNode;
}) {
  return <PlaygroundContext.Provider value={playground}>{children}</PlaygroundContext.Provider>;
}
