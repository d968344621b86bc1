// Reading /proc: the kernel's own account of mappings, registrations (smaps VmFlags), uffd
// counters (fdinfo) and where a thread sleeps (wchan). A file read often stays open and is re-read
// from offset 0, which makes the kernel generate it afresh.

import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

const CHUNK = 1 << 16;

/**
 * A /proc file kept open and re-read from the start on each read. `whole`: the kernel makes it in
 * one piece (wchan, status, fdinfo), so one read call gets it all.
 */
export class ProcFile {
  private fd: number | undefined;
  private buf: Buffer;
  readonly path: string;
  private readonly whole: boolean;
  constructor(path: string, whole = false) {
    this.path = path;
    this.whole = whole;
    this.buf = Buffer.allocUnsafeSlow(whole ? 4096 : CHUNK);
  }
  /** The file's text now, or undefined when it cannot be read (the task is gone). */
  read(): string | undefined {
    try {
      this.fd ??= openSync(this.path, 'r');
      let len = 0;
      for (;;) {
        if (len === this.buf.length) {
          const bigger = Buffer.allocUnsafeSlow(this.buf.length * 2);
          this.buf.copy(bigger);
          this.buf = bigger;
        }
        const n = readSync(this.fd, this.buf, len, this.buf.length - len, len);
        len += n;
        if (n === 0 || (this.whole && len < this.buf.length)) break;
      }
      return this.buf.toString('latin1', 0, len);
    } catch {
      this.close();
      return undefined;
    }
  }
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** A /proc file read once, or undefined. */
export function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
}

export interface Vma {
  readonly start: bigint;
  readonly end: bigint;
  /** `rw-p`, `r--s`... */
  readonly perms: string;
  readonly offset: bigint;
  readonly inode: number;
  /** The path or `[heap]`-like name; empty for anonymous memory. */
  readonly name: string;
}

const MAPS_LINE = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) ([0-9a-f]+) \S+ (\d+)\s*(.*)$/;

/** The vmas of a maps text that intersect [lo, hi), in address order. */
export function parseMaps(text: string, lo: bigint, hi: bigint): Vma[] {
  const out: Vma[] = [];
  for (const line of text.split('\n')) {
    const m = MAPS_LINE.exec(line);
    if (!m) continue;
    const start = BigInt(`0x${m[1]}`);
    const end = BigInt(`0x${m[2]}`);
    if (end <= lo || start >= hi) continue;
    out.push({
      start,
      end,
      perms: m[3]!,
      offset: BigInt(`0x${m[4]}`),
      inode: Number(m[5]),
      name: m[6] ?? '',
    });
  }
  return out;
}

/** smaps: the VmFlags of every vma in [lo, hi), in address order (`um` missing, `uw` wp, `ui` minor). */
export function parseSmapsFlags(
  text: string,
  lo: bigint,
  hi: bigint,
): { start: bigint; end: bigint; flags: readonly string[] }[] {
  const out: { start: bigint; end: bigint; flags: readonly string[] }[] = [];
  let current: { start: bigint; end: bigint } | undefined;
  for (const line of text.split('\n')) {
    const m = MAPS_LINE.exec(line);
    if (m) {
      const start = BigInt(`0x${m[1]}`);
      const end = BigInt(`0x${m[2]}`);
      current = end <= lo || start >= hi ? undefined : { start, end };
    } else if (current && line.startsWith('VmFlags:')) {
      out.push({ ...current, flags: line.slice(8).trim().split(/\s+/) });
    }
  }
  return out;
}

export interface UffdInfo {
  /** Faults not yet read. */
  readonly pending: number;
  /** Faults queued, read or not. */
  readonly total: number;
  /** ctx->features as the kernel keeps it (with UFFD_FEATURE_INITIALIZED once the API is done). */
  readonly features: bigint;
  readonly ioctls: bigint;
  /** The file's f_flags (octal in fdinfo). */
  readonly flags: number;
}

/** /proc/<pid>/fdinfo/<fd> of a userfaultfd, or undefined if that fd is not one. */
const FDINFO_FIELD = /^(\w+):\s*(\S+)/gm;

export function parseUffdInfo(text: string | undefined): UffdInfo | undefined {
  if (!text) return undefined;
  const fields = new Map<string, string>();
  for (const m of text.matchAll(FDINFO_FIELD)) fields.set(m[1]!, m[2]!);
  const field = (name: string): string | undefined => fields.get(name);
  const pending = field('pending');
  const total = field('total');
  const api = field('API');
  if (pending === undefined || total === undefined || api === undefined) return undefined;
  const [, features = '0', ioctls = '0'] = api.split(':');
  return {
    pending: Number(pending),
    total: Number(total),
    features: BigInt(`0x${features}`),
    ioctls: BigInt(`0x${ioctls}`),
    flags: parseInt(field('flags') ?? '0', 8),
  };
}

/** A task's voluntary context switches: it changes each time the task sleeps again. */
export function voluntarySwitches(status: string | undefined): number | undefined {
  const m = status && /^voluntary_ctxt_switches:\s*(\d+)/m.exec(status);
  return m ? Number(m[1]) : undefined;
}

/** Where a task sleeps: `handle_userfault`, `userfaultfd_event_wait_completion`, or `0` when running. */
export function wchanOf(pid: number, tid: number): string | undefined {
  return readProc(`/proc/${pid}/task/${tid}/wchan`);
}

export const WCHAN_FAULT = 'handle_userfault';
export const WCHAN_EVENT = 'userfaultfd_event_wait_completion';
