// Everything one session holds on the real machine: its region, bookkeeping, files, threads,
// children, and the per-process views of /proc it reads. Operations get this and nothing else.

import { FILL_SOURCE_AREA } from '../../portable/model/layout';
import { MAIN_PROCESS, MAIN_THREAD, type ProcessName, type ThreadName } from '../../portable/model/operation';
import { usage, type ExecutorOptions } from './caps';
import { HUGE_PAGE } from './constants';
import { ContentCache } from './content-cache';
import { Files } from './files';
import { HugePageReservation } from './hugepages';
import { loadHelper, os, type Helper } from './os';
import { ProcessPages } from './pages';
import { parseUffdInfo, ProcFile, type UffdInfo } from './proc';
import { kernelRefusesMemRange, kernelRefusesRange, Region, TASK_SIZE } from './region';
import { Session, type Area, type Thread } from './session';
import { acquireThread } from './thread';
import { Vmas } from './vmas';
import type { CmdName } from './thread-protocol';

const EFD_NONBLOCK = 0o4000;
const EFD_CLOEXEC = 0o2000000;

export class Machine {
  readonly s: Session;
  readonly files = new Files();
  readonly huge: HugePageReservation;
  readonly content = new ContentCache();
  readonly pid = os.getpid();
  /** The session's threads write here when they finish a command: settling poll()s it. */
  readonly doneFd = os.eventfd(EFD_NONBLOCK | EFD_CLOEXEC);
  private readonly vmaViews = new Map<ProcessName, Vmas>();
  private readonly fdinfos = new Map<number, ProcFile>();
  private readonly pageViews = new Map<ProcessName, ProcessPages>();

  constructor(options: ExecutorOptions) {
    this.s = new Session(Region.claim(), options);
    this.huge = new HugePageReservation(options.maxHugePages);
    this.s.processes.set(MAIN_PROCESS, { name: MAIN_PROCESS, pid: this.pid, alive: true });
    this.s.threads.set(MAIN_THREAD, { name: MAIN_THREAD, process: MAIN_PROCESS, state: 'idle' });
  }

  get region(): Region {
    return this.s.region;
  }

  pidOf(process: ProcessName): number {
    return this.s.processes.get(process)?.pid ?? 0;
  }

  vmas(process: ProcessName): Vmas {
    let v = this.vmaViews.get(process);
    if (!v && !this.pidOf(process)) return new Vmas(0, 0n, 0n);
    if (!v) {
      v = new Vmas(this.pidOf(process), this.region.base, this.region.end);
      this.vmaViews.set(process, v);
    }
    return v;
  }

  pages(process: ProcessName): ProcessPages {
    let p = this.pageViews.get(process);
    if (!p && !this.pidOf(process)) return new ProcessPages(0);
    if (!p) {
      p = new ProcessPages(this.pidOf(process));
      this.pageViews.set(process, p);
    }
    return p;
  }

  /**
   * `$src` was found mapped whole and unregistered since the last change to the mappings or
   * registrations: a fill copy need not look again.
   */
  srcChecked = false;
  /** What `$src` holds since it was last filled: `byte` over its first `len` bytes. */
  srcFill: { readonly byte: number; readonly len: bigint } | undefined;

  /**
   * Huge pages the session holds now: its hugetlb files (shared areas map them; a page stays in the
   * file when no area maps it), and what its private hugetlb areas map, in every process (a child
   * has pages of its own), from the processes' own maps.
   */
  hugePagesHeld(): number {
    let bytes = 0n;
    for (const f of this.files.all()) if (f.kind === 'hugetlb') bytes += f.size;
    for (const a of this.s.areas.values()) {
      if (a.kind !== 'hugetlb' || a.shared) continue;
      const end = a.start + a.len;
      for (const v of this.vmas(a.process).all()) {
        const from = v.start > a.start ? v.start : a.start;
        const to = v.end < end ? v.end : end;
        if (to > from) bytes += to - from;
      }
    }
    return Number((bytes + BigInt(HUGE_PAGE) - 1n) / BigInt(HUGE_PAGE));
  }

  /** The mappings or registrations may have changed: read /proc afresh, forget all content. */
  structural(): void {
    this.registrationsChanged();
    this.content.clear();
    this.srcFill = undefined;
  }

  /** Registrations may have changed (not the mappings' contents). */
  registrationsChanged(): void {
    for (const v of this.vmaViews.values()) v.stale();
    this.srcChecked = false;
  }

  /** `$src` is still mapped whole (checked against /proc after any change to the mappings). */
  srcIntact(src: Area): boolean {
    return this.srcChecked || this.vmas('main').covers(src.start, src.start + src.len);
  }

  /** The bytes of [start, start+len) in a process may have changed; for shared memory, everywhere. */
  contentChanged(process: ProcessName, start: bigint, len: bigint): void {
    const end = start + (len > 0n ? len : 1n);
    for (const a of this.s.areas.values()) {
      if (a.process !== process || a.start >= end || a.start + a.len <= start) continue;
      if (a.name === FILL_SOURCE_AREA) this.srcFill = undefined;
      if (a.shared || a.file) {
        this.content.clear();
        return;
      }
      const unit = BigInt(a.pageSize);
      const from = start > a.start ? Number((start - a.start) / unit) : 0;
      const to = Number(((end < a.start + a.len ? end : a.start + a.len) - a.start + unit - 1n) / unit);
      this.content.forget(process, a.name, from, to);
    }
  }

  /** The C helper, or a usage error saying plainly why `what` cannot run here. */
  helper(what: string): Helper {
    const h = loadHelper();
    if (!h.ok) usage(`${what} needs the executor's C helper, which is not available: ${h.why}`);
    return h.helper;
  }

  /** The named thread, created (as a thread of `main`) on first use. */
  async thread(name: ThreadName, field = 'thread'): Promise<Thread> {
    let t = this.s.threads.get(name);
    if (!t) {
      const count = [...this.s.threads.values()].filter((x) => x.process === MAIN_PROCESS).length;
      if (count >= this.s.options.maxThreads)
        usage(`too many threads: a session may have ${this.s.options.maxThreads}`, field);
      t = { name, process: MAIN_PROCESS, state: 'idle' };
      this.s.threads.set(name, t);
    }
    if (t.process === MAIN_PROCESS && !t.os) t.os = await acquireThread();
    return t;
  }

  /**
   * A range the executor may pass to the kernel: inside the session's region, or one the kernel
   * refuses before using any memory. Anything else is refused here, before any syscall.
   */
  checkRange(start: bigint, len: bigint, field: string, refused: 'uffd' | 'mem' | 'none'): void {
    if (this.region.holds(start, len)) return;
    // Past the end of user space: access_ok() and every range check refuse it before any use.
    if (start >= TASK_SIZE) return;
    if (refused === 'uffd' && kernelRefusesRange(start, len)) return;
    if (refused === 'mem' && kernelRefusesMemRange(start)) return;
    usage(
      `${field}: [0x${start.toString(16)}, +0x${len.toString(16)}) is outside this session's memory; ` +
        `the executor only passes addresses of areas it mapped for this session`,
      field,
    );
  }

  /** Bytes the session may still map. */
  mapBudget(len: bigint, field: string): void {
    const o = this.s.options;
    if (this.s.areasMapped >= o.maxAreas) usage(`too many areas: a session may map ${o.maxAreas}`, field);
    if (len > o.maxAreaBytes) usage(`an area may have at most ${o.maxAreaBytes} bytes, not ${len}`, field);
    if (this.s.mappedBytes + len > o.maxTotalBytes) {
      usage(`the session would map ${this.s.mappedBytes + len} bytes; it may map ${o.maxTotalBytes}`, field);
    }
  }

  /** A new mapping (counted against the caps). */
  addArea(a: Area): void {
    this.s.areas.set(`${a.process}:${a.name}`, a);
    this.s.areasMapped++;
    this.s.mappedBytes += a.len;
  }

  removeArea(a: Area): void {
    this.s.areas.delete(`${a.process}:${a.name}`);
  }

  /** /proc/self/fdinfo of an fd, kept open while the fd is (close it with forgetFdinfo). */
  fdinfo(fd: number): UffdInfo | undefined {
    let f = this.fdinfos.get(fd);
    if (!f) this.fdinfos.set(fd, (f = new ProcFile(`/proc/self/fdinfo/${fd}`, true)));
    return parseUffdInfo(f.read());
  }

  forgetFdinfo(fd: number): void {
    this.fdinfos.get(fd)?.close();
    this.fdinfos.delete(fd);
  }

  /** The tids of the session's threads in this process. */
  threadIds(): number[] {
    return [...this.s.threads.values()].flatMap((t) => (t.os ? [t.os.tid] : []));
  }

  /** Starts a command on a thread of `main`. */
  post(t: Thread, cmd: CmdName, args: readonly bigint[]): void {
    if (!t.os) usage(`thread '${t.name}' has no OS thread`);
    t.os.post(cmd, args, this.doneFd);
  }

  /** Ends every per-process view of /proc, and the eventfd. */
  closeViews(): void {
    if (this.doneFd >= 0) os.close(this.doneFd);
    for (const f of this.fdinfos.values()) f.close();
    this.fdinfos.clear();
    for (const v of this.vmaViews.values()) v.close();
    for (const p of this.pageViews.values()) p.close();
    this.vmaViews.clear();
    this.pageViews.clear();
  }

  dropProcess(process: ProcessName): void {
    this.vmaViews.get(process)?.close();
    this.pageViews.get(process)?.close();
    this.vmaViews.delete(process);
    this.pageViews.delete(process);
  }
}
