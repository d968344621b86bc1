// Memory operations: mmap of every area kind at AreaPlacer addresses (MAP_FIXED_NOREPLACE), and
// munmap, mremap and madvise, which a named thread makes (a thread of `main`, or a forked child's
// one thread): with the event features they block until the monitor reads the event.

import { hex } from '../../portable/model/expr';
import { AREA_KINDS, MAIN_THREAD, type OperationOf, type Prot } from '../../portable/model/operation';
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
import {
  ADVICE,
  HUGE_PAGE,
  MAP_ANONYMOUS,
  MAP_FIXED_NOREPLACE,
  MAP_HUGETLB,
  MAP_PRIVATE,
  MAP_SHARED,
  MREMAP,
  PAGE_SIZE,
  PROT,
} from './constants';
import { planEvents } from './events-plan';
import type { FileKind, FileObj } from './files';
import type { Machine } from './machine';
import { os, type ChildCmd } from './os';
import { finishWith, fromRet, type Outcome } from './outcome';
import { punchedHugePages } from './residency';
import type { Area, Job, Thread } from './session';
import type { CmdName } from './thread-protocol';

const DEFAULT_PROT: readonly Prot[] = ['PROT_READ', 'PROT_WRITE'];

function protBits(prot: readonly Prot[], field: string): number {
  if (!Array.isArray(prot)) usage('prot is a list of PROT_* names', field);
  return (prot as readonly Prot[]).reduce((b: number, p: Prot, i: number) => {
    const v = PROT[p] as number | undefined;
    if (v === undefined) usage(`unknown protection '${String(p)}'`, `${field}[${i}]`);
    return b | v;
  }, 0);
}

export async function mmap(m: Machine, op: OperationOf<'mmap'>): Promise<Outcome> {
  if (typeof op.as !== 'string' || !op.as) usage('the new area needs a name (`as`)', 'as');
  if (op.as.startsWith('$')) usage('names starting with $ are the executor’s own', 'as');
  if (!AREA_KINDS.includes(op.kind)) {
    usage(`unknown area kind '${String(op.kind)}' (one of ${AREA_KINDS.join(', ')})`, 'kind');
  }
  const t = await memThread(m, op.thread);
  if (m.s.area(op.as, t.process)) usage(`area '${op.as}' exists already in process '${t.process}'`, 'as');
  const len = resolveExpr(op.len, m.s.env, 'len');
  if (len < 0n) usage(`a length cannot be negative (${len})`, 'len');
  m.mapBudget(len, 'len');
  const prot = op.prot ?? DEFAULT_PROT;
  const protMask = protBits(prot, 'prot');
  const huge = op.kind === 'hugetlb';
  const shared = op.shared ?? (op.kind === 'shmem' || op.kind === 'memfd');
  if (op.kind === 'shmem' && !shared)
    usage('shmem is MAP_SHARED; a private shmem mapping is kind memfd', 'shared');
  const offset = op.offset === undefined ? 0n : resolveExpr(op.offset, m.s.env, 'offset');
  if (offset < 0n) usage(`a file offset cannot be negative (${offset})`, 'offset');
  const needsFile = op.kind === 'memfd' || op.kind === 'file' || (huge && shared);
  if (!needsFile && (op.file !== undefined || op.readOnlyFd)) usage(`a ${op.kind} area has no file`, 'file');
  if (t.child && needsFile)
    usage(`process '${t.process}' has no fds: it can map only anonymous memory`, 'kind');

  let file: FileObj | undefined;
  let fd = -1;
  if (needsFile) {
    const got = fileFor(m, op, huge ? 'hugetlb' : op.kind === 'file' ? 'file' : 'memfd', offset + len);
    if (typeof got === 'number') return fromRet(`memfd_create("${op.file ?? op.as}")`, got);
    file = got;
    fd = op.readOnlyFd ? m.files.readOnly(file) : file.fd;
    if (fd < 0) return fromRet(`open("/proc/self/fd/${file.fd}", O_RDONLY)`, fd);
  }
  if (huge) {
    const why = m.huge.ensure(Number((len + BigInt(HUGE_PAGE) - 1n) / BigInt(HUGE_PAGE)));
    if (why) usage(`hugetlb area: ${why}`, 'kind');
  }
  const flags =
    MAP_FIXED_NOREPLACE |
    (shared ? MAP_SHARED : MAP_PRIVATE) |
    (needsFile ? 0 : MAP_ANONYMOUS) |
    (huge && !needsFile ? MAP_HUGETLB : 0);
  const at = m.region.placer.place(len);
  const call = `mmap(${hex(at)}, ${hex(len)}, ${prot.join('|') || 'PROT_NONE'}, ${hex(flags)}, ${fd}, ${hex(offset)})`;
  const area: Area = {
    name: op.as,
    process: t.process,
    kind: op.kind,
    shared,
    prot: [...prot],
    start: at,
    len,
    pageSize: huge ? HUGE_PAGE : PAGE_SIZE,
    ...(file && { file }),
    offset,
  };
  const o: Outcome = { call, ret: 0 };
  const mapped = (r: bigint): void => {
    finishWith(o, r);
    if (r < 0n) return;
    o.addr = at;
    m.addArea(area);
    m.structural();
  };
  if (t.child) {
    // A child maps for itself: its thread makes the call.
    start(m, t, o, { kind: 'mmap', doing: `mmap ${op.as}`, events: [] }, mapped, 'MMAP', [
      at,
      len,
      BigInt(protMask),
      BigInt(flags),
    ]);
    return o;
  }
  // mmap never waits for the monitor: it is made here, on the executor's thread, for `t`.
  const r = os.mmap(at, len, protMask, flags, fd, offset);
  if (r >= 0n && r !== at) {
    os.munmap(r, len);
    usage(`the kernel placed the mapping at ${hex(r)}, not at ${hex(at)}`);
  }
  mapped(r);
  t.state = 'done';
  t.doing = `mmap ${op.as}`;
  t.value = t.address = t.sigbusCode = undefined;
  return o;
}

function fileFor(m: Machine, op: OperationOf<'mmap'>, kind: FileKind, end: bigint): FileObj | number {
  const name = op.file ?? op.as;
  const size = op.fileSize === undefined ? undefined : resolveExpr(op.fileSize, m.s.env, 'fileSize');
  if (size !== undefined && (size < 0n || size > m.s.options.maxTotalBytes)) {
    usage(`a file may have 0 to ${m.s.options.maxTotalBytes} bytes, not ${size}`, 'fileSize');
  }
  const old = m.files.get(name);
  if (old) {
    if (old.kind !== kind) usage(`the file '${name}' is a ${old.kind}, not a ${kind}`, 'file');
    if (size !== undefined && size !== old.size) {
      const r = m.files.resize(old, size);
      if (r < 0) return r;
    }
    return old;
  }
  if (end > m.s.options.maxTotalBytes)
    usage(`a file may have at most ${m.s.options.maxTotalBytes} bytes`, 'offset');
  return m.files.create(name, kind, size ?? end);
}

/** The thread a memory operation runs on: the one named, or `main`; it must be free. */
async function memThread(m: Machine, name: string | undefined): Promise<Thread> {
  const t = m.s.freeThread(await m.thread(name ?? MAIN_THREAD));
  if (t.child && !t.child.pid) {
    usage(`process '${t.process}' has not started: its fork waits for the FORK event to be read`, 'thread');
  }
  return t;
}

/** Starts a memory call on a thread: a worker of `main`, or the child's own thread. */
function start(
  m: Machine,
  t: Thread,
  o: Outcome,
  job: Omit<Job, 'step' | 'finish'>,
  finish: (r: bigint) => void,
  cmd: CmdName & keyof typeof ChildCmd,
  args: bigint[],
): void {
  t.job = {
    ...job,
    step: m.s.step,
    finish: (r) => {
      finishWith(o, r);
      finish(r);
    },
  };
  t.state = 'running';
  t.doing = job.doing;
  t.value = t.address = t.sigbusCode = undefined;
  o.by = t;
  if (t.child) {
    if (!t.child.post(cmd, args)) usage(`process '${t.process}' is gone`, 'thread');
  } else {
    m.post(t, cmd, args);
  }
}

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
  const done = (r: bigint) => {
    const a = m.s.areaAt(addr, p);
    if (r === 0n && a && op.advice === 'MADV_REMOVE') punchedHugePages(a, addr, addr + len);
    m.structural();
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
