// A process's vmas in the session region (/proc/<pid>/maps) and their userfaultfd flags (the
// VmFlags of /proc/<pid>/smaps: um, uw, ui). smaps costs most of a millisecond in a Node process,
// so both are kept until an operation that can change them marks them stale.

import {
  UFFDIO_REGISTER_MODE_MINOR,
  UFFDIO_REGISTER_MODE_MISSING,
  UFFDIO_REGISTER_MODE_WP,
} from '../../portable/uapi';
import { parseMaps, parseSmapsFlags, ProcFile, type Vma } from './proc';

export interface RegisteredVma {
  readonly start: bigint;
  readonly end: bigint;
  /** UFFDIO_REGISTER_MODE_* bits. */
  readonly mode: bigint;
}

export class Vmas {
  private readonly maps: ProcFile;
  private readonly smaps: ProcFile;
  private readonly lo: bigint;
  private readonly hi: bigint;
  private list: Vma[] | undefined;
  private registered: RegisteredVma[] | undefined;

  constructor(pid: number, lo: bigint, hi: bigint) {
    this.maps = new ProcFile(`/proc/${pid}/maps`);
    this.smaps = new ProcFile(`/proc/${pid}/smaps`);
    this.lo = lo;
    this.hi = hi;
  }

  stale(): void {
    this.list = undefined;
    this.registered = undefined;
  }

  all(): readonly Vma[] {
    return (this.list ??= parseMaps(this.maps.read() ?? '', this.lo, this.hi));
  }

  at(addr: bigint): Vma | undefined {
    return this.all().find((v) => addr >= v.start && addr < v.end);
  }

  /** Every byte of [start, end) is in some vma. */
  covers(start: bigint, end: bigint): boolean {
    let at = start;
    for (const v of this.all()) {
      if (v.end <= at) continue;
      if (v.start > at) return false;
      at = v.end;
      if (at >= end) return true;
    }
    return at >= end;
  }

  registrations(): readonly RegisteredVma[] {
    if (this.registered) return this.registered;
    const out: RegisteredVma[] = [];
    for (const v of parseSmapsFlags(this.smaps.read() ?? '', this.lo, this.hi)) {
      const f = v.flags;
      const mode =
        (f.includes('um') ? UFFDIO_REGISTER_MODE_MISSING : 0n) |
        (f.includes('uw') ? UFFDIO_REGISTER_MODE_WP : 0n) |
        (f.includes('ui') ? UFFDIO_REGISTER_MODE_MINOR : 0n);
      if (mode) out.push({ start: v.start, end: v.end, mode });
    }
    return (this.registered = out);
  }

  modeAt(addr: bigint): bigint {
    return this.registrations().find((r) => addr >= r.start && addr < r.end)?.mode ?? 0n;
  }

  close(): void {
    this.maps.close();
    this.smaps.close();
  }
}
