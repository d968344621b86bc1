// The Snapshot of src/portable/model/snapshot.ts, read from the real state: vmas and registrations
// from /proc/<pid>/maps and smaps, pages from pagemap, the page cache from mincore, contents
// through /proc/<pid>/mem or the file, uffd counters and features from fdinfo; the names, the
// threads and the order of the queues from the session's bookkeeping.

import { contentTag, fillTag } from '../../portable/model/content';
import type { ProcessName } from '../../portable/model/operation';
import {
  PAGE,
  type AreaSnapshot,
  type FaultEntry,
  type RegistrationSnapshot,
  type Snapshot,
  type ThreadSnapshot,
  type UffdSnapshot,
} from '../../portable/model/snapshot';
import { O_CLOEXEC, O_NONBLOCK, UFFD_FEATURE_INITIALIZED, UFFD_USER_MODE_ONLY } from '../../portable/uapi';
import { HUGE_PAGE, PAGE_SIZE } from './constants';
import type { Machine } from './machine';
import { os } from './os';
import { cachedPages, sawHugePages } from './residency';
import { inferFlags } from './thread-outcome';
import type { Area, Thread, UffdFd } from './session';

/** Content read for one snapshot at most; past it, pages show no content and a note says so. */
const CONTENT_BUDGET = 64 << 20;

export function takeSnapshot(m: Machine): Snapshot {
  const s = m.s;
  const budget = { left: CONTENT_BUDGET };
  const areas: AreaSnapshot[] = [];
  const registrations: RegistrationSnapshot[] = [];
  learnHugeCache(m);
  for (const p of s.processes.values()) {
    if (p.alive && !p.pid && p.unborn) {
      areas.push(...p.unborn.areas);
      registrations.push(...p.unborn.registrations);
      s.note(`process '${p.name}' has not run yet: its areas are main's as they were at fork()`);
    }
    // A process that has exited has no mm: no areas, no registrations.
    if (!p.alive || !p.pid) continue;
    for (const a of s.areasOf(p.name)) areas.push(areaSnapshot(m, a, p.name, budget));
    registrations.push(...processRegistrations(m, p.name));
  }
  if (budget.left < 0)
    s.note(`page contents past ${CONTENT_BUDGET >> 20} MiB were not read for this snapshot`);
  return {
    pageSize: PAGE_SIZE,
    hugePageSize: HUGE_PAGE,
    processes: [...s.processes.values()].map((p) => ({ name: p.name, pid: p.pid, alive: p.alive })),
    areas,
    registrations,
    uffds: s.uffds().map((u) => uffdSnapshot(m, u)),
    fds: [...s.fds.values()].flatMap((f) =>
      f.kind === 'dev' && !f.closed ? [{ name: f.name, fd: f.fd, path: f.path }] : [],
    ),
    threads: [...s.threads.values()].map(threadSnapshot),
  };
}

/** Registered vmas of a process, each with the uffd that registered it. */
export function processRegistrations(m: Machine, process: ProcessName): RegistrationSnapshot[] {
  return m
    .vmas(process)
    .registrations()
    .map((r) => {
      const owner = m.s.ownerAt(process, r.start);
      if (!owner)
        m.s.note(`a registered vma at 0x${r.start.toString(16)} has no owner this session knows of`);
      return { process, start: r.start, end: r.end, uffd: owner?.name ?? '?', mode: r.mode };
    });
}

/**
 * A hugetlbfs page is known to be in its file's page cache once it is present in any mapping of
 * the file (mincore() does not report it): look at every such mapping first.
 */
function learnHugeCache(m: Machine): void {
  for (const p of m.s.processes.values()) {
    if (!p.alive || !p.pid) continue;
    for (const a of m.s.areasOf(p.name)) {
      if (a.file?.kind !== 'hugetlb' || !a.shared) continue;
      const n = Number(a.len / BigInt(a.pageSize));
      const sub = a.pageSize / PAGE_SIZE;
      const raw = m.pages(p.name).states(a.start, n * sub);
      sawHugePages(
        a,
        a.start,
        Array.from({ length: n }, (_, i) => ((raw[i * sub] ?? 0) & PAGE.PRESENT) !== 0),
      );
    }
  }
}

export function areaSnapshot(
  m: Machine,
  a: Area,
  process: ProcessName,
  budget: { left: number },
): AreaSnapshot {
  const unit = a.pageSize;
  const n = Number(a.len / BigInt(unit));
  const pages = new Uint8Array(n);
  const content = new Map<number, string>();
  const sub = unit / PAGE_SIZE;
  const raw = m.pages(process).states(a.start, n * sub);
  const cached = cachedPages(m, a, a.start, n);
  const tags = m.content.area(process, a.name);
  for (const [from, to] of mappedPages(m, a, process)) {
    for (let i = from; i < to; i++) {
      let bits = PAGE.MAPPED | (raw[i * sub] ?? 0);
      if (a.kind === 'file') bits &= ~PAGE.CACHED;
      else if (cached[i] || (bits & PAGE.PRESENT && (a.shared || a.kind === 'shmem'))) bits |= PAGE.CACHED;
      pages[i] = bits;
      const tag = pageContent(m, a, process, i, bits, tags, budget);
      if (tag !== undefined) content.set(i, tag);
    }
  }
  return {
    name: a.name,
    process,
    kind: a.kind,
    shared: a.shared,
    prot: a.prot,
    start: a.start,
    len: a.len,
    pageSize: unit,
    pages,
    content,
  };
}

/** The page index ranges of an area that vmas of the process cover. */
function mappedPages(m: Machine, a: Area, process: ProcessName): [number, number][] {
  const unit = BigInt(a.pageSize);
  const end = a.start + a.len;
  const out: [number, number][] = [];
  for (const v of m.vmas(process).all()) {
    if (v.end <= a.start || v.start >= end) continue;
    const from = v.start > a.start ? (v.start - a.start + unit - 1n) / unit : 0n;
    const to = ((v.end < end ? v.end : end) - a.start) / unit;
    if (to > from) out.push([Number(from), Number(to)]);
  }
  return out;
}

function pageContent(
  m: Machine,
  a: Area,
  process: ProcessName,
  i: number,
  bits: number,
  tags: Map<number, string>,
  budget: { left: number },
): string | undefined {
  if (bits & PAGE.ZERO) return fillTag(0);
  const present = (bits & PAGE.PRESENT) !== 0;
  if (!present && !(bits & PAGE.CACHED)) return undefined;
  const at = a.start + BigInt(i * a.pageSize);
  const offset = at - a.start + a.offset;
  const cache = present ? tags : m.content.file(a.file?.name ?? `$${a.name}`);
  const key = present ? i : offset;
  const known = (cache as Map<number | bigint, string>).get(key);
  if (known !== undefined) return known;
  if ((budget.left -= a.pageSize) < 0) return undefined;
  const bytes = present ? m.pages(process).read(at, a.pageSize) : readFile(m, a, at);
  if (!bytes) return undefined;
  const tag = uniformTag(bytes) ?? contentTag(bytes);
  (cache as Map<number | bigint, string>).set(key, tag);
  return tag;
}

const uniform = new Map<number, Buffer>();

/** The tag of a page holding one byte throughout (most pages), found by a native compare. */
function uniformTag(bytes: Uint8Array): string | undefined {
  const b = bytes[0] ?? 0;
  const key = b * 0x1000000 + bytes.length;
  let same = uniform.get(key);
  if (!same) uniform.set(key, (same = Buffer.alloc(bytes.length, b)));
  return same.equals(bytes) ? fillTag(b) : undefined;
}

/**
 * A cache-only page's bytes, read from its file, never through the mapping (that would fault).
 * An anonymous shared area's file is reached through /proc/self/map_files (root only).
 */
function readFile(m: Machine, a: Area, at: bigint): Uint8Array | undefined {
  const buf = Buffer.alloc(a.pageSize);
  if (a.file)
    return os.pread(a.file.fd, buf, a.pageSize, at - a.start + a.offset) === a.pageSize ? buf : undefined;
  const v = a.kind === 'shmem' ? m.vmas('main').at(at) : undefined;
  if (!v) return undefined;
  const fd = os.open(`/proc/self/map_files/${v.start.toString(16)}-${v.end.toString(16)}`, O_RDONLY_CLOEXEC);
  if (fd < 0) return undefined;
  const n = os.pread(fd, buf, a.pageSize, v.offset + (at - v.start));
  os.close(fd);
  return n === a.pageSize ? buf : undefined;
}

const O_RDONLY_CLOEXEC = 0o2000000;

function uffdSnapshot(m: Machine, u: UffdFd): UffdSnapshot {
  const info = m.fdinfo(u.fd);
  const faults = (read: boolean): FaultEntry[] =>
    u.queue
      .filter((e) => e.kind === 'fault' && e.read === read)
      .map((e) => ({ thread: e.thread, address: e.address, flags: (e.flags ??= inferFlags(m, e)) }));
  const pending = faults(false);
  const waiting = faults(true);
  if (info && (info.pending !== pending.length || info.total !== pending.length + waiting.length)) {
    m.s.note(
      `${u.name}: the kernel counts ${info.pending} unread of ${info.total} faults; ` +
        `the executor tracks ${pending.length} unread of ${pending.length + waiting.length}`,
    );
  }
  const fdFlags = info?.flags ?? 0;
  return {
    name: u.name,
    fd: u.fd,
    mm: u.mm,
    flags: (fdFlags & (O_NONBLOCK | O_CLOEXEC)) | (u.userModeOnly ? UFFD_USER_MODE_ONLY : 0),
    initialized: ((info?.features ?? 0n) & UFFD_FEATURE_INITIALIZED) !== 0n,
    features: (info?.features ?? 0n) & ~UFFD_FEATURE_INITIALIZED,
    pending,
    waiting,
    events: u.queue.filter((e) => e.kind === 'event').map((e) => ({ thread: e.thread, event: e.event })),
  };
}

function threadSnapshot(t: Thread): ThreadSnapshot {
  const tid = t.os?.tid ?? t.child?.pid ?? 0;
  return {
    name: t.name,
    process: t.process,
    tid,
    state: t.state,
    ...(t.address !== undefined && { address: t.address }),
    ...(t.uffd !== undefined && { uffd: t.uffd }),
    ...(t.since !== undefined && { since: t.since }),
    ...(t.doing !== undefined && { doing: t.doing }),
    ...(t.value !== undefined && { value: t.value }),
    ...(t.sigbusCode !== undefined && { sigbusCode: t.sigbusCode }),
  };
}
