// The keys of an expectation's `pages`: `a+1p`, a range `a..a+4p` (every page in [a, a+4p)),
// either one with a process first for a forked child's copy: `c:a+1p`.

import { MAIN_PROCESS, type ProcessName } from '../model/operation';

export interface PageKey {
  readonly process: ProcessName;
  readonly from: string;
  /** Exclusive end of a range; absent for one page. */
  readonly to?: string;
}

export function parsePageKey(key: string): PageKey {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*:(.*)$/.exec(key);
  const process = m ? m[1]! : MAIN_PROCESS;
  const rest = m ? m[2]! : key;
  const dots = rest.indexOf('..');
  if (dots < 0) return { process, from: rest.trim() };
  return { process, from: rest.slice(0, dots).trim(), to: rest.slice(dots + 2).trim() };
}
