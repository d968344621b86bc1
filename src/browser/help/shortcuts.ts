// The keyboard shortcuts: one table drives both the handler and the `?` overlay.

export interface Shortcut {
  readonly keys: readonly string[];
  readonly what: string;
  readonly action: ShortcutAction;
}

export type ShortcutAction =
  | 'help'
  | 'step'
  | 'back'
  | 'play'
  | 'start'
  | 'console'
  | 'grid'
  | 'monitor'
  | 'read'
  | 'write'
  | 'auto'
  | 'autoToggle'
  | 'library'
  | 'theme'
  | 'zoomIn'
  | 'zoomOut';

export const SHORTCUTS: readonly Shortcut[] = [
  { keys: ['?'], what: 'these shortcuts', action: 'help' },
  { keys: ['n', ']'], what: 'step forward', action: 'step' },
  { keys: ['b', '['], what: 'step back', action: 'back' },
  { keys: ['p'], what: 'play / pause', action: 'play' },
  { keys: ['0'], what: 'back to step 0', action: 'start' },
  { keys: ['`'], what: 'the console (Escape leaves it)', action: 'console' },
  { keys: ['g'], what: 'focus the page grid (then arrow keys pick the target)', action: 'grid' },
  { keys: ['m'], what: 'focus the monitor', action: 'monitor' },
  { keys: ['r'], what: 'the active thread reads the target page', action: 'read' },
  { keys: ['w'], what: 'the active thread writes the target page', action: 'write' },
  { keys: ['a'], what: 'auto monitor: one step', action: 'auto' },
  { keys: ['A'], what: 'auto monitor: on / off', action: 'autoToggle' },
  { keys: ['l'], what: 'scenario library', action: 'library' },
  { keys: ['t'], what: 'light / dark theme', action: 'theme' },
  { keys: ['+'], what: 'bigger grid cells', action: 'zoomIn' },
  { keys: ['-'], what: 'smaller grid cells', action: 'zoomOut' },
];

const BY_KEY = new Map(SHORTCUTS.flatMap((s) => s.keys.map((k) => [k, s.action] as const)));

/** The action for a key press, unless the user is typing or holds a modifier. */
export function shortcutFor(
  e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>,
  target: EventTarget | null,
): ShortcutAction | undefined {
  if (e.ctrlKey || e.metaKey || e.altKey) return undefined;
  const el = target as HTMLElement | null;
  if (el?.closest?.('input, textarea, select, [contenteditable="true"], .xterm')) return undefined;
  return BY_KEY.get(e.key);
}
