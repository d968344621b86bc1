// A sentence for a free-form step, for the narration line: what the call did, in the terms a teacher
// would use. Scenario steps bring their own (`say`); this covers everything else.

import { callName, describeMsg } from '../../portable/console/describe';
import { relativeAddress, relativeLength } from '../../portable/console/address';
import { evalExpr, type Expr } from '../../portable/model/expr';
import type { Operation } from '../../portable/model/operation';
import type { Result } from '../../portable/model/result';
import type { Snapshot } from '../../portable/model/snapshot';
import { errnoMeanings } from '../../portable/uapi/errno-meanings';
import { errnoName } from '../../portable/uapi/errno';
import type { UffdMsg } from '../../portable/uapi/msg';
import type { FieldValue } from '../../portable/uapi/structs';
import {
  UFFD_EVENT_FORK,
  UFFD_EVENT_PAGEFAULT,
  UFFD_EVENT_REMAP,
  UFFD_EVENT_REMOVE,
  UFFD_EVENT_UNMAP,
  UFFD_PAGEFAULT_FLAG_MINOR,
  UFFD_PAGEFAULT_FLAG_WP,
  UFFD_PAGEFAULT_FLAG_WRITE,
} from '../../portable/uapi/userfaultfd';
import { threadChanges } from './snapshot-diff';

const IOCTL_VERB: Record<string, string> = {
  UFFDIO_API: 'completes the API handshake',
  UFFDIO_REGISTER: 'registers the range',
  UFFDIO_UNREGISTER: 'unregisters the range',
  UFFDIO_WAKE: 'wakes the threads waiting in the range',
  UFFDIO_COPY: 'copies the data in',
  UFFDIO_ZEROPAGE: 'maps the zero page',
  UFFDIO_WRITEPROTECT: 'changes write protection',
  UFFDIO_CONTINUE: 'maps the page from the page cache',
  UFFDIO_POISON: 'poisons the range',
  UFFDIO_MOVE: 'moves the pages',
};

function addr(e: Expr | undefined, snap: Snapshot): string {
  if (e === undefined) return '?';
  try {
    const v = evalExpr(e, {
      pageSize: snap.pageSize,
      hugePageSize: snap.hugePageSize,
      areaStart: (n) => snap.areas.find((a) => a.name === n)?.start,
    });
    return relativeAddress(v, snap.areas, snap.pageSize);
  } catch {
    return String(e);
  }
}

function subject(op: Operation, r: Result): string {
  const s = r.snapshot;
  switch (op.op) {
    case 'mmap': {
      const area = s.areas.find((a) => a.name === op.as);
      const size = area
        ? `${area.pages.length} ${area.pageSize > s.pageSize ? 'huge ' : ''}pages`
        : String(op.len);
      return `Maps area ${op.as}: ${size} of ${op.kind}${op.shared ? ' (shared)' : ''} memory`;
    }
    case 'userfaultfd':
      return `Creates the userfaultfd ${op.as}${r.fd !== undefined ? ` (fd ${r.fd})` : ''}`;
    case 'open':
      return `Opens ${op.path} as ${op.as}`;
    case 'ioctl':
      return `${callName(op)} on ${op.fd} ${IOCTL_VERB[callName(op)] ?? 'runs'}`;
    case 'touch':
      return `${op.thread} ${op.access === 'read' ? 'reads' : 'writes'} ${addr(op.addr, s)}`;
    case 'read':
      return `Reads ${op.fd}`;
    case 'poll':
      return `Polls ${op.fd}`;
    case 'close':
      return `Closes ${op.fd}`;
    case 'fcntl':
      return `fcntl ${op.cmd} on ${op.fd}`;
    case 'munmap':
      return `Unmaps ${addr(op.addr, s)}`;
    case 'mremap':
      return `Remaps ${addr(op.addr, s)}`;
    case 'madvise':
      return `${op.advice} on ${addr(op.addr, s)}`;
    case 'fork':
      return `Forks child ${op.child}`;
    case 'exit':
      return `Process ${op.process} exits`;
    case 'signal':
      return `${op.signal} to ${op.thread}`;
  }
}

/** A message read, in words: whose fault, where, of what kind; or what event. */
function msgSentence(m: UffdMsg, r: Result): string {
  const s = r.snapshot;
  const at = (v: FieldValue | undefined) => relativeAddress(BigInt(v ?? 0), s.areas, s.pageSize);
  switch (m.event) {
    case UFFD_EVENT_PAGEFAULT: {
      const flags = Number(m.fields['arg.pagefault.flags'] ?? 0);
      const address = BigInt(m.fields['arg.pagefault.address'] ?? 0);
      const who = s.uffds
        .flatMap((u) => u.waiting)
        .find((f) => f.address === address && f.flags === flags)?.thread;
      const kind =
        flags & UFFD_PAGEFAULT_FLAG_MINOR
          ? 'minor'
          : flags & UFFD_PAGEFAULT_FLAG_WP
            ? 'write-protect'
            : 'missing-page';
      const access = flags & UFFD_PAGEFAULT_FLAG_WRITE ? 'write' : 'read';
      return `${who ? `${who}'s` : 'a'} ${kind} fault on a ${access} at ${at(address)}${who ? `; ${who} stays blocked until the monitor resolves it` : ''}`;
    }
    case UFFD_EVENT_FORK:
      return `a fork event: the child's userfaultfd is now fd ${m.fields['arg.fork.ufd']}`;
    case UFFD_EVENT_REMAP:
      return `a remap event: ${at(m.fields['arg.remap.from'])} moved to ${at(m.fields['arg.remap.to'])}`;
    case UFFD_EVENT_REMOVE:
    case UFFD_EVENT_UNMAP:
      return `${m.event === UFFD_EVENT_REMOVE ? 'a remove' : 'an unmap'} event for ${at(m.fields['arg.remove.start'])} up to ${at(m.fields['arg.remove.end'])}; the thread that caused it goes on`;
    default:
      return describeMsg(m, s);
  }
}

function threadSentence(r: Result, prev: Snapshot): string[] {
  const out: string[] = [];
  for (const c of threadChanges(prev, r.snapshot)) {
    const t = r.snapshot.threads.find((x) => x.name === c.name);
    const at =
      t?.address !== undefined
        ? ` at ${relativeAddress(t.address, r.snapshot.areas, r.snapshot.pageSize)}`
        : '';
    if (c.to === 'blocked-fault')
      out.push(`${c.name} blocks in a page fault${at}, queued on ${t?.uffd ?? 'the uffd'}`);
    else if (c.to === 'blocked-event') out.push(`${c.name} blocks until the monitor reads its event`);
    else if (c.to === 'done' && c.from?.startsWith('blocked')) out.push(`${c.name} wakes and finishes`);
    else if (c.to === 'sigbus') out.push(`${c.name} gets SIGBUS${at}`);
    else if (c.to === 'exited') out.push(`${c.name} exits`);
  }
  return out;
}

/** One or two sentences for what a step did. */
export function narrate(r: Result, prev: Snapshot): string {
  if (r.usageError) return `Not run: ${r.usageError.message}.`;
  const parts = [subject(r.op, r)];
  if (r.ret === -1 && r.errno !== undefined) {
    const meaning = errnoMeanings(callName(r.op), r.errno)[0];
    parts[0] += ` — and fails with ${errnoName(r.errno)}${meaning ? `: ${meaning}` : '.'}`;
    return parts.join('. ');
  }
  if (r.op.op === 'read' && r.msgs?.length) {
    parts[0] += `: ${r.msgs.map((m) => msgSentence(m, r)).join('; ')}`;
  } else if (r.op.op === 'read' && r.blocked) {
    parts[0] += ': nothing to read, and the fd is blocking, so the monitor would wait';
  } else if (r.op.op === 'poll' && r.revents !== undefined) {
    parts[0] += r.revents & 1 ? ': something is ready to read (POLLIN)' : `: revents ${r.revents}`;
  } else if (r.op.op === 'touch') {
    const t = r.snapshot.threads.find((x) => x.name === (r.op as { thread: string }).thread);
    if (t?.state === 'done' && t.value !== undefined && r.op.access === 'read')
      parts[0] += ` and reads 0x${t.value.toString(16).padStart(2, '0')}`;
  } else if (r.op.op === 'ioctl' && r.struct) {
    const out = Object.entries(r.struct.after).find(([k]) => /^(copy|zeropage|mapped|updated|move)$/.test(k));
    if (out) parts[0] += `: ${out[0]} = ${out[1]} (${relativeLength(BigInt(out[1]), r.snapshot.pageSize)})`;
  }
  parts.push(...threadSentence(r, prev));
  return `${parts.join('. ')}.`;
}
