// Memory operations: mmap of every area kind at AreaPlacer addresses (MAP_FIXED_NOREPLACE), and
// munmap, mremap and madvise, which a named thread makes: with the event features they block
// until the monitor reads the event.

import { hex } from '../../portable/model/expr';
import {
  AREA_KINDS,
  MAIN_PROCESS,
  MAIN_THREAD,
  type OperationOf,
  type Prot,
} from '../../portable/model/operation';
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
import { os } from './os';
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
  if (m.s.areas.has(op.as)) usage(`the area name '${op.as}' is already used in this session`, 'as');
  if (!AREA_KINDS.includes(op.kind))
    usage(`unknown area kind '${String(op.kind)}' (one of ${AREA_KINDS.join(', ')})`, 'kind');
  if (op.thread !== undefined) m.s.freeThread(await m.thread(op.thread));
  const len = resolveExpr(op.len, m.s.env, 'len');
  if (len < 0n) usage(`a length cannot be negative (${len})`, 'len');
  m.mapBudget(len, 'len');
  const prot = op.prot ?? DEFAULT_PROT;
  const protMask = protBits(prot, 'prot');
  const huge = op.kind === 'hugetlb';
  const shared = op.kind === 'shmem' ? true : op.kind === 'anon' ? false : (op.shared ?? op.kind === 'memfd');
  if (op.kind === 'anon' && op.shared)
    usage('an anon area is private; a shared anonymous area is kind shmem', 'shared');
  const offset = op.offset === undefined ? 0n : resolveExpr(op.offset, m.s.env, 'offset');
  if (offset < 0n) usage(`a file offset cannot be negative (${offset})`, 'offset');
  const needsFile = op.kind === 'memfd' || op.kind === 'file' || (huge && shared);
  if (!needsFile && (op.file !== undefined || op.readOnlyFd)) usage(`a ${op.kind} area has no file`, 'file');

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
  const r = os.mmap(at, len, protMask, flags, fd, offset);
  const call = `mmap(${hex(at)}, ${hex(len)}, ${prot.join('|') || 'PROT_NONE'}, ${hex(flags)}, ${fd}, ${hex(offset)})`;
  if (r < 0n) return fromRet(call, r);
  if (r !== at) {
    os.munmap(r, len);
    usage(`the kernel placed the mapping at ${hex(r)}, not at ${hex(at)}`);
  }
  const area: Area = {
    name: op.as,
    process: MAIN_PROCESS,
    kind: op.kind,
    shared,
    prot: [...prot],
    start: at,
    len,
    pageSize: huge ? HUGE_PAGE : PAGE_SIZE,
    ...(file && { file }),
    offset,
  };
  m.addArea(area);
  m.structural();
  return { call, ret: Number(at), addr: at };
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

/** The thread a memory operation runs on: the one named, or `main`. */
async function memThread(m: Machine, name: string | undefined): Promise<Thread> {
  const t = await m.thread(name ?? MAIN_THREAD);
  if (t.process !== MAIN_PROCESS)
    usage(`thread '${t.name}' belongs to process '${t.process}', which only touches memory`, 'thread');
  return m.s.freeThread(t);
}

function start(
  m: Machine,
  t: Thread,
  o: Outcome,
  job: Omit<Job, 'step' | 'finish'>,
  finish: (r: bigint) => void,
  cmd: [CmdName, bigint[]],
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
  t.value = undefined;
  t.address = undefined;
  t.sigbusCode = undefined;
  o.by = t;
  m.post(t, ...cmd);
}

export async function munmap(m: Machine, op: OperationOf<'munmap'>): Promise<Outcome> {
  const addr = resolveExpr(op.addr, m.s.env, 'addr');
  const len = resolveExpr(op.len, m.s.env, 'len');
  m.checkRange(addr, len, 'addr', 'mem');
  const t = await memThread(m, op.thread);
  const events = planEvents(
    m,
    MAIN_PROCESS,
    addr,
    addr + len,
    UFFD_EVENT_UNMAP,
    UFFD_FEATURE_EVENT_UNMAP,
    false,
  );
  const o: Outcome = { call: `munmap(${hex(addr)}, ${hex(len)})`, ret: 0 };
  start(
    m,
    t,
    o,
    { kind: 'munmap', doing: `munmap ${hex(addr)}`, events },
    (r) => {
      if (r === 0n) m.s.setOwner(MAIN_PROCESS, addr, addr + len, undefined);
      m.structural();
    },
    ['MUNMAP', [addr, len]],
  );
  m.structural();
  return o;
}

export async function madvise(m: Machine, op: OperationOf<'madvise'>): Promise<Outcome> {
  const addr = resolveExpr(op.addr, m.s.env, 'addr');
  const len = resolveExpr(op.len, m.s.env, 'len');
  const advice = ADVICE[op.advice];
  if (advice === undefined)
    usage(`unknown advice '${String(op.advice)}' (one of ${Object.keys(ADVICE).join(', ')})`, 'advice');
  m.checkRange(addr, len, 'addr', 'mem');
  const t = await memThread(m, op.thread);
  const removes = ['MADV_DONTNEED', 'MADV_DONTNEED_LOCKED', 'MADV_FREE', 'MADV_REMOVE'].includes(op.advice);
  const events = removes
    ? planEvents(m, MAIN_PROCESS, addr, addr + len, UFFD_EVENT_REMOVE, UFFD_FEATURE_EVENT_REMOVE, true)
    : [];
  const o: Outcome = { call: `madvise(${hex(addr)}, ${hex(len)}, ${op.advice})`, ret: 0 };
  start(
    m,
    t,
    o,
    { kind: 'madvise', doing: `madvise ${op.advice}`, events },
    (r) => {
      const a = m.s.areaAt(addr);
      if (r === 0n && a && op.advice === 'MADV_REMOVE') punchedHugePages(a, addr, addr + len);
      m.structural();
    },
    ['MADVISE', [addr, len, BigInt(advice)]],
  );
  m.contentChanged(MAIN_PROCESS, addr, len);
  return o;
}

export async function mremap(m: Machine, op: OperationOf<'mremap'>): Promise<Outcome> {
  const addr = resolveExpr(op.addr, m.s.env, 'addr');
  const oldLen = resolveExpr(op.oldLen, m.s.env, 'oldLen');
  const newLen = resolveExpr(op.newLen, m.s.env, 'newLen');
  const names = op.flags ?? [];
  const flags = names.reduce((b, f, i) => {
    const v = MREMAP[f];
    if (v === undefined) usage(`unknown mremap flag '${String(f)}'`, `flags[${i}]`);
    return b | v;
  }, 0);
  const moves = (flags & MREMAP.MREMAP_MAYMOVE) !== 0;
  if (moves && (typeof op.as !== 'string' || !op.as))
    usage('a mremap that may move names the new place with `as`', 'as');
  if (moves && m.s.areas.has(op.as!)) usage(`the area name '${op.as}' is already used in this session`, 'as');
  if (newLen < 0n || oldLen < 0n) usage('lengths cannot be negative', 'newLen');
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
  const t = await memThread(m, op.thread);
  const old = m.s.areaAt(addr);
  const events: Job['events'] = [];
  if (allFlags & MREMAP.MREMAP_FIXED) {
    events.push(
      ...planEvents(m, MAIN_PROCESS, addr, addr + oldLen, UFFD_EVENT_REMAP, UFFD_FEATURE_EVENT_REMAP, false),
    );
    if (!(flags & MREMAP.MREMAP_DONTUNMAP)) {
      events.push(
        ...planEvents(
          m,
          MAIN_PROCESS,
          addr,
          addr + oldLen,
          UFFD_EVENT_UNMAP,
          UFFD_FEATURE_EVENT_UNMAP,
          false,
        ),
      );
    }
  } else if (newLen < oldLen) {
    events.push(
      ...planEvents(
        m,
        MAIN_PROCESS,
        addr + newLen,
        addr + oldLen,
        UFFD_EVENT_UNMAP,
        UFFD_FEATURE_EVENT_UNMAP,
        false,
      ),
    );
  }
  let moved: Area | undefined;
  if (allFlags & MREMAP.MREMAP_FIXED && old && op.as) {
    moved = { ...old, name: op.as, start: newAddr, len: newLen, offset: old.offset + (addr - old.start) };
    m.addArea(moved);
  }
  const o: Outcome = {
    call: `mremap(${hex(addr)}, ${hex(oldLen)}, ${hex(newLen)}, ${names.join('|') || '0'}${allFlags & MREMAP.MREMAP_FIXED ? `, ${hex(newAddr)}` : ''})`,
    ret: 0,
  };
  if (allFlags & MREMAP.MREMAP_FIXED) o.addr = newAddr;
  start(
    m,
    t,
    o,
    { kind: 'mremap', doing: `mremap ${hex(addr)}`, events },
    (r) => {
      if (r < 0n) {
        if (moved) m.s.areas.delete(moved.name);
      } else {
        o.addr = BigInt.asUintN(64, r);
        if (moved) moveOwners(m, addr, oldLen, newAddr);
        else if (old && addr + newLen > old.start + old.len) old.len = addr + newLen - old.start;
      }
      m.structural();
    },
    ['MREMAP', [addr, oldLen, newLen, BigInt(allFlags), newAddr]],
  );
  m.structural();
  return o;
}

/** A moved range keeps its owner; the kernel says (smaps) whether it is still registered. */
function moveOwners(m: Machine, from: bigint, len: bigint, to: bigint): void {
  const shifted = m.s.owners
    .filter((o) => o.process === MAIN_PROCESS && o.end > from && o.start < from + len)
    .map((o) => {
      const s = o.start > from ? o.start : from;
      const e = o.end < from + len ? o.end : from + len;
      return { ...o, start: s - from + to, end: e - from + to };
    });
  for (const o of shifted) m.s.setOwner(MAIN_PROCESS, o.start, o.end, o.uffd);
}
