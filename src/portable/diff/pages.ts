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
  // Most pages are the same on both sides: compare the raw bits and tags, format only differences.
  const bits = (p: NormalPages, i: number) => (i < p.bits.length ? p.bits[i]! : -1);
  const kinds = [
    {
      what: 'pages',
      same: (i: number) => bits(x, i) === bits(y, i),
      text: (p: NormalPages, i: number) => (bits(p, i) < 0 ? '(absent)' : pageBitsText(bits(p, i))),
    },
    {
      what: 'content',
      same: (i: number) => x.content.get(i) === y.content.get(i),
      text: (p: NormalPages, i: number) => p.content.get(i) ?? '-',
    },
  ];
  for (const k of kinds) {
    for (const r of runs(n, (i) => (k.same(i) ? undefined : `${k.text(x, i)}\n${k.text(y, i)}`))) {
      const where = r.from === r.to ? label(r.from) : `${label(r.from)}..${label(r.to + 1)}`;
      out.push({ path: `${prefix}.${k.what}[${where}]`, a: k.text(x, r.from), b: k.text(y, r.from) });
    }
  }
  return out;
}
