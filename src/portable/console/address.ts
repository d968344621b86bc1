// Absolute addresses as a reader wants them: area-relative (`a+3p`, `a+3p+0x7b`, `h+1h`), the same
// form the expression language reads back.

import type { AreaSnapshot } from '../model/snapshot';

type Placed = Pick<AreaSnapshot, 'name' | 'start' | 'len' | 'pageSize'>;

/** The area an address falls in (its original range), if any. */
export function areaOf<A extends Placed>(addr: bigint, areas: readonly A[]): A | undefined {
  return areas.find((a) => addr >= a.start && addr < a.start + a.len);
}

/** `a`, `a+3p`, `a+3p+0x7b`; hugetlb areas count in huge pages (`h+1h`); outside every area, hex. */
export function relativeAddress(addr: bigint, areas: readonly Placed[], basePageSize = 4096): string {
  const area = areaOf(addr, areas);
  if (!area) return `0x${addr.toString(16)}`;
  const huge = area.pageSize > basePageSize;
  const unit = BigInt(huge ? area.pageSize : basePageSize);
  const off = addr - area.start;
  const pages = off / unit;
  const rest = off % unit;
  let s = area.name;
  if (pages) s += `+${pages}${huge ? 'h' : 'p'}`;
  if (rest) s += `+0x${rest.toString(16)}`;
  return s;
}

/** A length in base pages when it is whole pages (`4p`), else hex bytes. */
export function relativeLength(len: bigint, basePageSize = 4096): string {
  const p = BigInt(basePageSize);
  return len > 0n && len % p === 0n ? `${len / p}p` : `0x${len.toString(16)}`;
}
