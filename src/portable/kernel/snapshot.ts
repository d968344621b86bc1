// The state after a step, in the shape both engines return (model/snapshot.ts): areas with a PAGE
// byte per page (no per-page objects), registrations, every uffd's queues, fds and threads.

import {
  PAGE,
  type AreaSnapshot,
  type FaultEntry,
  type RegistrationSnapshot,
  type Snapshot,
  type ThreadSnapshot,
  type UffdSnapshot,
} from '../model/snapshot';
import { uffdSnapshotFlags } from './fs/file';
import type { FaultWaiter, UserfaultfdCtx } from './fs/userfaultfd-ctx';
import { HPAGE_SIZE, PAGE_SIZE } from './mm/page';
import { PTE } from './mm/pgtable';
import { linearPageIndex, vmaUffdModes, vmasInRange } from './mm/vma';
import type { Area } from './sys/areas';
import type { Session } from './sys/session';

/** The last snapshot of each area, reused while nothing it shows has changed (snapshots are immutable). */
const cache = new WeakMap<Area, { version: string; snap: AreaSnapshot }>();

function areaSnapshot(s: Session, a: Area): AreaSnapshot {
  const mm = s.k.processes.get(a.process)!.mm;
  const version = s.k.memoryVersion(mm);
  const hit = cache.get(a);
  if (hit?.version === version) return hit.snap;
  const snap = buildAreaSnapshot(s, a);
  cache.set(a, { version, snap });
  return snap;
}

function buildAreaSnapshot(s: Session, a: Area): AreaSnapshot {
  const k = s.k;
  const mm = k.processes.get(a.process)!.mm;
  const n = a.len / a.pageSize;
  const pages = new Uint8Array(n);
  const content = new Map<number, string>();
  const step = a.pageSize / PAGE_SIZE;
  const base = a.start / PAGE_SIZE;
  for (const vma of vmasInRange(mm, a.start, a.start + a.len)) {
    const from = Math.max(0, Math.floor((vma.start - a.start) / a.pageSize));
    const to = Math.min(n, Math.ceil((vma.end - a.start) / a.pageSize));
    pages.fill(PAGE.MAPPED, from, to);
    const file = vma.file && vma.file.type !== 'regular' ? vma.file : null;
    if (!file) continue;
    for (let i = from; i < to; i++) {
      const index = linearPageIndex(vma, a.start + i * a.pageSize);
      const page = index < file.pages ? file.find(index) : 0;
      if (!page) continue;
      pages[i]! |= PAGE.CACHED;
      content.set(i, k.pages.tag(page));
    }
  }
  const tag = (page: number) => k.pages.tag(page);
  mm.pt.forEachTable(base, base + n * step, (tbase, bits, ids, lo, hi) => {
    for (let j = lo; j < hi; j++) {
      const b = bits[j]!;
      if (b === 0) continue;
      const off = tbase + j - base;
      if (off % step) continue;
      const i = off / step;
      let p = pages[i]!;
      if (!(p & PAGE.MAPPED)) continue;
      if (b & PTE.PRESENT) {
        p |= b & PTE.ZERO ? PAGE.PRESENT | PAGE.ZERO : PAGE.PRESENT;
        content.set(i, b & PTE.ZERO ? '00' : tag(ids[j]!));
      }
      if (b & PTE.UFFD_WP) p |= PAGE.UFFD_WP;
      if (b & PTE.POISON) p |= PAGE.POISONED;
      pages[i] = p;
    }
  });
  return {
    name: a.name,
    process: a.process,
    kind: a.kind,
    shared: a.shared,
    prot: a.prot,
    start: BigInt(a.start),
    len: BigInt(a.len),
    pageSize: a.pageSize,
    pages,
    content,
  };
}

/** The name of a ctx's fd; a fork's new ctx not yet read gets the name its fd will have. */
function ctxName(s: Session, ctx: UserfaultfdCtx): string {
  const e = s.fds.find((f) => f.kind === 'uffd' && f.ctx === ctx);
  if (e) return e.name;
  for (const p of s.fds.entries()) {
    const f = p.file;
    if (f?.kind === 'uffd' && f.ctx.events.some((ev) => ev.forkCtx === ctx))
      return `${p.name}@${ctx.mm.owner}`;
  }
  return `(uffd of ${ctx.mm.owner})`;
}

const fault = (w: FaultWaiter): FaultEntry => ({
  thread: w.task.name,
  address: BigInt(w.address),
  flags: w.flags,
});

function uffdSnapshots(s: Session): UffdSnapshot[] {
  const out: UffdSnapshot[] = [];
  for (const e of s.fds.entries()) {
    const f = e.file;
    if (f?.kind !== 'uffd') continue;
    const ctx = f.ctx;
    out.push({
      name: e.name,
      fd: e.fd,
      mm: ctx.mm.owner,
      flags: uffdSnapshotFlags(f),
      initialized: ctx.initialized,
      features: ctx.features,
      pending: ctx.faultPending.map(fault),
      waiting: ctx.faultWaiting.map(fault),
      events: ctx.events.map((ev) => ({ thread: ev.task.name, event: ev.event })),
    });
  }
  return out;
}

/**
 * Areas and registrations are those of live processes: an exited child has no mm. A child whose fork
 * waits for its FORK event to be read has its mm already (dup_mmap() ran), so it shows.
 */
const running = (s: Session, name: string): boolean => s.k.processes.get(name)?.alive ?? false;

function registrations(s: Session): RegistrationSnapshot[] {
  const out: RegistrationSnapshot[] = [];
  for (const p of s.k.processes.values()) {
    if (!running(s, p.name)) continue;
    for (const v of p.mm.vmas) {
      if (!v.ctx) continue;
      out.push({
        process: p.name,
        start: BigInt(v.start),
        end: BigInt(v.end),
        uffd: ctxName(s, v.ctx),
        mode: BigInt(vmaUffdModes(v)),
      });
    }
  }
  return out;
}

function threads(s: Session): ThreadSnapshot[] {
  const out: ThreadSnapshot[] = [];
  for (const t of s.k.tasks.values()) {
    const th: { -readonly [K in keyof ThreadSnapshot]: ThreadSnapshot[K] } = {
      name: t.name,
      process: t.process.name,
      tid: t.tid,
      state: t.state,
    };
    if (t.address !== undefined) th.address = BigInt(t.address);
    if (t.sleep) {
      th.uffd = ctxName(s, t.sleep.ctx);
      th.since = t.since;
    }
    if (t.doing !== undefined) th.doing = t.doing;
    if (t.value !== undefined) th.value = t.value;
    if (t.sigbusCode !== undefined) th.sigbusCode = t.sigbusCode;
    out.push(th);
  }
  return out;
}

export function takeSnapshot(s: Session): Snapshot {
  return {
    pageSize: PAGE_SIZE,
    hugePageSize: HPAGE_SIZE,
    processes: [...s.k.processes.values()].map((p) => ({ name: p.name, pid: p.pid, alive: p.alive })),
    areas: s.areas.list.filter((a) => running(s, a.process)).map((a) => areaSnapshot(s, a)),
    registrations: registrations(s),
    uffds: uffdSnapshots(s),
    fds: s.fds
      .entries()
      .filter((e) => e.file?.kind === 'dev')
      .map((e) => ({ name: e.name, fd: e.fd, path: '/dev/userfaultfd' })),
    threads: threads(s),
  };
}
