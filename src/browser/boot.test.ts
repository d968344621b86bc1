import { describe, expect, it } from 'vitest';
import { boot } from './boot';
import { FakeEngine } from './session/fake-engine';
import { encodeSession, loadLocal } from './state/persist';
import type { SavedSession } from './state/store';

const saved: SavedSession = {
  v: 1,
  kernel: '6.18',
  entries: [{ op: { op: 'mmap', as: 'a', kind: 'anon', len: '4p' } }, { op: { op: 'poll', fd: 'uffd' } }],
  cursor: 1,
};

function storage(initial?: SavedSession) {
  const map = new Map<string, string>();
  const s = {
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
  };
  return { s, map, initial };
}

describe('starting the page', () => {
  it('restores the session of a shared link before the last visit', async () => {
    const { s } = storage();
    const { playground, problem } = await boot({
      createEngine: () => new FakeEngine(),
      storage: s,
      hash: `#s=${await encodeSession(saved)}`,
    });
    expect(problem).toBeUndefined();
    expect(playground.store.getState().entries).toHaveLength(2);
    expect(playground.store.getState().cursor).toBe(1);
  });

  it('says so when a link is damaged, and starts a new session', async () => {
    const { s } = storage();
    const { playground, problem } = await boot({
      createEngine: () => new FakeEngine(),
      storage: s,
      hash: '#s=zzzz',
    });
    expect(problem).toMatch(/the link is damaged/);
    expect(playground.store.getState().entries).toEqual([]);
  });

  it('keeps the session in storage as it changes', async () => {
    const { s } = storage();
    const { playground } = await boot({ createEngine: () => new FakeEngine(), storage: s, hash: '' });
    await playground.store
      .getState()
      .actions.perform({ op: 'mmap', as: 'a', kind: 'anon', len: '4p' }, 'form');
    await new Promise((r) => setTimeout(r, 300));
    expect(loadLocal(s)?.entries).toHaveLength(1);
    const again = await boot({ createEngine: () => new FakeEngine(), storage: s, hash: '' });
    expect(again.playground.store.getState().cursor).toBe(1);
  });
});
