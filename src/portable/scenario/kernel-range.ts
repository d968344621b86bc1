// Kernel version ranges: `>=5.7`, `<6.6`, `4.11-4.13` (inclusive), `6.8` (that release), `*`.
// Clauses joined by `,` must all hold; alternatives are joined by `||`. Versions compare by
// major.minor only, so `6.18.44` is in `6.18` and in `>=6.8`.

import { compareVersions, parseVersion } from '../uapi/history';

type Clause = (v: string) => boolean;

const VERSION = /^\d+\.\d+$/;

function clause(text: string): Clause | string {
  const t = text.trim();
  if (t === '*') return () => true;
  const range = /^(\S+)\s*-\s*(\S+)$/.exec(t);
  if (range) {
    const [, lo, hi] = range as unknown as [string, string, string];
    if (!VERSION.test(lo) || !VERSION.test(hi)) return `'${t}': a range is two versions like 4.11-4.13`;
    if (compareVersions(lo, hi) > 0) return `'${t}': the range is empty (${lo} is after ${hi})`;
    return (v) => compareVersions(v, lo) >= 0 && compareVersions(v, hi) <= 0;
  }
  const cmp = /^(>=|<=|>|<|=)?\s*(.+)$/.exec(t);
  const op = cmp?.[1] ?? '=';
  const ver = cmp?.[2] ?? '';
  if (!VERSION.test(ver)) {
    return `'${t}': expected a version like 5.7, optionally after >=, >, <=, < or =, or a range like 4.11-4.13`;
  }
  switch (op) {
    case '>=':
      return (v) => compareVersions(v, ver) >= 0;
    case '>':
      return (v) => compareVersions(v, ver) > 0;
    case '<=':
      return (v) => compareVersions(v, ver) <= 0;
    case '<':
      return (v) => compareVersions(v, ver) < 0;
    default:
      return (v) => compareVersions(v, ver) === 0;
  }
}

export interface KernelRange {
  readonly text: string;
  includes(version: string): boolean;
}

/** Parses a range; a string result is the error message. */
export function parseKernelRange(text: string): KernelRange | string {
  if (text.trim() === '') return 'empty kernel range';
  const alternatives: Clause[][] = [];
  for (const alt of text.split('||')) {
    const clauses: Clause[] = [];
    for (const part of alt.split(',')) {
      const c = clause(part);
      if (typeof c === 'string') return c;
      clauses.push(c);
    }
    alternatives.push(clauses);
  }
  return {
    text,
    includes: (version: string) => {
      if (!parseVersion(version)) return false;
      return alternatives.some((cs) => cs.every((c) => c(version)));
    },
  };
}

/** True when `version` lies in `text`; a malformed range includes nothing. */
export function kernelInRange(text: string, version: string): boolean {
  const r = parseKernelRange(text);
  return typeof r !== 'string' && r.includes(version);
}
