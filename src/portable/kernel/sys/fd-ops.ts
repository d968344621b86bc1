// The fd operations of the monitor: userfaultfd(2), open("/dev/userfaultfd"), close, read, poll,
// fcntl, each made through the syscall layer. None of them blocks: a read that would is reported
// as blocked and not performed. A name that was closed answers EBADF without a call.

import { resolveMask, resolveUffdFlags } from '../../model/resolve';
import type { OperationOf } from '../../model/operation';
import { UFFD_MSG_SIZE } from '../../uapi/msg';
import { USERFAULTFD_FLAGS } from '../../uapi/names';
import { E } from '../kernel';
import { BLOCKED, F_GETFL, F_SETFL } from './syscalls';
import { syscallOutcome, type Outcome } from './outcome';
import { msgsOf } from './views';
import type { Session } from './session';

const flagsText = (v: number): string => (v ? `0x${v.toString(16)}` : '0');

/** A call that creates an fd: the fd in `ret` and `fd`, or -errno. */
const fdOutcome = (ret: number, call: string): Outcome =>
  ret < 0 ? syscallOutcome(ret, call) : { call, ret, fd: ret };

export function doUserfaultfd(s: Session, op: OperationOf<'userfaultfd'>): Outcome {
  const name = s.checkNewFd(op.as);
  const flags = Number(BigInt.asIntN(32, resolveUffdFlags(op.flags, s.env, 'flags')));
  return fdOutcome(s.sys.userfaultfd(flags, name), `userfaultfd(${flagsText(flags)})`);
}

export function doOpen(s: Session, op: OperationOf<'open'>): Outcome {
  const name = s.checkNewFd(op.as);
  const flags = Number(BigInt.asIntN(32, resolveMask(op.flags, s.env, 'flags', USERFAULTFD_FLAGS)));
  const call = `open("${op.path}", O_RDWR|${flagsText(flags)})`;
  return fdOutcome(s.sys.open(op.path, flags, name), call);
}

export function doClose(s: Session, op: OperationOf<'close'>): Outcome {
  const e = s.fd(op.fd);
  const call = `close(${e.fd})`;
  if (!e.file) return syscallOutcome(-E.EBADF, call);
  return syscallOutcome(s.sys.close(e.fd), call);
}

export function doRead(s: Session, op: OperationOf<'read'>): Outcome {
  const e = s.fd(op.fd);
  const size = op.size === undefined ? UFFD_MSG_SIZE : s.num(op.size, 'size');
  const call = `read(${e.fd}, buf, ${size})`;
  const file = e.file;
  if (!file) return syscallOutcome(-E.EBADF, call);
  // The buffer holds every message there is to read; `size` may promise more.
  const queued = file.kind === 'uffd' ? file.ctx.faultPending.length + file.ctx.events.length : 0;
  const buf = new Uint8Array(Math.min(size, UFFD_MSG_SIZE * Math.max(1, queued)));
  const ret = s.sys.read(e.fd, buf, size);
  if (ret === BLOCKED) {
    s.k.note('read on a blocking uffd with nothing to read would block the monitor: not performed');
    return { call, ret: -1, blocked: true };
  }
  if (ret < 0) return syscallOutcome(ret, call);
  return { call, ret, msgs: msgsOf(buf, ret) };
}

export function doPoll(s: Session, op: OperationOf<'poll'>): Outcome {
  const e = s.fd(op.fd);
  const call = `poll({fd=${e.fd}, events=POLLIN}, 1, 0)`;
  if (!e.file) return syscallOutcome(-E.EBADF, call);
  const revents = s.sys.poll(e.fd);
  return { call, ret: revents ? 1 : 0, revents };
}

export function doFcntl(s: Session, op: OperationOf<'fcntl'>): Outcome {
  const e = s.fd(op.fd);
  if (op.cmd === 'F_GETFL') {
    const call = `fcntl(${e.fd}, F_GETFL)`;
    return e.file ? { call, ret: s.sys.fcntl(e.fd, F_GETFL) } : syscallOutcome(-E.EBADF, call);
  }
  const flags = Number(BigInt.asIntN(32, resolveMask(op.flags, s.env, 'flags', USERFAULTFD_FLAGS)));
  const call = `fcntl(${e.fd}, F_SETFL, ${flagsText(flags)})`;
  if (!e.file) return syscallOutcome(-E.EBADF, call);
  return syscallOutcome(s.sys.fcntl(e.fd, F_SETFL, flags), call);
}
