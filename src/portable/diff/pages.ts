// Page-state bits as names, and the comparison of two areas' pages that reports a run of pages
// with the same difference once (`pages[a+0p..a+511p]`) rather than page by page.

import { PAGE } from '../model/snapshot';
import { relativeAddress } from './address';
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
    let run: { from: number; to: number; a: string; b: string } | undefined;
    const flush = () => {
      if (!run) return;
      const where = run.from === run.to ? label(run.from) : `${label(run.from)}..${label(run.to)}`;
      out.push({ path: `${prefix}.${what}[${where}]`, a: run.a, b: run.b });
      run = undefined;
    };
    for (let i = 0; i < n; i++) {
      const a = get(x, i);
      const b = get(y, i);
      if (a === b) {
        flush();
        continue;
      }
      if (run && run.a === a && run.b === b && run.to === i - 1) run.to = i;
      else {
        flush();
        run = { from: i, to: i, a, b };
      }
    }
    flush();
  }
  return out;
}
