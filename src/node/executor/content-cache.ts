// Content tags already read, so a snapshot reads only the pages an operation may have changed.
// Operations say what they may have changed; anything they cannot say clears it all. A change to
// shared memory clears every page of its file, in every mapping.

export class ContentCache {
  private readonly tags = new Map<string, string>();

  static key(process: string, page: bigint): string {
    return `${process}:${page.toString(16)}`;
  }

  get(key: string): string | undefined {
    return this.tags.get(key);
  }

  set(key: string, tag: string): void {
    this.tags.set(key, tag);
  }

  /** Forgets the pages of a process in [start, end) (page size `unit`). */
  forget(process: string, start: bigint, end: bigint, unit: bigint): void {
    if (end - start > unit * 4096n) {
      this.clear();
      return;
    }
    for (let p = (start / unit) * unit; p < end; p += unit) this.tags.delete(ContentCache.key(process, p));
  }

  /** Forgets every key with this prefix (a file's pages: `file:<name>:`). */
  forgetPrefix(prefix: string): void {
    for (const k of this.tags.keys()) if (k.startsWith(prefix)) this.tags.delete(k);
  }

  clear(): void {
    this.tags.clear();
  }
}
