// Fresh names for things the user did not name: areas a, b, c…; uffds uffd, uffd2…; children c, c2….

import type { OpName } from '../../portable/model/operation';
import type { Snapshot } from '../../portable/model/snapshot';

export function freshName(prefix: string, taken: (n: string) => boolean, letters = false): string {
  if (letters) {
    for (const c of 'abcdefghijklmnopqrstuvwxyz') if (!taken(c)) return c;
  }
  if (!taken(prefix)) return prefix;
  for (let i = 2; ; i++) if (!taken(`${prefix}${i}`)) return `${prefix}${i}`;
}

/** A name for what an operation of this kind would create in this session. */
export function freshNameFor(op: OpName, snap: Snapshot): string {
  const fds = [...snap.uffds.map((u) => u.name), ...snap.fds.map((f) => f.name)];
  switch (op) {
    case 'mmap':
    case 'mremap':
      return freshName('a', (n) => snap.areas.some((a) => a.name === n), true);
    case 'fork':
      return freshName('c', (n) => snap.processes.some((p) => p.name === n));
    case 'open':
      return freshName('dev', (n) => fds.includes(n));
    default:
      return freshName('uffd', (n) => fds.includes(n));
  }
}

/** The uffd short forms and forms act on by default: the newest of the main process. */
export function defaultUffd(snap: Snapshot): string | undefined {
  return (snap.uffds.filter((u) => u.mm === 'main').at(-1) ?? snap.uffds.at(-1))?.name;
}
