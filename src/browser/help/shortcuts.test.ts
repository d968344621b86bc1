// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { SHORTCUTS, shortcutFor } from './shortcuts';

const key = (k: string, mods: Partial<KeyboardEvent> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

describe('shortcuts', () => {
  it('maps each key to its action, once', () => {
    const keys = SHORTCUTS.flatMap((s) => s.keys);
    expect(new Set(keys).size).toBe(keys.length);
    expect(shortcutFor(key('n'), document.body)).toBe('step');
    expect(shortcutFor(key('?'), document.body)).toBe('help');
  });

  it('stays out of the way while the user types, and of the browser’s own keys', () => {
    const input = document.createElement('input');
    document.body.append(input);
    expect(shortcutFor(key('n'), input)).toBeUndefined();
    const term = document.createElement('div');
    term.className = 'xterm';
    const inner = document.createElement('textarea');
    term.append(inner);
    expect(shortcutFor(key('n'), inner)).toBeUndefined();
    expect(shortcutFor(key('r', { ctrlKey: true }), document.body)).toBeUndefined();
  });
});
