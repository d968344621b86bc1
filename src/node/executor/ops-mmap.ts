// mmap of every area kind at AreaPlacer addresses (MAP_FIXED_NOREPLACE): anonymous, shmem,
// memfds (aliases by file name), hugetlb (huge pages reserved as root), regular files; in `main`,
// or anonymous memory in a forked child.

import { hex } from '../../portable/model/expr';
import { AREA_KINDS, type OperationOf, type Prot } from '../../portable/model/operation';
import { resolveExpr } from '../../portable/model/resolve';
import { usage } from './caps';
import {
  HUGE_PAGE,
  MAP_ANONYMOUS,
  MAP_FIXED_NOREPLACE,
  MAP_HUGETLB,
  MAP_PRIVATE,
  MAP_SHARED,
  PAGE_SIZE,
  PROT,
} from './constants';
import type { FileKind, FileObj } from './files';
import type { Machine } from './machine';
import { memThread, start } from './mem-thread';
import { os } from './os';
import { finishWith, fromRet, type Outcome } from './outcome';
import type { Area } from './session';

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

  // What the session's huge pages were before this mapping's file grew (or came).
  const heldBefore = huge ? m.hugePagesHeld() : 0;
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
    // A shared area's file is counted in what the session holds now; a private area comes on top.
    const pages = Number((len + BigInt(HUGE_PAGE) - 1n) / BigInt(HUGE_PAGE));
    const total = m.hugePagesHeld() + (shared ? 0 : pages);
    const why = m.huge.ensure(total, Math.max(0, total - heldBefore));
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
