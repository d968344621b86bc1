// Which blocked threads an operation wakes, for settling (settle.ts). Where the kernel's rule is
// exact the answer is too: a fill ioctl (COPY, ZEROPAGE, CONTINUE, POISON, MOVE), UFFDIO_WAKE and
// a write-unprotect wake the waiters of their uffd whose message address lies in the range they
// did, and nobody else (fs/userfaultfd.c, wake_userfault). Closing a uffd, a signal, an exit, an
// event read or an ioctl whose outcome cannot be told "may" wake: such threads get their context
// switch count taken before the operation, to be compared after.

import type { Operation, OperationOf } from '../../portable/model/operation';
import { resolveRequest } from '../../portable/model/resolve';
import type { StructValues } from '../../portable/uapi';
import type { Machine } from './machine';
import type { Outcome } from './outcome';
import type { Thread } from './session';
import type { Wake, WakeOf } from './settle';

const NONE: WakeOf = () => 'no';
const MAYBE: WakeOf = () => 'maybe';

/** The threads an operation may wake without the kernel saying which: they need a baseline first. */
export function mayWakeBefore(m: Machine, op: Operation): ((t: Thread) => boolean) | undefined {
  switch (op.op) {
    case 'close':
    case 'exit':
      return () => true;
    case 'signal':
      return (t) => t.name === op.thread;
    case 'read':
      return (t) => t.state === 'blocked-event';
    case 'ioctl':
      return ioctlWaking(m, op) === 'maybe' ? () => true : undefined;
    default:
      return undefined;
  }
}

/** What the operation did to each thread that was blocked before it. */
export function wakesOf(m: Machine, op: Operation, out: Outcome): WakeOf {
  switch (op.op) {
    case 'close':
    case 'exit':
      return MAYBE;
    case 'signal':
      return (t) => (t.name === op.thread ? 'maybe' : 'no');
    case 'read':
      return (t) => (t.state === 'blocked-event' ? 'maybe' : 'no');
    case 'ioctl':
      return ioctlWakes(m, op, out);
    default:
      return NONE;
  }
}

interface WakeRule {
  /** The struct's fields of the range: its start, and its length when all of it was done. */
  readonly start: string;
  readonly len: string;
  /** The output field with how much was done, when the ioctl can stop part-way. */
  readonly done?: string;
  /** Whether the mode asks not to wake. */
  readonly quiet: (mode: bigint) => boolean;
}

const dontWake = (mode: bigint): boolean => (mode & 1n) !== 0n;

const RULES: Readonly<Record<string, WakeRule>> = {
  UFFDIO_COPY: { start: 'dst', len: 'len', done: 'copy', quiet: dontWake },
  UFFDIO_ZEROPAGE: { start: 'range.start', len: 'range.len', done: 'zeropage', quiet: dontWake },
  UFFDIO_CONTINUE: { start: 'range.start', len: 'range.len', done: 'mapped', quiet: dontWake },
  UFFDIO_POISON: { start: 'range.start', len: 'range.len', done: 'updated', quiet: dontWake },
  UFFDIO_MOVE: { start: 'dst', len: 'len', done: 'move', quiet: dontWake },
  UFFDIO_WAKE: { start: 'start', len: 'len', quiet: () => false },
  // Write-protecting never wakes; un-protecting does unless DONTWAKE (bit 1).
  UFFDIO_WRITEPROTECT: { start: 'range.start', len: 'range.len', quiet: (mode) => (mode & 3n) !== 0n },
};

/**
 * How an ioctl wakes: by a rule the result makes exact, not at all (UFFDIO_API, REGISTER, a new
 * uffd, a request the kernel does not know), or "maybe" (UNREGISTER wakes the waiters of the
 * MISSING-registered vmas it covers; a fill whose output field the caller gave, since a part-way
 * result could not be told from the value put there).
 */
function ioctlWaking(m: Machine, op: OperationOf<'ioctl'>): WakeRule | 'none' | 'maybe' {
  let name: string;
  try {
    const req = resolveRequest(op.request);
    if (req.kind !== 'uffdio' || m.s.fds.get(op.fd)?.kind !== 'uffd') return 'none';
    name = req.info.name;
  } catch {
    return 'none'; // refused before any call
  }
  if (name === 'UFFDIO_UNREGISTER') return 'maybe';
  const rule = RULES[name];
  if (!rule) return 'none';
  const arg = op.arg;
  const given =
    rule.done !== undefined &&
    typeof arg === 'object' &&
    arg !== null &&
    !Array.isArray(arg) &&
    rule.done in arg;
  return given ? 'maybe' : rule;
}

function ioctlWakes(m: Machine, op: OperationOf<'ioctl'>, out: Outcome): WakeOf {
  const how = ioctlWaking(m, op);
  if (how === 'none') return NONE;
  if (how === 'maybe') return MAYBE;
  const u = m.s.fds.get(op.fd);
  const range = out.struct && wokenRange(how, out.struct.after, out.ret);
  if (!range || u?.kind !== 'uffd') return NONE;
  const [start, end] = range;
  return (t): Wake => {
    if (t.state !== 'blocked-fault' || t.uffd !== u.name) return 'no';
    const e = u.queue.find((x) => x.thread === t.name && x.kind === 'fault');
    return e && e.address >= start && e.address < end ? 'woken' : 'no';
  };
}

/** [start, end) of what the kernel woke, or undefined when it woke nothing. */
function wokenRange(rule: WakeRule, v: StructValues, ret: number): [bigint, bigint] | undefined {
  const n = (k: string): bigint => BigInt(v[k] ?? 0n);
  if (rule.quiet(n('mode'))) return undefined;
  const start = n(rule.start);
  if (ret === 0) return [start, start + n(rule.len)];
  // Failed: only a fill that did part of the range (it then says EAGAIN) woke that part.
  const done = rule.done ? n(rule.done) : 0n;
  return done > 0n ? [start, start + done] : undefined;
}
