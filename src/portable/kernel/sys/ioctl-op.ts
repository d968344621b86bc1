// ioctl(fd, request, arg): the struct is built from the operation's fields (output fields given are
// written in too), handed to the kernel as user memory, and shown as it went in and came back.
// An arg given as a plain value is a pointer: one outside every mapping shows EFAULT.

import type { MaskExpr, OperationOf, StructArg } from '../../model/operation';
import { resolveExpr, resolveRequest, resolveStruct, resolveUffdFlags } from '../../model/resolve';
import type { IoctlInfo } from '../../uapi/names';
import { encodeStruct, STRUCTS, type StructValues } from '../../uapi/structs';
import { USERFAULTFD_IOC_NEW } from '../../uapi/userfaultfd';
import { E } from '../kernel';
import { vmaLookup } from '../mm/vma';
import { syscallOutcome, type Outcome } from './outcome';
import { fillSource } from './fill-source';
import { structAfter } from './views';
import { UsageFailure, type Session } from './session';

const isStructArg = (a: unknown): a is StructArg => typeof a === 'object' && a !== null && !Array.isArray(a);

function structText(values: StructValues): string {
  let s = '';
  for (const k in values) s += `${s ? ', ' : ''}${k}=0x${values[k]!.toString(16)}`;
  return `{${s}}`;
}

/**
 * The caller's struct with every field as passed in, or null for an argument that is a pointer
 * rather than a struct (it must point outside every mapping: the call then faults).
 */
function userArg(s: Session, info: IoctlInfo, arg: StructArg | MaskExpr | undefined): StructValues | null {
  const layout = STRUCTS[info.struct];
  if (arg !== undefined && !isStructArg(arg)) {
    if (Array.isArray(arg)) throw new UsageFailure(`${layout.name} takes an object of fields`, 'arg');
    const ptr = resolveExpr(arg as string | number, s.env, 'arg');
    if (ptr >= 0n && ptr < 2n ** 52n && vmaLookup(s.k.main.mm, Number(ptr))) {
      throw new UsageFailure(
        'a raw arg pointer must lie outside every mapping (give the fields instead)',
        'arg',
      );
    }
    return null;
  }
  const r = resolveStruct(layout, arg, s.env, info);
  const values: StructValues = {};
  for (const f of layout.fields) {
    values[f.name] = r.values[f.name] ?? (f.type === 'u64' || f.type === 's64' ? 0n : 0);
  }
  if (r.fill !== undefined) values.src = BigInt(fillSource(s, r.fill, values.len!));
  return values;
}

export function doIoctl(s: Session, op: OperationOf<'ioctl'>): Outcome {
  const e = s.fd(op.fd);
  const req = resolveRequest(op.request);
  const name =
    req.kind === 'uffdio'
      ? req.info.name
      : req.kind === 'new'
        ? 'USERFAULTFD_IOC_NEW'
        : `0x${req.request.toString(16)}`;
  const file = e.file;

  if (file?.kind === 'dev' && req.kind === 'new') {
    const as = s.checkNewFd(op.as);
    const flags = Number(BigInt.asIntN(32, resolveUffdFlags(op.arg as MaskExpr | undefined, s.env, 'arg')));
    const call = `ioctl(${e.fd}, USERFAULTFD_IOC_NEW, 0x${flags.toString(16)})`;
    const fd = s.sys.ioctl(e.fd, USERFAULTFD_IOC_NEW, flags, as);
    return fd < 0 ? syscallOutcome(fd, call) : { call, ret: fd, fd };
  }
  if (!file) return syscallOutcome(-E.EBADF, `ioctl(${e.fd}, ${name}, ...)`);
  if (file.kind === 'dev' || req.kind !== 'uffdio') {
    // The device knows only USERFAULTFD_IOC_NEW; a uffd knows only the UFFDIO_* requests.
    const request =
      req.kind === 'uffdio' ? req.info.request : req.kind === 'new' ? USERFAULTFD_IOC_NEW : req.request;
    return syscallOutcome(s.sys.ioctl(e.fd, request, null), `ioctl(${e.fd}, ${name}, ...)`);
  }
  const layout = STRUCTS[req.info.struct];
  const before = userArg(s, req.info, op.arg);
  const mem = before && encodeStruct(layout, before);
  const beforeBytes = mem && mem.slice();
  const ret = s.sys.ioctl(e.fd, req.info.request, mem);
  const call = `ioctl(${e.fd}, ${name}, ${before ? structText(before) : String(op.arg)})`;
  if (!before || !mem || !beforeBytes) return syscallOutcome(ret, call);
  const struct = {
    name: layout.name,
    before,
    beforeBytes,
    after: structAfter(layout, before, beforeBytes, mem),
    afterBytes: mem,
  };
  return ret < 0 ? { call, ret: -1, errno: -ret, struct } : { call, ret, struct };
}
