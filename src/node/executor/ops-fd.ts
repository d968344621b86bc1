// The monitor's calls on fds: userfaultfd(2), open("/dev/userfaultfd"), close, read, poll, fcntl.
// They run on the executor's own thread and never block: a read on a blocking uffd with nothing
// to read is not made (its result says `blocked`), and poll never waits.

import { hex } from '../../portable/model/expr';
import type { FdName, OperationOf } from '../../portable/model/operation';
import { resolveExpr, resolveMask, resolveUffdFlags } from '../../portable/model/resolve';
import {
  decodeMsgs,
  formatFlags,
  UFFD_EVENT_FORK,
  UFFD_EVENT_PAGEFAULT,
  UFFD_USER_MODE_ONLY,
  USERFAULTFD_FLAGS,
  type UffdMsg,
} from '../../portable/uapi';
import { usage } from './caps';
import { keepForDrain } from './cleanup';
import { EAGAIN, EBADF, F_GETFL, F_SETFL, O_NONBLOCK, O_RDWR } from './constants';
import type { Machine } from './machine';
import { os } from './os';
import { fromRet, type Outcome } from './outcome';
import type { FdEntry, UffdFd } from './session';

const EOPNOTSUPP = 95;

function newFdName(m: Machine, as: FdName | undefined, field = 'as'): FdName {
  if (typeof as !== 'string' || !as) usage('the new fd needs a name (`as`)', field);
  const old = m.s.fds.get(as);
  if (old && !old.closed) usage(`the name '${as}' is already an open fd`, field);
  const open = [...m.s.fds.values()].filter((f) => !f.closed).length;
  if (open >= m.s.options.maxFds) usage(`too many open fds: a session may have ${m.s.options.maxFds}`, field);
  return as;
}

/** Records a new uffd made by userfaultfd(2) or USERFAULTFD_IOC_NEW. */
export function addUffd(m: Machine, name: FdName, fd: number, flags: bigint): void {
  m.s.fds.set(name, {
    kind: 'uffd',
    name,
    fd,
    closed: false,
    mm: 'main',
    userModeOnly: (flags & BigInt(UFFD_USER_MODE_ONLY)) !== 0n,
    queue: [],
  });
}

export function userfaultfd(m: Machine, op: OperationOf<'userfaultfd'>): Outcome {
  const as = newFdName(m, op.as);
  const flags = resolveUffdFlags(op.flags, m.s.env, 'flags');
  const call = `userfaultfd(${formatFlags(flags, USERFAULTFD_FLAGS)})`;
  const r = os.userfaultfd(BigInt.asIntN(32, flags));
  const o = fromRet(call, r);
  if (r >= 0) {
    addUffd(m, as, r, flags);
    o.fd = r;
  }
  return o;
}

export function open(m: Machine, op: OperationOf<'open'>): Outcome {
  if (op.path !== '/dev/userfaultfd')
    usage(`only /dev/userfaultfd can be opened, not '${String(op.path)}'`, 'path');
  const as = newFdName(m, op.as);
  const flags = resolveMask(op.flags, m.s.env, 'flags', USERFAULTFD_FLAGS) | BigInt(O_RDWR);
  const r = os.open(op.path, BigInt.asIntN(32, flags));
  const o = fromRet(
    `open("${op.path}", O_RDWR${flags & ~2n ? `|${formatFlags(flags & ~2n, USERFAULTFD_FLAGS)}` : ''})`,
    r,
  );
  if (r >= 0) {
    m.s.fds.set(as, { kind: 'dev', name: as, fd: r, closed: false, path: op.path });
    o.fd = r;
  }
  return o;
}

/** A named fd that is open; a closed one answers EBADF without a syscall (its number may be reused). */
export function liveFd(m: Machine, name: FdName, call: (fd: string) => string): FdEntry | Outcome {
  const f = m.s.fd(name);
  if (f.closed) return { call: call(name), ret: -1, errno: EBADF };
  return f;
}

const isOutcome = (x: FdEntry | Outcome): x is Outcome => 'call' in x;

export function close(m: Machine, op: OperationOf<'close'>): Outcome {
  const f = liveFd(m, op.fd, (n) => `close(${n})`);
  if (isOutcome(f)) return f;
  // An unborn child (a fork waiting for its FORK message) holds every fd: closing releases nothing.
  if (f.kind === 'uffd' && [...m.s.threads.values()].some((t) => t.job?.kind === 'fork'))
    keepForDrain(m, f.fd);
  m.forgetFdinfo(f.fd);
  const r = os.close(f.fd);
  f.closed = true;
  if (f.kind === 'uffd') {
    // The kernel drops the ctx's registrations and wakes every waiter on release.
    f.queue = [];
    m.s.owners = m.s.owners.filter((o) => o.uffd !== f.name);
    m.registrationsChanged();
  }
  return fromRet(`close(${f.fd})`, r);
}

export function poll(m: Machine, op: OperationOf<'poll'>): Outcome {
  const f = liveFd(m, op.fd, (n) => `poll([{fd=${n}, events=POLLIN}], 1, 0)`);
  if (isOutcome(f)) return f;
  const call = `poll([{fd=${f.fd}, events=POLLIN}], 1, 0)`;
  const revents = os.pollIn(f.fd);
  if (revents < 0) return fromRet(call, revents);
  return { call, ret: revents ? 1 : 0, revents };
}

export function fcntl(m: Machine, op: OperationOf<'fcntl'>): Outcome {
  const f = liveFd(m, op.fd, (n) => `fcntl(${n}, ${op.cmd})`);
  if (isOutcome(f)) return f;
  if (op.cmd === 'F_GETFL') return fromRet(`fcntl(${f.fd}, F_GETFL)`, os.fcntl(f.fd, F_GETFL));
  if (op.cmd !== 'F_SETFL') usage(`fcntl takes F_GETFL or F_SETFL, not '${String(op.cmd)}'`, 'cmd');
  const flags = resolveMask(op.flags, m.s.env, 'flags', USERFAULTFD_FLAGS);
  f.flags = undefined;
  return fromRet(`fcntl(${f.fd}, F_SETFL, ${hex(flags)})`, os.fcntl(f.fd, F_SETFL, BigInt.asIntN(32, flags)));
}

/** The fd's status flags: read once, kept until an F_SETFL (nothing else changes them). */
function statusFlags(f: FdEntry): number {
  if (f.flags !== undefined) return f.flags;
  const fl = os.fcntl(f.fd, F_GETFL);
  if (fl >= 0) f.flags = fl;
  return fl;
}

export function read(m: Machine, op: OperationOf<'read'>): Outcome {
  const size = resolveExpr(op.size ?? 32, m.s.env, 'size');
  if (size < 0n || size > BigInt(m.s.options.maxReadBytes)) {
    usage(`a read may ask for 0 to ${m.s.options.maxReadBytes} bytes, not ${size}`, 'size');
  }
  const f = liveFd(m, op.fd, (n) => `read(${n}, buf, ${size})`);
  if (isOutcome(f)) return f;
  const n = Number(size);
  const call = `read(${f.fd}, buf, ${n})`;
  const buf = Buffer.alloc(Math.max(n, 1));
  const blocking = (statusFlags(f) & O_NONBLOCK) === 0;
  let r = blocking ? os.readNowait(f.fd, buf, n) : os.read(f.fd, buf, n);
  if (blocking && r === -EOPNOTSUPP) {
    // A kernel whose uffd read ignores RWF_NOWAIT: make the fd non-blocking for this one read.
    const fl = os.fcntl(f.fd, F_GETFL);
    os.fcntl(f.fd, F_SETFL, fl | O_NONBLOCK);
    r = os.read(f.fd, buf, n);
    os.fcntl(f.fd, F_SETFL, fl);
  }
  if (blocking && r === -EAGAIN) {
    m.s.note('read on a blocking uffd with nothing to read would block the monitor: not performed');
    return { call, ret: -1, blocked: true };
  }
  const o = fromRet(call, r);
  if (r > 0 && f.kind === 'uffd') {
    o.msgs = decodeMsgs(new Uint8Array(buf.subarray(0, r)));
    for (const msg of o.msgs) consume(m, f, msg);
  }
  return o;
}

/** What reading a message means for the queues: a fault is now waiting; an event is done. */
function consume(m: Machine, u: UffdFd, msg: UffdMsg): void {
  if (msg.event === UFFD_EVENT_PAGEFAULT) {
    const address = msg.fields['arg.pagefault.address'] as bigint;
    const flags = Number(msg.fields['arg.pagefault.flags']);
    const tid = Number(msg.fields['arg.pagefault.feat.ptid']);
    const unread = u.queue.filter((e) => e.kind === 'fault' && !e.read);
    const byTid = tid ? unread.find((e) => m.s.threads.get(e.thread)?.os?.tid === tid) : undefined;
    const e = byTid ?? unread.find((x) => x.address === address) ?? unread[0];
    if (!e) {
      m.s.note(`${u.name}: read a fault at ${hex(address)} the executor did not see queued`);
      return;
    }
    e.read = true;
    e.address = address;
    e.flags = flags;
    return;
  }
  const i = u.queue.findIndex((e) => e.kind === 'event' && e.event === msg.event);
  if (i < 0) {
    m.s.note(`${u.name}: read an event (${msg.eventName}) the executor did not see queued`);
    if (msg.event === UFFD_EVENT_FORK) forked(m, u, msg, undefined);
    return;
  }
  const [e] = u.queue.splice(i, 1);
  const t = m.s.threads.get(e!.thread);
  const job = t?.job;
  if (job) {
    const k = job.events.findIndex((x) => x.uffd === u.name && x.event === msg.event);
    if (k >= 0) job.events.splice(k, 1);
  }
  if (msg.event === UFFD_EVENT_FORK) forked(m, u, msg, job?.child);
}

/** A FORK message: the child's new uffd is now an fd of ours, named `<uffd>@<child>`. */
function forked(m: Machine, u: UffdFd, msg: UffdMsg, child: string | undefined): void {
  const fd = Number(msg.fields['arg.fork.ufd']);
  const name = `${u.name}@${child ?? `pid?`}`;
  const unborn = m.s.unborn.get(name);
  m.s.unborn.delete(name);
  m.s.fds.set(name, {
    kind: 'uffd',
    name,
    fd,
    closed: false,
    mm: child ?? 'main',
    userModeOnly: u.userModeOnly,
    queue: unborn?.queue ?? [],
  });
  m.registrationsChanged();
}
