// How a thread's lane reads: its state in words (never by colour alone), where it waits, and for how
// many steps.

import { relativeAddress } from '../../portable/console/address';
import type { Snapshot, ThreadSnapshot, ThreadState } from '../../portable/model/snapshot';
import { eventName } from '../../portable/uapi/msg';

export const STATE_TEXT: Record<ThreadState, string> = {
  idle: 'idle',
  running: 'running',
  'blocked-fault': 'blocked in a fault',
  'blocked-event': 'blocked in an event',
  done: 'done',
  sigbus: 'killed by SIGBUS',
  exited: 'exited',
};

export const STATE_ICON: Record<ThreadState, string> = {
  idle: '○',
  running: '▶',
  'blocked-fault': '❚❚',
  'blocked-event': '❚❚',
  done: '✓',
  sigbus: '✗',
  exited: '■',
};

export const isBlocked = (t: Pick<ThreadSnapshot, 'state'>) =>
  t.state === 'blocked-fault' || t.state === 'blocked-event';

/** Steps a thread has been blocked, seen at `cursor` operations into the session. */
export function blockedSteps(t: ThreadSnapshot, cursor: number): number | undefined {
  if (!isBlocked(t) || t.since === undefined) return undefined;
  return Math.max(0, cursor - 1 - t.since);
}

/** Absolute addresses in an engine's text (`read 0x100000001000`) as area-relative ones. */
export function relativise(text: string, snap: Snapshot): string {
  return text.replace(/0x[0-9a-f]{8,}/g, (hex) => relativeAddress(BigInt(hex), snap.areas, snap.pageSize));
}

/** The details after the state: where, in what, what it read. */
export function threadDetail(t: ThreadSnapshot, snap: Snapshot): string {
  const at = t.address !== undefined ? relativeAddress(t.address, snap.areas, snap.pageSize) : undefined;
  const parts: string[] = [];
  if (t.state === 'blocked-fault') {
    const fault = snap.uffds
      .flatMap((u) => [...u.pending, ...u.waiting].map((f) => ({ u, f })))
      .find((x) => x.f.thread === t.name);
    const read = fault && fault.u.waiting.includes(fault.f) ? 'read by the monitor' : 'not read yet';
    parts.push(`at ${at ?? '?'}`, `on ${t.uffd ?? fault?.u.name ?? '?'}`, read);
  } else if (t.state === 'blocked-event') {
    const ev = snap.uffds.flatMap((u) => u.events.map((e) => ({ u, e }))).find((x) => x.e.thread === t.name);
    parts.push(ev ? `${eventName(ev.e.event)} on ${ev.u.name}` : (t.doing ?? ''));
  } else if (t.state === 'sigbus') {
    parts.push(
      `at ${at ?? '?'}`,
      t.sigbusCode === 4 ? 'BUS_MCEERR_AR' : t.sigbusCode === 2 ? 'BUS_ADRERR' : '',
    );
  } else if (t.state === 'done' && t.value !== undefined) {
    parts.push(`read 0x${t.value.toString(16).padStart(2, '0')}`);
  }
  const doing = t.doing && t.state !== 'blocked-event' ? relativise(t.doing, snap) : undefined;
  // `read a+1p` already says where; `at a+1p` after it would say it twice.
  const said = (p: string) => doing !== undefined && p.startsWith('at ') && doing.endsWith(p.slice(3));
  return [doing, ...parts.filter((p) => !said(p))].filter(Boolean).join(' · ');
}
