// munmap, mremap and madvise, which a named thread makes (a thread of `main`, or a forked child's
// one thread): with the event features they block until the monitor reads the event.

import { hex } from '../../portable/model/expr';
import type { OperationOf } from '../../portable/model/operation';
import { resolveExpr } from '../../portable/model/resolve';
import {
  UFFD_EVENT_REMAP,
  UFFD_EVENT_REMOVE,
  UFFD_EVENT_UNMAP,
  UFFD_FEATURE_EVENT_REMAP,
  UFFD_FEATURE_EVENT_REMOVE,
  UFFD_FEATURE_EVENT_UNMAP,
} from '../../portable/uapi';
import { usage } from './caps';
import { ADVICE, MREMAP } from './constants';
import { planEvents } from './events-plan';
import type { Machine } from './machine';
import { memThread, start } from './mem-thread';
import type { Outcome } from './outcome';
import { punchedHugePages } from './residency';
import type { Area, Job } from './session';

export async function munmap(m: Machine, op: OperationOf<'munmap'>): Promise<Outcome> {
  const addr = resolveExpr(op.addr, m.s.env, 'addr');
  const len = resolveExpr(op.len, m.s.env, 'len');
  m.checkRange(addr, len, 'addr', 'mem');
  const t = await memThread(m, op.thread);
  const p = t.process;
  const events = planEvents(m, p, addr, addr + len, UFFD_EVENT_UNMAP, UFFD_FEATURE_EVENT_UNMAP, false);
  const o: Outcome = { call: `munmap(${hex(addr)}, ${hex(len)})`, ret: 0 };
  const done = (r: bigint) => {
    if (r === 0n) m.s.setOwner(p, addr, addr + len, undefined);
    m.structural();
  };
  start(m, t, o, { kind: 'munmap', doing: `munmap ${hex(addr)}`, events }, done, 'MUNMAP', [addr, len]);
  m.structural();
  return o;
}

export async function madvise(m: Machine, op: OperationOf<'madvise'>): Promise<Outcome> {
  const addr = resolveExpr(op.addr, m.s.env, 'addr');
  const len = resolveExpr(op.len, m.s.env, 'len');
  const advice = ADVICE[op.advice];
  if (advice === undefined) {
    usage(`unknown advice '${String(op.advice)}' (one of ${Object.keys(ADVICE).join(', ')})`, 'advice');
  }
  m.checkRange(addr, len, 'addr', 'mem');
  const t = await memThread(m, op.thread);
  const p = t.process;
  const removes = ['MADV_DONTNEED', 'MADV_DONTNEED_LOCKED', 'MADV_FREE', 'MADV_REMOVE'].includes(op.advice);
  const events = removes
    ? planEvents(m, p, addr, addr + len, UFFD_EVENT_REMOVE, UFFD_FEATURE_EVENT_REMOVE, true)
    : [];
  const o: Outcome = { call: `madvise(${hex(addr)}, ${hex(len)}, ${op.advice})`, ret: 0 };
  // None of these advices changes a vma or a registration (no vma is split): only what the pages
  // hold, so the cached maps and smaps stay good.
  const done = (r: bigint) => {
    const a = m.s.areaAt(addr, p);
    if (r === 0n && a && op.advice === 'MADV_REMOVE') punchedHugePages(a, addr, addr + len);
    m.contentChanged(p, addr, len);
  };
  start(m, t, o, { kind: 'madvise', doing: `madvise ${op.advice}`, events }, done, 'MADVISE', [
    addr,
    len,
    BigInt(advice),
  ]);
  m.contentChanged(p, addr, len);
  return o;
}

export async function mremap(m: Machine, op: OperationOf<'mremap'>): Promise<Outcome> {
  const addr = resolveExpr(op.addr, m.s.env, 'addr');
  const oldLen = resolveExpr(op.oldLen, m.s.env, 'oldLen');
  const newLen = resolveExpr(op.newLen, m.s.env, 'newLen');
  const names = op.flags ?? [];
  const flags = names.reduce((b, f, i) => {
    const v = MREMAP[f] as number | undefined;
    if (v === undefined) usage(`unknown mremap flag '${String(f)}'`, `flags[${i}]`);
    return b | v;
  }, 0);
  if (newLen < 0n || oldLen < 0n) usage('lengths cannot be negative', 'newLen');
  const t = await memThread(m, op.thread);
  const p = t.process;
  const moves = (flags & MREMAP.MREMAP_MAYMOVE) !== 0;
  if (moves && (typeof op.as !== 'string' || !op.as))
    usage('a mremap that may move names the new place with `as`', 'as');
  if (moves && m.s.area(op.as!, p)) usage(`area '${op.as}' exists already in process '${p}'`, 'as');
  m.checkRange(addr, oldLen, 'addr', 'mem');
  let newAddr = 0n;
  let allFlags = flags;
  if (op.newAddr !== undefined && flags & MREMAP.MREMAP_FIXED) {
    newAddr = resolveExpr(op.newAddr, m.s.env, 'newAddr');
    m.checkRange(newAddr, newLen, 'newAddr', 'mem');
  } else if (moves) {
    m.mapBudget(newLen, 'newLen');
    newAddr = m.region.placer.place(newLen);
    allFlags |= MREMAP.MREMAP_FIXED;
  } else {
    m.checkRange(addr, newLen, 'newLen', 'mem');
  }
  const fixed = (allFlags & MREMAP.MREMAP_FIXED) !== 0;
  const old = m.s.areaAt(addr, p);
  const events: Job['events'] = [];
  const plan = (s: bigint, e: bigint, ev: number, f: bigint) =>
    events.push(...planEvents(m, p, s, e, ev, f, false));
  if (fixed) {
    plan(addr, addr + oldLen, UFFD_EVENT_REMAP, UFFD_FEATURE_EVENT_REMAP);
    if (!(flags & MREMAP.MREMAP_DONTUNMAP))
      plan(addr, addr + oldLen, UFFD_EVENT_UNMAP, UFFD_FEATURE_EVENT_UNMAP);
  } else if (newLen < oldLen) {
    plan(addr + newLen, addr + oldLen, UFFD_EVENT_UNMAP, UFFD_FEATURE_EVENT_UNMAP);
  }
  let moved: Area | undefined;
  if (fixed && old && op.as) {
    moved = { ...old, name: op.as, start: newAddr, len: newLen, offset: old.offset + (addr - old.start) };
    m.addArea(moved);
    // The kernel moves the registration with the vma (with EVENT_REMAP) before it sends REMAP.
    moveOwners(m, p, addr, oldLen, newAddr);
  }
  const o: Outcome = {
    call: `mremap(${hex(addr)}, ${hex(oldLen)}, ${hex(newLen)}, ${names.join('|') || '0'}${fixed ? `, ${hex(newAddr)}` : ''})`,
    ret: 0,
  };
  const done = (r: bigint) => {
    if (r < 0n) {
      if (moved) m.removeArea(moved);
    } else {
      o.addr = BigInt.asUintN(64, r);
      if (!moved && old && addr + newLen > old.start + old.len) old.len = addr + newLen - old.start;
    }
    m.structural();
  };
  start(m, t, o, { kind: 'mremap', doing: `mremap ${hex(addr)}`, events }, done, 'MREMAP', [
    addr,
    oldLen,
    newLen,
    BigInt(allFlags),
    newAddr,
  ]);
  m.structural();
  return o;
}

/** A moved range keeps its owner; the kernel says (smaps) whether it is still registered. */
function moveOwners(m: Machine, process: string, from: bigint, len: bigint, to: bigint): void {
  const shifted = m.s.owners
    .filter((o) => o.process === process && o.end > from && o.start < from + len)
    .map((o) => {
      const s = o.start > from ? o.start : from;
      const e = o.end < from + len ? o.end : from + len;
      return { ...o, start: s - from + to, end: e - from + to };
    });
  for (const o of shifted) m.s.setOwner(process, o.start, o.end, o.uffd);
}
