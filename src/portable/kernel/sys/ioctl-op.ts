// ioctl(fd, request, arg): the struct is built from the operation's fields (output fields given are
// written in too), handed to the kernel as user memory, and shown as it went in and came back.
// An arg given as a plain value is a pointer: one outside every mapping shows EFAULT.

import type { MaskExpr, OperationOf, StructArg } from '../../model/operation';
import { resolveExpr, resolveRequest, resolveStruct, resolveUffdFlags } from '../../model/resolve';
import type { StructInOut } from '../../model/result';
import type { IoctlInfo } from '../../uapi/names';
import { STRUCTS, type StructValues } from '../../uapi/structs';
import { USERFAULTFD_IOC_NEW } from '../../uapi/userfaultfd';
import { E } from '../kernel';
import { UserStruct } from '../fs/user-struct';
import { userfaultfdDevIoctl, userfaultfdIoctl } from '../fs/userfaultfd';
import { vmaLookup } from '../mm/vma';
import { syscallOutcome, type Outcome } from './outcome';
import { structInOut } from './views';
import { fillSource } from './fill-source';
import { UsageFailure, type Session } from './session';

const isStructArg = (a: unknown): a is StructArg => typeof a === 'object' && a !== null && !Array.isArray(a);

function structText(values: StructValues): string {
  let s = '';
  for (const k in values) s += `${s ? ', ' : ''}${k}=0x${values[k]!.toString(16)}`;
  return `{${s}}`;
}

/** The caller's struct as user memory (with every field, as passed in), or a pointer that is not user memory. */
function userArg(s: Session, info: IoctlInfo, arg: StructArg | MaskExpr | undefined): UserStruct {
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
    return new UserStruct(layout, null);
  }
  const r = resolveStruct(layout, arg, s.env, info);
  const values: StructValues = {};
  for (const f of layout.fields) {
    values[f.name] = r.values[f.name] ?? (f.type === 'u64' || f.type === 's64' ? 0n : 0);
  }
  if (r.fill !== undefined) values.src = BigInt(fillSource(s, r.fill, values.len!));
  return new UserStruct(layout, values);
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
    const f = userfaultfdDevIoctl(s.k, USERFAULTFD_IOC_NEW, flags);
    if (typeof f === 'number') return syscallOutcome(f, call);
    const fd = s.fds.install(as, f);
    return { call, ret: fd, fd };
  }
  if (!file) return syscallOutcome(-E.EBADF, `ioctl(${e.fd}, ${name}, ...)`);
  if (file.kind === 'dev' || req.kind !== 'uffdio') {
    // The device knows only USERFAULTFD_IOC_NEW; a uffd knows only the UFFDIO_* requests.
    return syscallOutcome(-E.EINVAL, `ioctl(${e.fd}, ${name}, ...)`);
  }
  const user = userArg(s, req.info, op.arg);
  const ret = userfaultfdIoctl(s.k, file, req.info.request, user);
  const before = user.values;
  const after = user.after();
  const call = `ioctl(${e.fd}, ${name}, ${before ? structText(before) : String(op.arg)})`;
  if (!before || !after) return syscallOutcome(ret, call);
  const out = syscallOutcome(ret, call) as { struct?: StructInOut } & Outcome;
  out.struct = structInOut(user.layout, before, after);
  return out;
}
