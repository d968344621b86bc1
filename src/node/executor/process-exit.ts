// A forked child that has ended (killed by `exit`, or gone on its own) has no mm: its areas and
// registrations leave the session, its thread is `exited` with no address, and the uffds that
// handled its faults stay open in `main` (their range ioctls then answer ESRCH, as the kernel does).

import type { ProcessName } from '../../portable/model/operation';
import type { Machine } from './machine';

export function processExited(m: Machine, process: ProcessName): void {
  const p = m.s.processes.get(process);
  if (!p) return;
  p.alive = false;
  for (const t of m.s.threads.values()) {
    if (t.process !== process) continue;
    m.s.dropEntries(t.name);
    t.job = undefined;
    t.state = 'exited';
    // What it last read stays (as in the simulator); where it was does not.
    t.address = t.uffd = t.since = t.sigbusCode = undefined;
  }
  for (const a of m.s.areasOf(process)) m.removeArea(a);
  m.s.owners = m.s.owners.filter((o) => o.process !== process);
  m.dropProcess(process);
  m.registrationsChanged();
}
