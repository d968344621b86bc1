// mmap, munmap, mremap and madvise, each run by a thread (main unless the operation names one): the
// thread may block until the monitor reads the event the call sends.

import { hex } from '../../model/expr';
import { MAIN_THREAD, type AreaKind, type OperationOf, type Prot } from '../../model/operation';
import { E } from '../kernel';
import { userfaultfdUnmapComplete, type UnmapCtx } from '../fs/userfaultfd-events';
import type { Inode, InodeType } from '../mm/filemap';
import { doMadvise } from '../mm/madvise';
import { doMunmap, mmapRegion, pageAlign } from '../mm/mmap';
import { MREMAP_DONTUNMAP, MREMAP_FIXED, MREMAP_MAYMOVE, sysMremap } from '../mm/mremap';
import { HPAGE_SIZE, PAGE_SIZE } from '../mm/page';
import { VM, vmaLookup } from '../mm/vma';
import { zapPageRange } from '../mm/zap';
import type { Task, TaskBody } from '../sched';
import type { Area } from './areas';
import { runOnTask } from './run-task';
import { syscallOutcome, type Outcome } from './outcome';
import { UsageFailure, type Session } from './session';

const PROT_FLAGS: Record<Prot, number> = {
  PROT_NONE: 0,
  PROT_READ: VM.READ,
  PROT_WRITE: VM.WRITE,
  PROT_EXEC: VM.EXEC,
};

const DEFAULT_SHARED: Record<AreaKind, boolean> = {
  anon: false,
  shmem: true,
  memfd: true,
  hugetlb: false,
  file: false,
};

const FILE_TYPE: Record<AreaKind, InodeType | null> = {
  anon: null,
  shmem: 'shmem',
  memfd: 'shmem',
  hugetlb: 'hugetlbfs',
  file: 'regular',
};

/** A truncate (ftruncate to a smaller size): the pages past the end go, from every mapping. */
function truncate(s: Session, file: Inode, size: number): void {
  const from = Math.ceil(size / file.pageSize);
  if (from < file.pages) {
    for (const p of s.k.processes.values()) {
      for (const v of p.mm.vmas) {
        if (v.file === file) zapPageRange(s.k, v, v.start, v.end, false, { file, from, to: file.pages });
      }
    }
    file.remove(from, file.pages, s.k.pages);
  }
  file.size = size;
}

/** A new area's name: not used yet in the session, and not one of the backend's own (`$src`). */
function checkNewArea(s: Session, name: string): void {
  if (typeof name !== 'string' || !name) throw new UsageFailure('the new area needs a name (as)', 'as');
  if (name.startsWith('$')) throw new UsageFailure('names starting with $ are the backend’s own', 'as');
  if (s.areas.list.some((a) => a.name === name)) {
    throw new UsageFailure(`the area name '${name}' is already used in this session`, 'as');
  }
}

/**
 * The file an mmap maps: a named memfd or file (shared between areas), or a fresh one. Anonymous
 * kinds (anon, shmem, private hugetlb) have no file a scenario can name.
 */
function mmapFile(s: Session, op: OperationOf<'mmap'>, size: number, shared: boolean): Inode | null {
  const type = FILE_TYPE[op.kind];
  const named = op.kind === 'memfd' || op.kind === 'file' || (op.kind === 'hugetlb' && shared);
  if (!named && (op.file !== undefined || op.readOnlyFd)) {
    throw new UsageFailure(`a ${shared ? 'shared' : 'private'} ${op.kind} area has no file`, 'file');
  }
  if (!type) return null;
  const fileSize = op.fileSize === undefined ? undefined : s.num(op.fileSize, 'fileSize');
  if (op.file === undefined) return s.k.newFile(type, fileSize ?? size);
  let file = s.k.files.get(op.file);
  if (file && file.type !== type) {
    throw new UsageFailure(`'${op.file}' is a ${file.type} file, not ${type}`, 'file');
  }
  if (!file) {
    file = s.k.newFile(type, fileSize ?? size, op.file);
    s.k.files.set(op.file, file);
  } else if (fileSize !== undefined) {
    if (fileSize < file.size) truncate(s, file, fileSize);
    else file.size = fileSize;
  }
  return file;
}

export function doMmap(s: Session, op: OperationOf<'mmap'>): Outcome {
  const proc = s.processOf(op.thread ?? MAIN_THREAD);
  checkNewArea(s, op.as);
  const shared = op.shared ?? DEFAULT_SHARED[op.kind];
  if (op.kind === 'shmem' && !shared) {
    throw new UsageFailure(
      'shmem is MAP_SHARED; a private shmem mapping is kind memfd with shared: false',
      'shared',
    );
  }
  if (op.kind === 'anon' && shared) {
    throw new UsageFailure('an anon area is private; a shared anonymous area is kind shmem', 'shared');
  }
  const prot = op.prot ?? ['PROT_READ', 'PROT_WRITE'];
  const protFlags = prot.reduce((m, p) => m | PROT_FLAGS[p], 0);
  const hugetlb = op.kind === 'hugetlb';
  const unit = hugetlb ? HPAGE_SIZE : PAGE_SIZE;
  const lenIn = s.num(op.len, 'len');
  const offset = op.offset === undefined ? 0 : s.num(op.offset, 'offset');
  const call = `mmap(NULL, ${lenIn}, ${prot.join('|')}, ${shared ? 'MAP_SHARED' : 'MAP_PRIVATE'}, ${op.kind}, ${offset})`;
  const len = Math.ceil(lenIn / unit) * unit;
  if (len === 0 || len > 2 ** 40 || offset % unit) return syscallOutcome(-E.EINVAL, call);
  if (op.readOnlyFd && shared && protFlags & VM.WRITE) return syscallOutcome(-E.EACCES, call);
  const task = s.task(op.thread ?? MAIN_THREAD);
  const file = mmapFile(s, op, offset + len, shared);
  const maywrite = !(op.readOnlyFd && shared && file);
  const flags =
    protFlags | (shared ? VM.SHARED : 0) | (maywrite ? VM.MAYWRITE : 0) | (hugetlb ? VM.HUGETLB : 0);
  const start = Number(s.placer.place(BigInt(len)));
  mmapRegion(proc.mm, { start, len, flags, file, pgoff: offset / PAGE_SIZE });
  const area: Area = {
    name: op.as,
    process: proc.name,
    kind: op.kind,
    shared,
    prot,
    start,
    len,
    pageSize: unit,
    file,
  };
  s.areas.add(area);
  // mmap never blocks; like every operation it completes, it leaves its thread done.
  runOnTask(s, task, `mmap ${op.as}`, done(start), call);
  return { call, ret: start, addr: BigInt(start) };
}

// eslint-disable-next-line require-yield
function* done(ret: number): TaskBody {
  return { state: 'done', ret };
}

function memoryTask(s: Session, thread: string | undefined): Task {
  return s.task(thread ?? MAIN_THREAD);
}

export function doMunmapOp(s: Session, op: OperationOf<'munmap'>): Outcome {
  const addr = s.num(op.addr, 'addr');
  const len = s.num(op.len, 'len');
  const task = memoryTask(s, op.thread);
  const k = s.k;
  const mm = task.process.mm;
  function* body(): TaskBody {
    const unmaps: UnmapCtx[] = [];
    const ret = doMunmap(k, mm, addr, len, unmaps);
    if (ret) return { state: 'done', ret };
    yield* userfaultfdUnmapComplete(k, unmaps);
    return { state: 'done', ret: 0 };
  }
  return runOnTask(s, task, 'munmap', body(), `munmap(${hex(addr)}, ${len})`);
}

export function doMadviseOp(s: Session, op: OperationOf<'madvise'>): Outcome {
  const addr = s.num(op.addr, 'addr');
  const len = s.num(op.len, 'len');
  const task = memoryTask(s, op.thread);
  const k = s.k;
  function* body(): TaskBody {
    return { state: 'done', ret: yield* doMadvise(k, task.process.mm, addr, len, op.advice) };
  }
  return runOnTask(s, task, op.advice, body(), `madvise(${hex(addr)}, ${len}, ${op.advice})`);
}

const MREMAP_FLAG = { MREMAP_MAYMOVE, MREMAP_FIXED, MREMAP_DONTUNMAP } as const;

export function doMremapOp(s: Session, op: OperationOf<'mremap'>): Outcome {
  const addr = s.num(op.addr, 'addr');
  const oldLen = s.num(op.oldLen, 'oldLen');
  const newLen = s.num(op.newLen, 'newLen');
  const proc = s.processOf(op.thread ?? MAIN_THREAD);
  const flags = (op.flags ?? []).reduce((m, f) => m | MREMAP_FLAG[f], 0);
  const call = `mremap(${hex(addr)}, ${oldLen}, ${newLen}, ${(op.flags ?? []).join('|') || 0})`;
  let newAddr = 0;
  if (flags & MREMAP_MAYMOVE) {
    if (!op.as) throw new UsageFailure('a mremap that may move names the new place (as)', 'as');
    checkNewArea(s, op.as);
    newAddr =
      flags & MREMAP_FIXED && op.newAddr !== undefined
        ? s.num(op.newAddr, 'newAddr')
        : Number(s.placer.place(BigInt(pageAlign(newLen))));
  }
  const task = memoryTask(s, op.thread);
  const k = s.k;
  function* body(): TaskBody {
    return { state: 'done', ret: yield* sysMremap(k, proc.mm, addr, oldLen, newLen, flags, newAddr) };
  }
  const out = runOnTask(s, task, 'mremap', body(), call);
  const movedTo = out.blocked ? newAddr : out.ret === -1 ? undefined : out.ret;
  if (flags & MREMAP_MAYMOVE && op.as && movedTo !== undefined && vmaLookup(proc.mm, newAddr)) {
    const old = s.areas.of(proc.name).find((a) => addr >= a.start && addr < a.start + a.len);
    const vma = vmaLookup(proc.mm, newAddr)!;
    s.areas.add({
      name: op.as,
      process: proc.name,
      kind: old?.kind ?? 'anon',
      shared: (vma.flags & VM.SHARED) !== 0,
      prot: old?.prot ?? ['PROT_READ', 'PROT_WRITE'],
      start: newAddr,
      len: pageAlign(newLen),
      pageSize: old?.pageSize ?? PAGE_SIZE,
      file: vma.file,
    });
  }
  // Blocked on its events, it returns ret 0 like any blocked operation: its address shows when done.
  if (out.blocked || out.ret === -1) return out;
  if (!(flags & MREMAP_MAYMOVE)) growArea(s, proc.name, addr, newLen);
  return { ...out, addr: BigInt(out.ret) };
}

/** An area grown in place takes in the new pages. */
function growArea(s: Session, process: string, addr: number, newLen: number): void {
  const list = s.areas.list;
  const i = list.findIndex((a) => a.process === process && addr >= a.start && addr < a.start + a.len);
  const a = list[i];
  const end = addr + pageAlign(newLen);
  if (a && end > a.start + a.len) list[i] = { ...a, len: end - a.start };
}
