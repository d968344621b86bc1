import { describe, expect, it } from 'vitest';
import {
  decodeSession,
  encodeSession,
  loadLocal,
  saveLocal,
  sessionFromHash,
  shareLink,
  STORAGE_KEY,
} from './persist';
import type { SavedSession } from './store';

const saved: SavedSession = {
  v: 1,
  kernel: '6.18',
  entries: [
    { op: { op: 'mmap', as: 'a', kind: 'anon', len: '4p' } },
    { op: { op: 'userfaultfd', as: 'uffd', flags: 'O_CLOEXEC|O_NONBLOCK' }, say: 'a uffd', planned: true },
  ],
  cursor: 2,
  scenario: { id: 'basics', title: 'Basics' },
};

describe('saving sessions', () => {
  it('round-trips a session through a compressed link', async () => {
    const link = await shareLink(saved, { origin: 'http://x', pathname: '/', search: '?k=1' });
    expect(link).toMatch(/^http:\/\/x\/\?k=1#s=[A-Za-z0-9_-]+$/);
    const text = sessionFromHash(new URL(link).hash)!;
    expect(await decodeSession(text)).toEqual(saved);
  });

  it('compresses a long session', async () => {
    const many: SavedSession = { ...saved, entries: Array.from({ length: 200 }, () => saved.entries[0]!) };
    const text = await encodeSession(many);
    expect(text.length).toBeLessThan(JSON.stringify(many).length / 10);
  });

  it('refuses a damaged link with a clear error', async () => {
    await expect(decodeSession('not-a-session')).rejects.toThrow(/link is damaged/);
    expect(sessionFromHash('#other=1')).toBeUndefined();
  });

  it('keeps a copy in storage, and ignores one that is not a session', () => {
    const map = new Map<string, string>();
    const storage = {
      getItem: (k: string) => map.get(k) ?? null,
      setItem: (k: string, v: string) => void map.set(k, v),
    };
    expect(loadLocal(storage)).toBeUndefined();
    saveLocal(storage, saved);
    expect(loadLocal(storage)).toEqual(saved);
    map.set(STORAGE_KEY, '{"v": 2}');
    expect(loadLocal(storage)).toBeUndefined();
  });
});
