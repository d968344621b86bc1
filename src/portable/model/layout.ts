// Where areas go. Both engines place every new mapping by this one rule, so areas never merge by
// accident (the kernel merges adjacent compatible vmas) and area-relative addresses mean the same
// thing on both: each area starts on a huge-page boundary, after a gap of at least GAP bytes
// past everything placed before, and addresses are never reused within a session.

export const AREA_ALIGN = 2n << 20n;
export const AREA_GAP = 4n << 20n;
/**
 * Where the simulator starts placing areas. The agent gives each session a region of its own far below
 * where mmap(NULL) puts things (it grows down from near the stack), so nothing foreign lands in the gaps.
 */
export const SIM_AREA_BASE = 0x100000000000n;
/** Name of the source buffer a backend fills for `UFFDIO_COPY` with `src: { fill }`. */
export const FILL_SOURCE_AREA = '$src';

export const alignUp = (v: bigint, a: bigint): bigint => ((v + a - 1n) / a) * a;

export class AreaPlacer {
  private next: bigint;
  constructor(base: bigint) {
    this.next = alignUp(base, AREA_ALIGN);
  }
  /** The start for a new mapping of `len` bytes; reserves it. */
  place(len: bigint): bigint {
    const start = this.next;
    this.next = alignUp(start + len + AREA_GAP, AREA_ALIGN);
    return start;
  }
  /** A start for len bytes that lies past every address placed so far, without reserving it. */
  peek(): bigint {
    return this.next;
  }
}
