// Batches keep the executor's own thread and the session's threads on one CPU. A fault cycle hands
// control between them three or four times (post a touch, the fault wakes the monitor, COPY wakes
// the thread, the thread says it is done); on a different CPU each handoff is an interrupt to wake
// it (tens of microseconds in a VM), on the same CPU a plain context switch (a few). Affinities are
// put back when the batch ends.

import { os } from './os';

export function pinTogether(tids: readonly number[]): () => void {
  const cpu = os.currentCpu();
  if (cpu < 0) return () => undefined;
  const saved: [number, Buffer][] = [];
  for (const tid of [0, ...tids]) {
    const mask = os.getAffinity(tid);
    if (typeof mask === 'number') continue;
    if (os.setAffinity(tid, os.cpuMask(cpu)) === 0) saved.push([tid, mask]);
  }
  return () => {
    for (const [tid, mask] of saved) os.setAffinity(tid, mask);
  };
}
