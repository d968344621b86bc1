// Tab completion: the word under the cursor, and what it could become here — a command at the start
// of a line, an ioctl name as ioctl's second argument, a struct field inside its {…}, otherwise the
// constants, names of the session and the current command's words.

import { FEATURES, IOCTL_BY_NAME, IOCTLS, PAGEFAULT_FLAGS, USERFAULTFD_FLAGS } from '../uapi/names';
import { STRUCTS } from '../uapi/structs';
import { commandNames } from './line';
import { SHORT_BY_NAME } from './short';
import { ACCESSES, ADVICES, FCNTL_CMDS, KINDS, MREMAP_FLAGS, PROTS, SIGNALS } from './signatures';

export interface Completion {
  /** The word being completed: [start, end) of the line. */
  readonly start: number;
  readonly end: number;
  /** What it may become, sorted. */
  readonly candidates: readonly string[];
}

const CONSTANTS = [
  'UFFD_API',
  'USERFAULTFD_IOC_NEW',
  ...IOCTLS.flatMap((i) => i.modes.map((m) => m.name)),
  ...FEATURES.map((f) => f.name),
  ...PAGEFAULT_FLAGS.map((f) => f.name),
  ...USERFAULTFD_FLAGS.map((f) => f.name),
  ...PROTS,
  ...ADVICES,
  ...MREMAP_FLAGS,
  ...FCNTL_CMDS,
  ...SIGNALS,
  ...KINDS,
  ...ACCESSES,
];

const WORD_CHAR = /[A-Za-z0-9_$@.]/;

/** The struct fields an ioctl call open at the cursor may name, if the cursor is inside its {…}. */
function structFields(before: string): string[] | undefined {
  const m = /ioctl\(\s*[\w$@]+\s*,\s*(\w+)\s*,\s*\{([^}]*)$/.exec(before);
  const info = m && IOCTL_BY_NAME.get(m[1]!);
  if (!info) return undefined;
  const tail = m[2]!;
  // A key is expected right after `{` or `,` (possibly nested: `range: {`).
  if (!/(^|[,{])\s*[\w.]*$/.test(tail)) return undefined;
  return STRUCTS[info.struct].fields.map((f) => f.name);
}

function pick(word: string, pool: Iterable<string>): string[] {
  const all = [...new Set(pool)];
  let hits = all.filter((c) => c.startsWith(word));
  if (hits.length === 0) hits = all.filter((c) => c.toLowerCase().startsWith(word.toLowerCase()));
  return hits.sort();
}

export function complete(line: string, cursor: number, sessionNames: readonly string[] = []): Completion {
  let start = cursor;
  while (start > 0 && WORD_CHAR.test(line[start - 1]!)) start--;
  let end = cursor;
  while (end < line.length && WORD_CHAR.test(line[end]!)) end++;
  const word = line.slice(start, cursor);
  const before = line.slice(0, start);
  const none = { start, end, candidates: [] };
  if (/^\d/.test(word)) return none;

  if (/^\s*([\w$@]+\s*=\s*)?$/.test(before)) {
    const pool = before.includes('=') ? commandNames() : [...commandNames(), ...sessionNames];
    return { start, end, candidates: pick(word, pool) };
  }
  if (/^\s*help\s+$/.test(before)) {
    return { start, end, candidates: pick(word, [...commandNames(), ...IOCTL_BY_NAME.keys()]) };
  }
  if (/ioctl\(\s*[\w$@]+\s*,\s*$/.test(before)) {
    return { start, end, candidates: pick(word, [...IOCTL_BY_NAME.keys(), 'USERFAULTFD_IOC_NEW']) };
  }
  const fields = structFields(before);
  if (fields) return { start, end, candidates: pick(word, fields) };

  const first = /^\s*(\S+)/.exec(line)?.[1] ?? '';
  const shortWords = SHORT_BY_NAME.get(first)?.words ?? [];
  return { start, end, candidates: pick(word, [...sessionNames, ...shortWords, ...CONSTANTS]) };
}

/** The longest prefix all candidates share. */
export function commonPrefix(words: readonly string[]): string {
  if (words.length === 0) return '';
  let p = words[0]!;
  for (const w of words) while (!w.startsWith(p)) p = p.slice(0, -1);
  return p;
}
