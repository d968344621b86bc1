// Content tags already read, so a snapshot reads only the pages an operation may have changed:
// per process and area by page index, and per file by offset for pages only in a page cache.
// Operations say what they may have changed (Machine.contentChanged); what they cannot say clears
// it all.

export class ContentCache {
  private readonly areas = new Map<string, Map<number, string>>();
  private readonly files = new Map<string, Map<bigint, string>>();

  /** The tags of an area as a process sees it, by page index. */
  area(process: string, area: string): Map<number, string> {
    const key = `${process}:${area}`;
    let m = this.areas.get(key);
    if (!m) this.areas.set(key, (m = new Map()));
    return m;
  }

  /** The tags of a file's cached pages, by offset. */
  file(name: string): Map<bigint, string> {
    let m = this.files.get(name);
    if (!m) this.files.set(name, (m = new Map()));
    return m;
  }

  /** Forgets pages [from, to) of an area as a process sees it. */
  forget(process: string, area: string, from: number, to: number): void {
    const m = this.areas.get(`${process}:${area}`);
    if (!m) return;
    if (to - from > m.size) {
      for (const i of m.keys()) if (i >= from && i < to) m.delete(i);
    } else {
      for (let i = from; i < to; i++) m.delete(i);
    }
  }

  clear(): void {
    this.areas.clear();
    this.files.clear();
  }
}
