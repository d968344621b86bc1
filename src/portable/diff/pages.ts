// Page-state bits as names, and the comparison of two areas' pages that reports a run of pages
// with the same difference once (`pages[a..a+512p]`, end exclusive as in scenarios) rather than
// page by page.

import { PAGE } from '../model/snapshot';
import { relativeAddress } from './address';
import { runs } from './runs';
import type { NormalPages } from './normalise';

const BIT_NAMES = Object.entries(PAGE) as [keyof typeof PAGE, number][];

/** `MAPPED|PRESENT|UFFD_WP`; `-` for an unmapped page. */
export function pageBitsText(bits: number): string {
  const names: string[] = BIT_NAMES.filter(([, b]) => bits & b).map(([n]) => n);
  const unknown = bits & ~BIT_NAMES.reduce((m, [, b]) => m | b, 0);
  if (unknown) names.push(`0x${unknown.toString(16)}`);
  return names.join('|') || '-';
}

export interface PageDifference {
  readonly path: string;
  readonly a: string;
  readonly b: string;
}

/** Differences between two engines' pages of one area (`prefix` is e.g. `snapshot.areas.main:a`). */
export function comparePages(prefix: string, x: NormalPages, y: NormalPages): PageDifference[] {
  const out: PageDifference[] = [];
  const n = Math.max(x.bits.length, y.bits.length);
  const label = (i: number) =>
    relativeAddress(x.start + BigInt(i) * BigInt(x.pageSize), [
      { name: x.area, start: x.start, len: BigInt(n * x.pageSize), pageSize: x.pageSize },
    ]);
  for (const [what, get] of [
    ['pages', (p: NormalPages, i: number) => (i < p.bits.length ? pageBitsText(p.bits[i]!) : '(absent)')],
    ['content', (p: NormalPages, i: number) => p.content.get(i) ?? '-'],
  ] as const) {
    const sides = (i: number): [string, string] => [get(x, i), get(y, i)];
    for (const r of runs(n, (i) => {
      const [a, b] = sides(i);
      return a === b ? undefined : `${a}\n${b}`;
    })) {
      const [a, b] = sides(r.from);
      const where = r.from === r.to ? label(r.from) : `${label(r.from)}..${label(r.to + 1)}`;
      out.push({ path: `${prefix}.${what}[${where}]`, a, b });
    }
  }
  return out;
}
