// The simulator's documented limits are in the table the UI shows, and excuse no difference.

import { describe, expect, it } from 'vitest';
import { createSimulator } from '../kernel';
import { excusedBy, MODEL_LIMITS } from './model-limits';
import { SIMULATOR_LIMITS } from './simulator-limits';

describe('the simulator’s model limits', () => {
  it('are listed with the others, each under its own id, with a title and a reason', () => {
    for (const l of SIMULATOR_LIMITS) {
      expect(MODEL_LIMITS).toContain(l);
      expect(l.title.length * l.reason.length).toBeGreaterThan(0);
    }
    const ids = MODEL_LIMITS.map((l) => l.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('excuse nothing: a difference anywhere is still a difference', () => {
    const r = createSimulator().runSync({ op: 'poll', fd: 'nothing' });
    const step = { op: 'touch' as const, sim: r, kernel: r };
    for (const path of [
      'usageError',
      'ret',
      'snapshot.threads.T1.state',
      'snapshot.areas.main:a.pages[a+1p]',
    ]) {
      const d = { path, sim: '1', kernel: '2' };
      expect(excusedBy(d, step, SIMULATOR_LIMITS)).toBeUndefined();
    }
  });
});
