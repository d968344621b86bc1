// What changed between two snapshots, in the user's terms: page states, threads, registrations,
// queues and areas. The monitor shows it under each call, the narration draws on it.

import { relativeAddress, relativeLength } from '../../portable/console/address';
import type { AreaSnapshot, PageStateName, Snapshot, ThreadState } from '../../portable/model/snapshot';
import { pageStateName } from '../../portable/model/snapshot';
import { REGISTER_MODES, flagNames } from '../../portable/uapi/names';

export interface PageChange {
  readonly area: string;
  readonly page: number;
  readonly from: PageStateName;
  readonly to: PageStateName;
  readonly content?: string;
}

export interface ThreadChange {
  readonly name: string;
  readonly from?: ThreadState;
  readonly to: ThreadState;
}

export interface SnapshotChanges {
  /** Page state changes, up to the limit; pageCount counts them all. */
  readonly pages: readonly PageChange[];
  readonly pageCount: number;
  readonly threads: readonly ThreadChange[];
  /** Registrations added and removed, as text (`a+1p..a+4p MISSING on uffd`). */
  readonly registered: readonly string[];
  readonly unregistered: readonly string[];
  /** Queue length changes per uffd: `uffd: pending 0 → 1`. */
  readonly queues: readonly string[];
  readonly areasAdded: readonly string[];
}

/** Pages whose content tag differs: looked up by the tags present, not page by page. */
function contentChanges(prev: AreaSnapshot | undefined, next: AreaSnapshot): Set<number> {
  const out = new Set<number>();
  if (!prev || prev.content === next.content) return out;
  for (const [i, c] of next.content) if (prev.content.get(i) !== c) out.add(i);
  for (const i of prev.content.keys()) if (!next.content.has(i)) out.add(i);
  return out;
}

function pageChanges(
  prev: AreaSnapshot | undefined,
  next: AreaSnapshot,
  limit: number,
  out: PageChange[],
): number {
  const before = prev?.pages;
  const contents = contentChanges(prev, next);
  let count = 0;
  const note = (i: number, from: PageStateName, to: PageStateName) => {
    count++;
    if (out.length >= limit) return;
    const content = next.content.get(i);
    out.push({ area: next.name, page: i, from, to, ...(content !== undefined ? { content } : {}) });
  };
  // Byte comparisons first: a 65,536-page area costs one tight loop, not a Map lookup a page.
  const anyContent = contents.size > 0;
  for (let i = 0; i < next.pages.length; i++) {
    const a = before ? before[i]! : 0;
    const b = next.pages[i]!;
    if (a === b && !(anyContent && contents.has(i))) continue;
    const from = pageStateName(a);
    const to = pageStateName(b);
    if (from !== to || contents.has(i)) note(i, from, to);
  }
  return count;
}

export function registrationText(
  r: Snapshot['registrations'][number],
  snap: Pick<Snapshot, 'areas' | 'pageSize'>,
): string {
  const modes = flagNames(r.mode, REGISTER_MODES).map((m) => m.replace('UFFDIO_REGISTER_MODE_', ''));
  const where = relativeAddress(r.start, snap.areas, snap.pageSize);
  return `${where} (${relativeLength(r.end - r.start, snap.pageSize)}) ${modes.join('|')} on ${r.uffd}`;
}

export function threadChanges(prev: Snapshot, next: Snapshot): ThreadChange[] {
  const out: ThreadChange[] = [];
  for (const t of next.threads) {
    const before = prev.threads.find((x) => x.name === t.name && x.process === t.process);
    if (before?.state !== t.state)
      out.push({ name: t.name, ...(before ? { from: before.state } : {}), to: t.state });
  }
  return out;
}

export function diffSnapshots(prev: Snapshot, next: Snapshot, limit = 64): SnapshotChanges {
  const pages: PageChange[] = [];
  let pageCount = 0;
  for (const area of next.areas) {
    if (area.name.startsWith('$')) continue;
    const before = prev.areas.find((a) => a.name === area.name && a.process === area.process);
    pageCount += pageChanges(before, area, limit, pages);
  }
  const threads = threadChanges(prev, next);
  const regText = (s: Snapshot) => s.registrations.map((r) => registrationText(r, next));
  const was = regText(prev);
  const now = regText(next);
  const queues: string[] = [];
  for (const u of next.uffds) {
    const b = prev.uffds.find((x) => x.name === u.name);
    for (const q of ['pending', 'waiting', 'events'] as const) {
      const from = b?.[q].length ?? 0;
      if (from !== u[q].length) queues.push(`${u.name}: ${q} ${from} → ${u[q].length}`);
    }
  }
  return {
    pages,
    pageCount,
    threads,
    registered: now.filter((r) => !was.includes(r)),
    unregistered: was.filter((r) => !now.includes(r)),
    queues,
    areasAdded: next.areas
      .filter((a) => !a.name.startsWith('$') && !prev.areas.some((p) => p.name === a.name))
      .map((a) => a.name),
  };
}
