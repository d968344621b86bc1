// ioctl(fd, UFFDIO_*, struct): the struct is real bytes in the executor's memory, with the output
// fields the caller gave written in first; the bytes the kernel left are decoded back. Every
// address in it is checked against the session before the call.

import { hex } from '../../portable/model/expr';
import { fillTag } from '../../portable/model/content';
import { FILL_SOURCE_AREA, alignUp } from '../../portable/model/layout';
import type { MaskExpr, OperationOf } from '../../portable/model/operation';
import {
  resolveRequest,
  resolveStruct,
  resolveUffdFlags,
  type ResolvedStruct,
} from '../../portable/model/resolve';
import type { StructInOut } from '../../portable/model/result';
import {
  _IOC_SIZE,
  _IOC_TYPE,
  decodeStruct,
  encodeStruct,
  STRUCTS,
  UFFDIO,
  USERFAULTFD_IOC_NEW,
  type IoctlInfo,
  type StructLayout,
  type StructValues,
} from '../../portable/uapi';
import { usage } from './caps';
import { MAP_ANONYMOUS, MAP_FIXED_NOREPLACE, MAP_PRIVATE, PROT } from './constants';
import type { Machine } from './machine';
import { addUffd, liveFd } from './ops-fd';
import { os } from './os';
import { fromRet, type Outcome } from './outcome';
import { kernelRefusesRange } from './region';
import type { UffdFd } from './session';

const SRC_UNIT = 2n << 20n;

export function ioctl(m: Machine, op: OperationOf<'ioctl'>): Outcome {
  const req = resolveRequest(op.request);
  const name =
    req.kind === 'uffdio' ? req.info.name : req.kind === 'new' ? 'USERFAULTFD_IOC_NEW' : hex(req.request);
  const f = liveFd(m, op.fd, (n) => `ioctl(${n}, ${name}, ...)`);
  if ('call' in f) return f;
  if (req.kind === 'new') {
    const flags = resolveUffdFlags(op.arg as MaskExpr | undefined, m.s.env, 'arg');
    if (typeof op.as !== 'string' || !op.as)
      usage('USERFAULTFD_IOC_NEW makes a uffd: name it with `as`', 'as');
    if (m.s.fds.get(op.as)?.closed === false) usage(`the name '${op.as}' is already an open fd`, 'as');
    const r = os.ioctlValue(f.fd, USERFAULTFD_IOC_NEW, BigInt.asIntN(32, flags));
    const o = fromRet(`ioctl(${f.fd}, USERFAULTFD_IOC_NEW, ${hex(flags)})`, r);
    if (r >= 0) {
      addUffd(m, op.as, r, flags);
      o.fd = r;
    }
    return o;
  }
  if (req.kind === 'raw') {
    if (_IOC_TYPE(req.request) !== UFFDIO) {
      usage(`only userfaultfd ioctls (type 0xaa) can be sent, not ${hex(req.request)}`, 'request');
    }
    if (op.arg !== undefined) usage(`${hex(req.request)} is no UFFDIO_* request: it takes no arg`, 'arg');
    const buf = Buffer.alloc(Math.max(_IOC_SIZE(req.request), 8));
    return fromRet(`ioctl(${f.fd}, ${hex(req.request)}, buf)`, os.ioctl(f.fd, req.request, buf));
  }
  const layout = STRUCTS[req.info.struct];
  const resolved = resolveStruct(layout, op.arg as Parameters<typeof resolveStruct>[1], m.s.env, req.info);
  const values = { ...resolved.values };
  if (resolved.fill !== undefined) values.src = fillSource(m, resolved, values);
  checkAddresses(m, layout, values);
  const before = encodeStruct(layout, values);
  const buf = Buffer.from(before);
  const r = os.ioctl(f.fd, req.info.request, buf);
  const after = new Uint8Array(buf);
  const struct: StructInOut = {
    name: layout.name,
    before: decodeStruct(layout, before),
    beforeBytes: before,
    after: decodeStruct(layout, after),
    afterBytes: after,
  };
  const o = fromRet(`ioctl(${f.fd}, ${req.info.name}, ${formatStruct(struct.before)})`, r);
  o.struct = struct;
  if (f.kind === 'uffd') {
    account(m, f, req.info, struct.after, r);
    if (resolved.fill !== undefined) filled(m, f, struct, r, resolved.fill);
  }
  return o;
}

function formatStruct(v: StructValues): string {
  let out = '';
  for (const k in v) out += `${out ? ', ' : ''}${k}=${hex(v[k]!)}`;
  return `{${out}}`;
}

/** The executor's source buffer `$src`, filled with the byte over the copy's length. */
function fillSource(m: Machine, r: ResolvedStruct, values: StructValues): bigint {
  const len = BigInt(values.len ?? 0n);
  if (len > m.s.options.maxAreaBytes)
    usage(`a fill source may hold ${m.s.options.maxAreaBytes} bytes, not ${len}`, 'arg.len');
  const need = alignUp(len > SRC_UNIT ? len : SRC_UNIT, SRC_UNIT);
  let src = m.s.area(FILL_SOURCE_AREA, 'main');
  if (src && (src.len < need || !m.srcIntact(src))) {
    os.munmap(src.start, src.len);
    m.removeArea(src);
    m.structural();
    src = undefined;
  }
  if (!src) {
    m.mapBudget(need, 'arg.src');
    const at = m.region.placer.place(need);
    const got = os.mmap(
      at,
      need,
      PROT.PROT_READ | PROT.PROT_WRITE,
      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
      -1,
      0n,
    );
    if (got !== at) usage(`the fill source could not be mapped (errno ${-got})`, 'arg.src');
    src = {
      name: FILL_SOURCE_AREA,
      process: 'main',
      kind: 'anon',
      shared: false,
      prot: ['PROT_READ', 'PROT_WRITE'],
      start: at,
      len: need,
      pageSize: 4096,
      offset: 0n,
    };
    m.addArea(src);
    m.structural();
  }
  if (!m.srcChecked) {
    if (m.vmas('main').modeAt(src.start))
      usage('the fill source `$src` is registered with a uffd: it cannot be filled', 'arg.src');
    m.srcChecked = true;
  }
  // Filled with that byte over at least that much already (nothing has written there since): as good.
  const fill = r.fill!;
  if (m.srcFill?.byte !== fill || m.srcFill.len < len) {
    os.memset(src.start, fill, len);
    m.contentChanged('main', src.start, len);
    m.srcFill = { byte: fill, len };
  }
  return src.start;
}

interface StructRange {
  readonly start: bigint;
  readonly len: bigint;
  readonly field: string;
  /** validate_range() checks it (the source of a copy is only read). */
  readonly validated: boolean;
}

const num = (v: StructValues, k: string): bigint => BigInt(v[k] ?? 0n);

/** The [address, length] pairs of a struct, and whether validate_range() checks each. */
function ranges(layout: StructLayout, v: StructValues): StructRange[] {
  switch (layout.name) {
    case 'uffdio_api':
      return [];
    case 'uffdio_range':
      return [{ start: num(v, 'start'), len: num(v, 'len'), field: 'arg.start', validated: true }];
    case 'uffdio_copy':
      return [
        { start: num(v, 'dst'), len: num(v, 'len'), field: 'arg.dst', validated: true },
        { start: num(v, 'src'), len: num(v, 'len'), field: 'arg.src', validated: false },
      ];
    case 'uffdio_move':
      return [
        { start: num(v, 'dst'), len: num(v, 'len'), field: 'arg.dst', validated: true },
        { start: num(v, 'src'), len: num(v, 'len'), field: 'arg.src', validated: true },
      ];
    default:
      return [
        { start: num(v, 'range.start'), len: num(v, 'range.len'), field: 'arg.range.start', validated: true },
      ];
  }
}

/**
 * Every address must be the session's, unless validate_range() refuses one of the struct's
 * ranges: the kernel then returns EINVAL before it looks at any memory.
 */
function checkAddresses(m: Machine, layout: StructLayout, v: StructValues): void {
  const rs = ranges(layout, v);
  for (const r of rs) if (r.validated && kernelRefusesRange(r.start, r.len)) return;
  for (const r of rs) m.checkRange(r.start, r.len, r.field, 'none');
  const src = m.s.area(FILL_SOURCE_AREA, 'main');
  if (layout.name === 'uffdio_register' && src) {
    const [r] = rs;
    if (r && r.start < src.start + src.len && r.start + r.len > src.start) {
      usage('the range covers the executor’s own `$src` buffer, which cannot be registered', 'arg.range');
    }
  }
}

/** What a successful (or partial) ioctl changed in the session's bookkeeping. */
function account(m: Machine, u: UffdFd, info: IoctlInfo, v: StructValues, r: number): void {
  switch (info.name) {
    case 'UFFDIO_REGISTER': {
      const start = num(v, 'range.start');
      if (r === 0) m.s.setOwner(u.mm, start, start + num(v, 'range.len'), u.name);
      m.registrationsChanged();
      return;
    }
    case 'UFFDIO_UNREGISTER':
      if (r === 0) clearOwner(m, u, num(v, 'start'), num(v, 'start') + num(v, 'len'));
      m.registrationsChanged();
      return;
    case 'UFFDIO_COPY':
      m.contentChanged(u.mm, num(v, 'dst'), num(v, 'len'));
      return;
    case 'UFFDIO_MOVE':
      m.contentChanged(u.mm, num(v, 'dst'), num(v, 'len'));
      m.contentChanged(u.mm, num(v, 'src'), num(v, 'len'));
      return;
    case 'UFFDIO_ZEROPAGE':
    case 'UFFDIO_CONTINUE':
    case 'UFFDIO_POISON':
      m.contentChanged(u.mm, num(v, 'range.start'), num(v, 'range.len'));
      return;
  }
}

/**
 * A fill copy put `$src`'s bytes, `byte` throughout, in the pages it copied: in a private anonymous
 * area that is their content, known without reading them back for the next snapshot.
 */
function filled(m: Machine, u: UffdFd, s: StructInOut, r: number, byte: number): void {
  const v = s.after;
  const start = num(v, 'dst');
  // Part-way (EAGAIN), `copy` says how far, if the kernel wrote it (an early failure does not).
  const partial = num(v, 'copy') !== num(s.before, 'copy') ? num(v, 'copy') : 0n;
  const copied = r === 0 ? num(v, 'len') : partial;
  const a = m.s.areaAt(start, u.mm);
  if (copied <= 0n || !a || a.kind !== 'anon' || a.shared) return;
  const unit = BigInt(a.pageSize);
  const end = start + copied < a.start + a.len ? start + copied : a.start + a.len;
  const tags = m.content.area(u.mm, a.name);
  const tag = fillTag(byte);
  for (let at = start; at + unit <= end; at += unit) tags.set(Number((at - a.start) / unit), tag);
}

function clearOwner(m: Machine, u: UffdFd, start: bigint, end: bigint): void {
  const others = m.s.owners.filter((o) => o.uffd !== u.name || o.process !== u.mm);
  const mine = m.s.owners.filter((o) => o.uffd === u.name && o.process === u.mm);
  m.s.owners = others;
  for (const o of mine) {
    if (o.end <= start || o.start >= end) m.s.owners.push(o);
    else {
      if (o.start < start) m.s.owners.push({ ...o, end: start });
      if (o.end > end) m.s.owners.push({ ...o, start: end });
    }
  }
}
