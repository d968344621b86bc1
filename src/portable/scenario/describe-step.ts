// A step's result as lines a person reads: the call and what it returned (errno by name and
// meaning), the struct as passed in and as the kernel left it with the changed fields marked, the
// messages read, poll's answer, what changed in the system, and every mismatch with the expectation.

import { relativeAddress, type Placement } from '../diff/address';
import type { Snapshot } from '../model/snapshot';
import { errnoName, strerror } from '../uapi/errno';
import { msgFields } from '../uapi/msg';
import { formatFlags, type FlagInfo } from '../uapi/names';
import { STRUCTS } from '../uapi/structs';
import { snapshotChanges } from './changes';
import type { StepReport } from './run';
import { formatField, namesFrom } from './values';

export type LineKind = 'call' | 'say' | 'detail' | 'change' | 'ok' | 'mismatch' | 'error';

export interface Line {
  readonly kind: LineKind;
  readonly text: string;
}

const POLL_BITS: readonly FlagInfo[] = [
  { name: 'POLLIN', value: 0x1n },
  { name: 'POLLERR', value: 0x8n },
  { name: 'POLLHUP', value: 0x10n },
];

function returned(s: StepReport, placements: readonly Placement[]): string {
  const r = s.result;
  if (r.usageError) return `not run: ${r.usageError.message}`;
  if (r.blocked && r.op.op === 'read') return 'would block (not performed: nothing to read on a blocking fd)';
  let text = `= ${r.ret}`;
  if (r.addr !== undefined && r.errno === undefined) text = `= ${relativeAddress(r.addr, placements)}`;
  else if (r.fd !== undefined && 'as' in r.op && r.op.as !== undefined) text += ` (${r.op.as})`;
  if (r.errno !== undefined) text += ` ${errnoName(r.errno)} (${strerror(r.errno)})`;
  if (r.blocked) text += ', blocked';
  return text;
}

/** The lines for one step; `before` is the snapshot of the previous step (undefined for the first). */
export function describeStep(
  s: StepReport,
  before: Snapshot | undefined,
  placements: readonly Placement[],
): Line[] {
  const r = s.result;
  const lines: Line[] = [{ kind: 'call', text: `${s.step}. ${r.call} ${returned(s, placements)}` }];
  if (s.say) lines.push({ kind: 'say', text: s.say });
  if (r.struct) {
    const layout = STRUCTS[r.struct.name];
    const n = namesFrom(r.snapshot, placements, r.op);
    lines.push({ kind: 'detail', text: `struct ${r.struct.name} (in -> out, * = changed by the kernel):` });
    const width = Math.max(...layout.fields.map((f) => f.name.length));
    for (const f of layout.fields) {
      const b = r.struct.before[f.name] ?? 0n;
      const a = r.struct.after[f.name] ?? 0n;
      const changed = BigInt(a) !== BigInt(b);
      const value = changed ? `${formatField(f, b, n)} -> ${formatField(f, a, n)}` : formatField(f, a, n);
      lines.push({ kind: 'detail', text: `${changed ? '*' : ' '} ${f.name.padEnd(width)}  ${value}` });
    }
  }
  if (r.msgs) {
    const n = namesFrom(r.snapshot, placements);
    r.msgs.forEach((m, i) => {
      const fields = msgFields(m.event)
        .filter((f) => f.role !== 'reserved' && f.name !== 'event')
        .map(
          (f) => `${f.name.slice(f.name.lastIndexOf('.') + 1)}=${formatField(f, m.fields[f.name] ?? 0, n)}`,
        );
      lines.push({ kind: 'detail', text: `msg[${i}] ${m.eventName} ${fields.join(' ')}` });
    });
  }
  if (r.revents !== undefined)
    lines.push({ kind: 'detail', text: `revents = ${formatFlags(r.revents, POLL_BITS)}` });
  for (const n of r.notes ?? []) lines.push({ kind: 'detail', text: `note: ${n}` });
  for (const c of snapshotChanges(before, r.snapshot, placements)) lines.push({ kind: 'change', text: c });
  if (s.expectation) {
    if (s.mismatches.length === 0) {
      lines.push({
        kind: 'ok',
        text: `as expected${s.expectKernel ? ` (for kernels ${s.expectKernel})` : ''}`,
      });
    }
  }
  for (const m of s.mismatches) {
    lines.push({ kind: 'mismatch', text: `MISMATCH ${m.field}: expected ${m.expected}, got ${m.actual}` });
  }
  return lines;
}
