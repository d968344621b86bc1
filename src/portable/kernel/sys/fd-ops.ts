// The fd operations of the monitor: userfaultfd(2), open("/dev/userfaultfd"), close, read, poll,
// fcntl. None of them blocks: a read that would is reported as blocked and not performed.

import { resolveMask, resolveUffdFlags } from '../../model/resolve';
import type { OperationOf } from '../../model/operation';
import { UFFD_MSG_SIZE } from '../../uapi/msg';
import { USERFAULTFD_FLAGS } from '../../uapi/names';
import { O_NONBLOCK } from '../../uapi/userfaultfd';
import { E } from '../kernel';
import { O_DIRECT, O_LARGEFILE, O_RDWR, SETFL_MASK, uffdFile, type File } from '../fs/file';
import { POLLIN, userfaultfdPoll, userfaultfdRead } from '../fs/userfaultfd-read';
import { userfaultfdRelease } from '../fs/userfaultfd-events';
import { sysUserfaultfd } from '../fs/userfaultfd';
import type { UserfaultfdCtx } from '../fs/userfaultfd-ctx';
import { syscallOutcome, type Outcome } from './outcome';
import { uffdMsgs } from './views';
import type { Session } from './session';

const flagsText = (v: number): string => (v ? `0x${v.toString(16)}` : '0');

export function doUserfaultfd(s: Session, op: OperationOf<'userfaultfd'>): Outcome {
  const name = s.checkNewFd(op.as);
  const flags = Number(BigInt.asIntN(32, resolveUffdFlags(op.flags, s.env, 'flags')));
  const call = `userfaultfd(${flagsText(flags)})`;
  const f = sysUserfaultfd(s.k, flags);
  if (typeof f === 'number') return syscallOutcome(f, call);
  const fd = s.fds.install(name, f);
  return { call, ret: fd, fd };
}

export function doOpen(s: Session, op: OperationOf<'open'>): Outcome {
  const name = s.checkNewFd(op.as);
  const flags = Number(BigInt.asIntN(32, resolveMask(op.flags, s.env, 'flags', USERFAULTFD_FLAGS)));
  const call = `open("${op.path}", O_RDWR|${flagsText(flags)})`;
  if (!s.k.profile.devUserfaultfd) return syscallOutcome(-E.ENOENT, call);
  // crw------- root: without root (the simulator's capSysPtrace: false) the open is refused.
  if (!s.k.capSysPtrace) return syscallOutcome(-E.EACCES, call);
  const file: File = {
    kind: 'dev',
    fFlags: O_RDWR | O_LARGEFILE | (flags & O_NONBLOCK),
    cloexec: (flags & 0o2000000) !== 0,
  };
  const fd = s.fds.install(name, file);
  return { call, ret: fd, fd };
}

export function doClose(s: Session, op: OperationOf<'close'>): Outcome {
  const e = s.fd(op.fd);
  const call = `close(${e.fd})`;
  if (!e.file) return syscallOutcome(-E.EBADF, call);
  const file = e.file;
  s.fds.close(e);
  if (file.kind === 'uffd') userfaultfdRelease(s.k, file.ctx);
  return { call, ret: 0 };
}

/** The fd a FORK event's new ctx gets: `<parent fd name>@<child process>`. */
function installFork(s: Session, parentName: string, ctx: UserfaultfdCtx, flags: number): number {
  return s.fds.install(`${parentName}@${ctx.mm.owner}`, uffdFile(ctx, flags));
}

export function doRead(s: Session, op: OperationOf<'read'>): Outcome {
  const e = s.fd(op.fd);
  const size = op.size === undefined ? UFFD_MSG_SIZE : s.num(op.size, 'size');
  const call = `read(${e.fd}, buf, ${size})`;
  if (!e.file) return syscallOutcome(-E.EBADF, call);
  if (e.file.kind !== 'uffd') return syscallOutcome(-E.EINVAL, call);
  const got = userfaultfdRead(s.k, e.file.ctx, e.file.fFlags, size, (ctx, flags) =>
    installFork(s, e.name, ctx, flags),
  );
  if (got === 'block') {
    s.k.note('read on a blocking uffd with nothing to read would block the monitor: not performed');
    return { call, ret: -1, blocked: true };
  }
  if (typeof got === 'number') return syscallOutcome(got, call);
  return { call, ret: got.length * UFFD_MSG_SIZE, msgs: uffdMsgs(got) };
}

export function doPoll(s: Session, op: OperationOf<'poll'>): Outcome {
  const e = s.fd(op.fd);
  const call = `poll({fd=${e.fd}, events=POLLIN}, 1, 0)`;
  if (!e.file) return syscallOutcome(-E.EBADF, call);
  // The device has no poll method: DEFAULT_POLLMASK, of which POLLIN was asked for.
  const revents = e.file.kind === 'uffd' ? userfaultfdPoll(e.file.ctx, e.file.fFlags) : POLLIN;
  return { call, ret: revents ? 1 : 0, revents };
}

export function doFcntl(s: Session, op: OperationOf<'fcntl'>): Outcome {
  const e = s.fd(op.fd);
  if (op.cmd === 'F_GETFL') {
    const call = `fcntl(${e.fd}, F_GETFL)`;
    return e.file ? { call, ret: e.file.fFlags } : syscallOutcome(-E.EBADF, call);
  }
  const flags = Number(BigInt.asIntN(32, resolveMask(op.flags, s.env, 'flags', USERFAULTFD_FLAGS)));
  const call = `fcntl(${e.fd}, F_SETFL, ${flagsText(flags)})`;
  if (!e.file) return syscallOutcome(-E.EBADF, call);
  if (flags & O_DIRECT) return syscallOutcome(-E.EINVAL, call);
  e.file.fFlags = (e.file.fFlags & ~SETFL_MASK) | (flags & SETFL_MASK);
  return { call, ret: 0 };
}
