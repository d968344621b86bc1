// ioctl(fd, UFFDIO_*, struct): the struct is real bytes in the executor's memory, with the output
// fields the caller gave written in first; the bytes the kernel left are decoded back. Every
// address in it is checked against the session before the call.

import { hex } from '../../portable/model/expr';
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
  if (f.kind === 'uffd') account(m, f, req.info, struct.after, r);
  return o;
}

function formatStruct(v: StructValues): string {
  return `{${Object.entries(v)
    .map(([k, x]) => `${k}=${hex(x)}`)
    .join(', ')}}`;
}

/** The executor's source buffer `$src`, filled with the byte over the copy's length. */
function fillSource(m: Machine, r: ResolvedStruct, values: StructValues): bigint {
  const len = BigInt(values.len ?? 0n);
  if (len > m.s.options.maxAreaBytes)
    usage(`a fill source may hold ${m.s.options.maxAreaBytes} bytes, not ${len}`, 'arg.len');
  const need = alignUp(len > SRC_UNIT ? len : SRC_UNIT, SRC_UNIT);
  let src = m.s.area(FILL_SOURCE_AREA, 'main');
  if (src && (src.len < need || !m.vmas('main').covers(src.start, src.start + src.len))) {
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
  if (m.vmas('main').modeAt(src.start))
    usage('the fill source `$src` is registered with a uffd: it cannot be filled', 'arg.src');
  os.memset(src.start, r.fill!, len);
  m.contentChanged('main', src.start, len);
  return src.start;
}

/** The [address, length] pairs of a struct, and whether validate_range() checks each. */
function ranges(
  layout: StructLayout,
  v: StructValues,
): { start: bigint; len: bigint; field: string; validated: boolean }[] {
  const n = (k: string): bigint => BigInt(v[k] ?? 0n);
  switch (layout.name) {
    case 'uffdio_api':
      return [];
    case 'uffdio_range':
      return [{ start: n('start'), len: n('len'), field: 'arg.start', validated: true }];
    case 'uffdio_copy':
      return [
        { start: n('dst'), len: n('len'), field: 'arg.dst', validated: true },
        { start: n('src'), len: n('len'), field: 'arg.src', validated: false },
      ];
    case 'uffdio_move':
      return [
        { start: n('dst'), len: n('len'), field: 'arg.dst', validated: true },
        { start: n('src'), len: n('len'), field: 'arg.src', validated: true },
      ];
    default:
      return [{ start: n('range.start'), len: n('range.len'), field: 'arg.range.start', validated: true }];
  }
}

/**
 * Every address must be the session's, unless validate_range() refuses one of the struct's
 * ranges: the kernel then returns EINVAL before it looks at any memory.
 */
function checkAddresses(m: Machine, layout: StructLayout, v: StructValues): void {
  const rs = ranges(layout, v);
  if (rs.some((r) => r.validated && kernelRefusesRange(r.start, r.len))) return;
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
function account(m: Machine, u: UffdFd, info: IoctlInfo, after: StructValues, r: number): void {
  const n = (k: string): bigint => BigInt(after[k] ?? 0n);
  switch (info.name) {
    case 'UFFDIO_REGISTER':
      if (r === 0) m.s.setOwner(u.mm, n('range.start'), n('range.start') + n('range.len'), u.name);
      m.registrationsChanged();
      return;
    case 'UFFDIO_UNREGISTER':
      if (r === 0) clearOwner(m, u, n('start'), n('start') + n('len'));
      m.registrationsChanged();
      return;
    case 'UFFDIO_COPY':
      m.contentChanged(u.mm, n('dst'), n('len'));
      return;
    case 'UFFDIO_MOVE':
      m.contentChanged(u.mm, n('dst'), n('len'));
      m.contentChanged(u.mm, n('src'), n('len'));
      return;
    case 'UFFDIO_ZEROPAGE':
    case 'UFFDIO_CONTINUE':
    case 'UFFDIO_POISON':
      m.contentChanged(u.mm, n('range.start'), n('range.len'));
      return;
  }
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
