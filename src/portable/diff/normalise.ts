// A Result with everything engine-specific replaced by names, so two engines' results compare:
// addresses -> area-relative (`a+3p+0x7b`), fd numbers -> fd names, tids -> thread names, pids ->
// process names, and the same in struct and message bytes. What docs/engine-conventions.md "What is
// compared" lists is kept; `call`, `notes`, tids, pids, fd numbers and a usage error's text are not.

import type { Result } from '../model/result';
import type { Snapshot } from '../model/snapshot';
import { errnoName } from '../uapi/errno';
import { msgFields, type UffdMsg } from '../uapi/msg';
import { formatFlags, REGISTER_MODES, PAGEFAULT_FLAGS, USERFAULTFD_FLAGS } from '../uapi/names';
import { FIELD_SIZE, STRUCTS, type FieldLayout, type StructValues } from '../uapi/structs';
import { formatField, namesFrom, type ValueNames } from '../scenario/values';
import { relativeAddress, type Placement } from './address';

/** One area's pages, kept as bits (an area may have a million pages). */
export interface NormalPages {
  readonly area: string;
  readonly start: bigint;
  readonly pageSize: number;
  readonly bits: Uint8Array;
  readonly content: ReadonlyMap<number, string>;
}

export interface NormalResult {
  /** Every compared value by path, as text: `ret`, `struct.after.copy`, `snapshot.threads.T1.state`. */
  readonly fields: ReadonlyMap<string, string>;
  /** Page states and contents by area key (`main:a`). */
  readonly pages: ReadonlyMap<string, NormalPages>;
}

export function normaliseResult(r: Result, placements: readonly Placement[]): NormalResult {
  const fields = new Map<string, string>();
  const snap = r.snapshot;
  const names = namesFrom(snap, placements, r.op);
  const set = (path: string, v: string | number | boolean | bigint) => fields.set(path, String(v));

  set('ret', retText(r, placements));
  set('errno', r.errno === undefined ? '0' : errnoName(r.errno));
  set('blocked', r.blocked ?? false);
  set('usageError', r.usageError ? 'yes' : 'no');
  if (r.addr !== undefined) set('addr', relativeAddress(r.addr, placements));
  if (r.revents !== undefined) set('revents', `0x${r.revents.toString(16)}`);
  if (r.struct) {
    const layout = STRUCTS[r.struct.name];
    set('struct.name', r.struct.name);
    for (const side of ['before', 'after'] as const) {
      const values: StructValues = r.struct[side];
      for (const f of layout.fields) {
        const v = values[f.name];
        if (v !== undefined) set(`struct.${side}.${f.name}`, formatField(f, v, names));
      }
      const bytes = side === 'before' ? r.struct.beforeBytes : r.struct.afterBytes;
      set(`struct.${side}Bytes`, bytesText(bytes, layout.fields, names));
    }
  }
  if (r.msgs) {
    set('msgs.length', r.msgs.length);
    r.msgs.forEach((m, i) => normaliseMsg(m, `msgs[${i}]`, names, set));
  }
  const pages = normaliseSnapshot(snap, placements, names, set);
  return { fields, pages };
}

/** An fd, a pid or an address in `ret` becomes its name: the numbers are the engine's own. */
function retText(r: Result, placements: readonly Placement[]): string {
  const op = r.op;
  if (r.addr !== undefined && r.ret !== -1 && BigInt(r.ret) === r.addr)
    return relativeAddress(r.addr, placements);
  if (r.fd !== undefined && r.ret === r.fd && 'as' in op && op.as !== undefined) return `fd ${op.as}`;
  if (op.op === 'fork' && r.ret > 0) return `pid ${op.child}`;
  return String(r.ret);
}

/**
 * Hex bytes in 8-byte words, each field whose value is engine-specific (address, tid, fd) shown by
 * name instead: `<a+1p> <$src> 0010000000000000 ...`.
 */
function bytesText(bytes: Uint8Array, layout: readonly FieldLayout[], names: ValueNames): string {
  const parts: string[] = [];
  let at = 0;
  const hex = (from: number, to: number) => {
    let s = '';
    for (let i = from; i < to; i++) {
      if (i > from && i % 8 === 0) s += ' ';
      s += bytes[i]!.toString(16).padStart(2, '0');
    }
    return s;
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const f of [...layout].sort((a, b) => a.offset - b.offset)) {
    if (f.role !== 'addr' && f.role !== 'tid' && f.role !== 'fd') continue;
    const size = FIELD_SIZE[f.type];
    if (f.offset + size > bytes.length) continue;
    const v = size === 8 ? view.getBigUint64(f.offset, true) : BigInt(view.getUint32(f.offset, true));
    if (v === 0n) continue;
    if (f.offset > at) parts.push(hex(at, f.offset));
    parts.push(`<${formatField(f, v, names)}>`);
    at = f.offset + size;
  }
  if (at < bytes.length) parts.push(hex(at, bytes.length));
  return parts.join(' ');
}

function normaliseMsg(m: UffdMsg, path: string, names: ValueNames, set: (p: string, v: string) => void) {
  const layout = msgFields(m.event);
  for (const f of layout) {
    const v = m.fields[f.name];
    if (v !== undefined) set(`${path}.${f.name}`, formatField(f, v, names));
  }
  set(`${path}.bytes`, bytesText(m.bytes, layout, names));
}

function normaliseSnapshot(
  snap: Snapshot,
  placements: readonly Placement[],
  names: ValueNames,
  set: (p: string, v: string | number | boolean | bigint) => void,
): Map<string, NormalPages> {
  const addr = (a: bigint) => relativeAddress(a, placements);
  const S = 'snapshot';
  for (const p of snap.processes) set(`${S}.processes.${p.name}.alive`, p.alive);
  const pages = new Map<string, NormalPages>();
  for (const a of snap.areas) {
    const key = `${a.process}:${a.name}`;
    set(`${S}.areas.${key}.kind`, a.shared ? `${a.kind} shared` : a.kind);
    set(`${S}.areas.${key}.prot`, [...a.prot].sort().join('|') || 'PROT_NONE');
    set(`${S}.areas.${key}.range`, `${addr(a.start)}..${addr(a.start + a.len)}`);
    pages.set(key, { area: a.name, start: a.start, pageSize: a.pageSize, bits: a.pages, content: a.content });
  }
  for (const r of snap.registrations) {
    set(
      `${S}.registrations.${r.process}:${addr(r.start)}`,
      `..${addr(r.end)} ${formatFlags(r.mode, REGISTER_MODES)} ${r.uffd}`,
    );
  }
  const fault = (f: { thread: string; address: bigint; flags: number }) =>
    `${f.thread} ${addr(f.address)} ${formatFlags(f.flags, PAGEFAULT_FLAGS)}`;
  for (const u of snap.uffds) {
    const U = `${S}.uffds.${u.name}`;
    set(`${U}.mm`, u.mm);
    set(`${U}.flags`, formatFlags(u.flags, USERFAULTFD_FLAGS));
    set(`${U}.initialized`, u.initialized);
    set(`${U}.features`, formatField({ role: 'features' }, u.features, names));
    set(`${U}.pending`, u.pending.map(fault).join('; ') || 'none');
    set(`${U}.waiting`, u.waiting.map(fault).join('; ') || 'none');
    set(
      `${U}.events`,
      u.events.map((e) => `${e.thread} ${formatField({ role: 'event' }, e.event, names)}`).join('; ') ||
        'none',
    );
  }
  for (const f of snap.fds) set(`${S}.fds.${f.name}.path`, f.path);
  for (const t of snap.threads) {
    const T = `${S}.threads.${t.name}`;
    set(`${T}.state`, t.state);
    if (t.address !== undefined) set(`${T}.address`, addr(t.address));
    if (t.value !== undefined) set(`${T}.value`, `0x${t.value.toString(16)}`);
  }
  return pages;
}
