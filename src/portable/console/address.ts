// Absolute addresses as a reader wants them: area-relative (`a+3p`, `a+3p+0x7b`, `h+1h`, the way
// diff/address.ts writes them), the same form the expression language reads back.

import type { AreaSnapshot } from '../model/snapshot';

type Placed = Pick<AreaSnapshot, 'name' | 'start' | 'len' | 'pageSize'>;

/** The area an address falls in (its original range), if any. */
export function areaOf<A extends Placed>(addr: bigint, areas: readonly A[]): A | undefined {
  return areas.find((a) => addr >= a.start && addr < a.start + a.len);
}

export { relativeAddress } from '../diff/address';

/** A length in base pages when it is whole pages (`4p`), else hex bytes. */
export function relativeLength(len: bigint, basePageSize = 4096): string {
  const p = BigInt(basePageSize);
  return len > 0n && len % p === 0n ? `${len / p}p` : `0x${len.toString(16)}`;
}
