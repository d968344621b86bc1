// Absolute addresses -> area-relative ones (`a+3p+0x7b`), the way scenarios and diffs speak.
// Both engines place areas by the same rule (model/layout.ts), so the same relative address means
// the same thing on both, even in the gaps between areas.

import type { Snapshot } from '../model/snapshot';

export interface Placement {
  readonly name: string;
  readonly start: bigint;
  readonly len: bigint;
  /** The area's page unit: 4096, or the huge page size for hugetlb. */
  readonly pageSize: number;
}

/** How far past an area's end an address still reads as relative to it (the gaps are 4 MiB or more). */
const NEAR = 1n << 30n;

/** Every area placement in these snapshots, once each (an area keeps its range for the session). */
export function collectPlacements(snapshots: Iterable<Snapshot>): Placement[] {
  const seen = new Map<string, Placement>();
  for (const s of snapshots) {
    for (const a of s.areas) {
      const key = `${a.name}@${a.start}`;
      if (!seen.has(key)) seen.set(key, { name: a.name, start: a.start, len: a.len, pageSize: a.pageSize });
    }
  }
  return [...seen.values()].sort((x, y) => (x.start < y.start ? -1 : x.start > y.start ? 1 : 0));
}

function offsetText(off: bigint, pageSize: bigint, unit: string): string {
  const pages = off / pageSize;
  const rest = off % pageSize;
  let s = pages ? `+${pages}${unit}` : '';
  if (rest) s += `+0x${rest.toString(16)}`;
  return s;
}

/**
 * `a`, `a+3p`, `a+3p+0x7b`; a hugetlb area counts in huge pages (`h`). An address at an area's end
 * (an exclusive range end) is relative to that area; in a gap, to the nearest area below it.
 * Anything else stays hex.
 */
export function relativeAddress(addr: bigint, placements: readonly Placement[], basePage = 4096): string {
  let best =
    placements.find((p) => addr >= p.start && addr < p.start + p.len) ??
    placements.find((p) => addr === p.start + p.len);
  if (!best) {
    for (const p of placements) {
      if (addr > p.start && addr - p.start < p.len + NEAR && (!best || p.start > best.start)) best = p;
    }
  }
  if (!best) return `0x${addr.toString(16)}`;
  const off = addr - best.start;
  const huge = BigInt(best.pageSize);
  if (best.pageSize > basePage && off % huge === 0n) return best.name + offsetText(off, huge, 'h');
  return best.name + offsetText(off, BigInt(basePage), 'p');
}
