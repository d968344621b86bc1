// The agent's one-way events, read off two successive snapshots of a session.

import type { Snapshot, ThreadSnapshot } from '../../portable/model/snapshot';
import type { AgentEvent } from '../../portable/protocol/protocol';

const FINISHED = ['done', 'sigbus', 'exited'] as const;
type Finished = (typeof FINISHED)[number];

const isFinished = (s: ThreadSnapshot['state']): s is Finished => (FINISHED as readonly string[]).includes(s);
const isBlocked = (s: ThreadSnapshot['state'] | undefined): boolean =>
  s === 'blocked-fault' || s === 'blocked-event';

const key = (t: ThreadSnapshot): string => `${t.process}/${t.name}`;

/** What changed from `before` (undefined: an empty session) to `after`, as events, threads first. */
export function eventsBetween(before: Snapshot | undefined, after: Snapshot): AgentEvent[] {
  const events: AgentEvent[] = [];
  const previous = new Map(before?.threads.map((t) => [key(t), t]));
  for (const t of after.threads) {
    const was = previous.get(key(t));
    if (isBlocked(t.state)) {
      const same = was?.state === t.state && was.address === t.address && was.uffd === t.uffd;
      if (!same) {
        events.push({
          type: 'thread-blocked',
          thread: t.name,
          process: t.process,
          in: t.state === 'blocked-fault' ? 'fault' : 'event',
          ...(t.address !== undefined ? { address: t.address } : {}),
          ...(t.uffd !== undefined ? { uffd: t.uffd } : {}),
        });
      }
    } else if (isFinished(t.state) && (isBlocked(was?.state) || was?.state === 'running')) {
      events.push({ type: 'thread-finished', thread: t.name, process: t.process, state: t.state });
    }
  }
  const queued = new Map(before?.uffds.map((u) => [u.name, u.pending.length + u.events.length]));
  for (const u of after.uffds) {
    const now = u.pending.length + u.events.length;
    if (now > 0 && !queued.get(u.name)) {
      events.push({ type: 'readable', uffd: u.name, pending: u.pending.length, events: u.events.length });
    }
  }
  return events;
}
