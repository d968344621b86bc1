// What a step changed, read off the snapshots before and after it: page states (as runs of pages),
// threads, registrations and queues. For the CLI's step-by-step output and the UI's narration.

import type { Placement } from '../diff/address';
import { relativeAddress } from '../diff/address';
import { runs } from '../diff/runs';
import { pageStateName, type AreaSnapshot, type Snapshot, type ThreadSnapshot } from '../model/snapshot';
import { formatFlags, REGISTER_MODES } from '../uapi/names';

const addrOf = (a: bigint, places: readonly Placement[]) => relativeAddress(a, places);

function pageChanges(
  before: AreaSnapshot | undefined,
  after: AreaSnapshot,
  places: readonly Placement[],
): string[] {
  const out: string[] = [];
  const prefix = after.process === 'main' ? '' : `${after.process}:`;
  const unit = BigInt(after.pageSize);
  const label = (i: number) => addrOf(after.start + BigInt(i) * unit, places);
  const describe = (a: AreaSnapshot | undefined, i: number) => {
    if (!a) return 'not-mapped';
    const state = pageStateName(a.pages[i] ?? 0);
    const content = a.content.get(i);
    return content === undefined ? state : `${state} (${content})`;
  };
  for (const r of runs(after.pages.length, (i) => {
    const was = describe(before, i);
    const now = describe(after, i);
    return was === now ? undefined : `${was} -> ${now}`;
  })) {
    const where = r.from === r.to ? label(r.from) : `${label(r.from)}..${label(r.to + 1)}`;
    out.push(`${prefix}${where}: ${r.key}`);
  }
  return out;
}

function threadText(t: ThreadSnapshot, places: readonly Placement[]): string {
  let s: string = t.state;
  if (t.address !== undefined && (t.state === 'blocked-fault' || t.state === 'sigbus')) {
    s += ` at ${addrOf(t.address, places)}`;
  }
  if (t.state === 'done' && t.value !== undefined) s += ` (read 0x${t.value.toString(16).padStart(2, '0')})`;
  if (t.state === 'blocked-event' && t.doing) s += ` in ${t.doing}`;
  return s;
}

/** One line per change, in a stable order: pages, threads, registrations, queues, processes. */
export function snapshotChanges(
  before: Snapshot | undefined,
  after: Snapshot,
  places: readonly Placement[],
): string[] {
  const out: string[] = [];
  for (const a of after.areas) {
    // `$` areas are the backend's own (the COPY source buffer); the conventions hide them.
    if (a.name.startsWith('$')) continue;
    const b = before?.areas.find((x) => x.name === a.name && x.process === a.process);
    out.push(...pageChanges(b, a, places).map((l) => `page ${l}`));
  }
  for (const t of after.threads) {
    const b = before?.threads.find((x) => x.name === t.name);
    const was = b ? threadText(b, places) : undefined;
    const now = threadText(t, places);
    if (was === undefined && t.state === 'idle') continue;
    if (was !== now) out.push(`thread ${t.name}: ${was === undefined ? 'new' : was} -> ${now}`);
  }
  const reg = (s: Snapshot | undefined) =>
    new Set(
      (s?.registrations ?? []).map(
        (r) =>
          `${r.process === 'main' ? '' : `${r.process}:`}${addrOf(r.start, places)}..${addrOf(r.end, places)} ` +
          `${formatFlags(r.mode, REGISTER_MODES)} on ${r.uffd}`,
      ),
    );
  const [rb, ra] = [reg(before), reg(after)];
  for (const r of rb) if (!ra.has(r)) out.push(`unregistered ${r}`);
  for (const r of ra) if (!rb.has(r)) out.push(`registered ${r}`);
  for (const u of after.uffds) {
    const b = before?.uffds.find((x) => x.name === u.name);
    for (const q of ['pending', 'waiting', 'events'] as const) {
      const was = b?.[q].length ?? 0;
      if (was !== u[q].length) out.push(`queue ${u.name}.${q}: ${was} -> ${u[q].length}`);
    }
  }
  for (const p of after.processes) {
    const b = before?.processes.find((x) => x.name === p.name);
    if (!b) {
      if (before) out.push(`process ${p.name}: new`);
    } else if (b.alive !== p.alive) out.push(`process ${p.name}: ${p.alive ? 'alive' : 'exited'}`);
  }
  return out;
}
