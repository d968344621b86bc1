// The pages (folios) of the simulated machine: an id each, reference-counted, with their content
// kept sparsely as a fill byte plus the bytes that differ from it. Per page the store holds a few
// bytes in typed arrays, never an object, so a million pages stay small. Page id 0 is "no page";
// the shared zero page has no id (a PTE says ZERO instead).

import { fillTag } from '../../model/content';

export const PAGE_SIZE = 4096;
export const HPAGE_SIZE = 2 << 20;

/**
 * addr rounded down to a multiple of size (a power of two). Addresses are past 2^31, where `%` is
 * a slow floating-point modulo; a division by a power of two is exact and fast.
 */
export const alignDown = (addr: number, size: number): number => Math.floor(addr / size) * size;

const hex2 = (b: number): string => b.toString(16).padStart(2, '0');
/** The tag of every uniform page, made once. */
const FILL_TAGS = Array.from({ length: 256 }, (_, b) => fillTag(b));

export class PageStore {
  private fill = new Uint8Array(1024);
  private refs = new Uint32Array(1024);
  private huge = new Uint8Array(1024);
  /** Bytes that differ from the fill byte, by offset; only for pages written in part. */
  private readonly diffs = new Map<number, Map<number, number>>();
  private readonly free: number[] = [];
  private next = 1;
  /** Pages alive now; for tests and the benchmark. */
  count = 0;
  /** Bumped whenever a page's content changes, so snapshots can reuse what did not change. */
  version = 0;

  /** A new page holding `fill` in every byte, with one reference. */
  alloc(fill = 0, huge = false): number {
    const id = this.free.pop() ?? this.next++;
    if (id >= this.fill.length) this.grow(id);
    this.fill[id] = fill;
    this.refs[id] = 1;
    this.huge[id] = huge ? 1 : 0;
    this.count++;
    return id;
  }

  private grow(id: number): void {
    let n = this.fill.length;
    while (n <= id) n *= 2;
    const fill = new Uint8Array(n);
    fill.set(this.fill);
    const refs = new Uint32Array(n);
    refs.set(this.refs);
    const huge = new Uint8Array(n);
    huge.set(this.huge);
    this.fill = fill;
    this.refs = refs;
    this.huge = huge;
  }

  get(id: number): number {
    this.refs[id]!++;
    return id;
  }

  put(id: number): void {
    if (--this.refs[id]! > 0) return;
    this.diffs.delete(id);
    this.free.push(id);
    this.count--;
  }

  refcount(id: number): number {
    return this.refs[id]!;
  }

  size(id: number): number {
    return this.huge[id] ? HPAGE_SIZE : PAGE_SIZE;
  }

  /** A new page (one reference) with the same content. */
  copy(id: number): number {
    const n = this.alloc(this.fill[id], this.huge[id] === 1);
    const d = this.diffs.get(id);
    if (d) this.diffs.set(n, new Map(d));
    return n;
  }

  readByte(id: number, offset: number): number {
    return this.diffs.get(id)?.get(offset) ?? this.fill[id]!;
  }

  /** memset(page + offset, value, len). */
  write(id: number, offset: number, len: number, value: number): void {
    this.version++;
    const size = this.size(id);
    if (offset === 0 && len >= size) {
      this.fill[id] = value;
      this.diffs.delete(id);
      return;
    }
    const fill = this.fill[id]!;
    let d = this.diffs.get(id);
    for (let o = offset; o < offset + len; o++) {
      if (value === fill) d?.delete(o);
      else (d ??= this.newDiffs(id)).set(o, value);
    }
    if (d) this.normalise(id, d);
  }

  private newDiffs(id: number): Map<number, number> {
    const d = new Map<number, number>();
    this.diffs.set(id, d);
    return d;
  }

  /** Keeps the fill byte the most frequent one (the smaller on a tie), as contentTag() picks it. */
  private normalise(id: number, d: Map<number, number>): void {
    if (d.size === 0) {
      this.diffs.delete(id);
      return;
    }
    const size = this.size(id);
    if (d.size * 2 < size) return;
    const counts = new Uint32Array(256);
    counts[this.fill[id]!] = size - d.size;
    for (const v of d.values()) counts[v]!++;
    let best = 0;
    for (let b = 1; b < 256; b++) if (counts[b]! > counts[best]!) best = b;
    if (best === this.fill[id]) return;
    const old = this.fill[id]!;
    const next = new Map<number, number>();
    for (let o = 0; o < size; o++) {
      const v = d.get(o) ?? old;
      if (v !== best) next.set(o, v);
    }
    this.fill[id] = best;
    if (next.size) this.diffs.set(id, next);
    else this.diffs.delete(id);
  }

  /** Every byte of the page; for content that does not line up with pages (an unaligned source). */
  bytes(id: number): Uint8Array {
    const out = new Uint8Array(this.size(id)).fill(this.fill[id]!);
    for (const [o, v] of this.diffs.get(id) ?? []) out[o] = v;
    return out;
  }

  /** The page's content becomes these bytes. */
  setBytes(id: number, bytes: Uint8Array): void {
    this.version++;
    this.fill[id] = bytes[0] ?? 0;
    this.diffs.delete(id);
    const d = new Map<number, number>();
    for (let o = 0; o < bytes.length; o++) if (bytes[o] !== this.fill[id]) d.set(o, bytes[o]!);
    if (d.size) {
      this.diffs.set(id, d);
      this.normalise(id, d);
    }
  }

  /** The content tag of model/content.ts, without materialising the page. */
  tag(id: number): string {
    const d = this.diffs.get(id);
    const fill = FILL_TAGS[this.fill[id]!]!;
    if (!d || d.size === 0) return fill;
    const offsets = [...d.keys()].sort((a, b) => a - b);
    let s = fill;
    for (const o of offsets) s += ` @${o.toString(16)}=${hex2(d.get(o)!)}`;
    return s;
  }
}
