// A result as the console prints it: the return value, errno by name with what it means for this
// call, the struct fields the kernel changed, the messages read, and who blocked.

import type { Operation } from '../model/operation';
import type { Result } from '../model/result';
import type { Snapshot } from '../model/snapshot';
import { errnoMeanings } from '../uapi/errno-meanings';
import { errnoName, strerror } from '../uapi/errno';
import { IOCTL_BY_REQUEST, PAGEFAULT_FLAGS, formatFlags } from '../uapi/names';
import { msgFields, type UffdMsg } from '../uapi/msg';
import { STRUCTS, type FieldLayout, type FieldValue } from '../uapi/structs';
import { relativeAddress, relativeLength } from './address';

export type Tone = 'ok' | 'error' | 'info' | 'dim';

export interface Line {
  readonly text: string;
  readonly tone: Tone;
}

/** The name errno meanings are filed under: the ioctl's request name, else the syscall. */
export function callName(op: Operation): string {
  if (op.op !== 'ioctl') return op.op;
  if (typeof op.request === 'number') return IOCTL_BY_REQUEST.get(op.request)?.name ?? 'ioctl';
  return op.request;
}

const POLL_BITS = [
  { name: 'POLLIN', value: 0x1n },
  { name: 'POLLERR', value: 0x8n },
  { name: 'POLLHUP', value: 0x10n },
];

/** A field's value the way a reader wants it: addresses relative, lengths in pages, flags by name. */
export function formatField(f: Pick<FieldLayout, 'role' | 'name'>, v: FieldValue, snap: Snapshot): string {
  const big = BigInt(v);
  switch (f.role) {
    case 'addr':
      return relativeAddress(big, snap.areas, snap.pageSize);
    case 'len':
      return relativeLength(big, snap.pageSize);
    case 'flags':
      return formatFlags(big, PAGEFAULT_FLAGS);
    case 'result':
      return big < 0n ? `-${errnoName(Number(-big))} (${big})` : String(big);
    case 'fd':
    case 'tid':
      return String(big);
    default:
      return `0x${big.toString(16)}`;
  }
}

export function describeMsg(msg: UffdMsg, snap: Snapshot): string {
  const parts = msgFields(msg.event)
    .filter((f) => f.role !== 'reserved' && f.name !== 'event')
    .map((f) => `${f.name.split('.').pop()}=${formatField(f, msg.fields[f.name] ?? 0, snap)}`);
  return `${msg.eventName} ${parts.join(' ')}`;
}

function blockedLine(r: Result): string {
  if (r.op.op === 'read') return 'would block: nothing to read on a blocking fd (not performed)';
  const who = 'thread' in r.op && r.op.thread ? r.op.thread : 'main';
  const t = r.snapshot.threads.find((x) => x.name === who);
  const where =
    t?.address !== undefined
      ? ` at ${relativeAddress(t.address, r.snapshot.areas, r.snapshot.pageSize)}`
      : '';
  const what = t?.state === 'blocked-event' ? 'until the monitor reads its event' : `in a fault${where}`;
  return `${who} blocks ${what}`;
}

export function describeResult(r: Result): Line[] {
  if (r.usageError) {
    const at = r.usageError.field ? ` (${r.usageError.field})` : '';
    return [{ text: `not run: ${r.usageError.message}${at}`, tone: 'error' }];
  }
  const lines: Line[] = [];
  if (r.blocked) lines.push({ text: blockedLine(r), tone: 'info' });
  if (r.ret === -1 && r.errno !== undefined) {
    const name = errnoName(r.errno);
    lines.push({ text: `= -1 ${name} (${strerror(r.errno)})`, tone: 'error' });
    for (const m of errnoMeanings(callName(r.op), r.errno)) lines.push({ text: `  ${m}`, tone: 'dim' });
  } else if (!(r.blocked && r.op.op === 'read')) {
    const extra =
      r.fd !== undefined
        ? ` (fd ${r.fd})`
        : r.addr !== undefined
          ? ` (${relativeAddress(r.addr, r.snapshot.areas, r.snapshot.pageSize)})`
          : '';
    // mmap and mremap return an address: hex reads as one.
    const ret = r.addr !== undefined && r.ret > 0xffff ? `0x${r.ret.toString(16)}` : String(r.ret);
    lines.push({ text: `= ${ret}${extra}`, tone: 'ok' });
  }
  if (r.struct) {
    for (const [name, after] of Object.entries(r.struct.after)) {
      const before = r.struct.before[name];
      if (before === undefined || BigInt(before) === BigInt(after)) continue;
      const f = STRUCTS[r.struct.name].fields.find((x) => x.name === name) ?? {
        name,
        role: 'reserved' as const,
      };
      lines.push({
        text: `  ${name}: ${formatField(f, before, r.snapshot)} → ${formatField(f, after, r.snapshot)}`,
        tone: 'info',
      });
    }
  }
  for (const m of r.msgs ?? []) lines.push({ text: `  ${describeMsg(m, r.snapshot)}`, tone: 'info' });
  if (r.revents !== undefined)
    lines.push({ text: `  revents = ${formatFlags(r.revents, POLL_BITS)}`, tone: 'info' });
  for (const n of r.notes ?? []) lines.push({ text: `  ${n}`, tone: 'dim' });
  return lines;
}
