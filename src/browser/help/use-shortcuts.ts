// The global key handler: each key of the shortcut table does its action, unless the user is typing.

import { useEffect } from 'react';
import { pageInfo } from '../grid/page-info';
import { usePlayground } from '../state/context';
import { snapshotOf } from '../state/store';
import { ui, uiStore } from '../state/ui-store';
import { shortcutFor, type ShortcutAction } from './shortcuts';

function focus(selector: string) {
  document.querySelector<HTMLElement>(selector)?.focus();
}

export function useShortcuts() {
  const pg = usePlayground();
  useEffect(() => {
    const run = (action: ShortcutAction) => {
      const s = pg.store.getState();
      const a = s.actions;
      const touch = (access: 'read' | 'write') => {
        const t = s.selection && pageInfo(snapshotOf(s), s.selection.area, s.selection.page);
        if (t)
          void a.perform(
            { op: 'touch', thread: uiStore.getState().activeThread, addr: t.relative, access },
            'thread',
          );
      };
      switch (action) {
        case 'help':
          return ui.open('shortcuts');
        case 'step':
          return void a.stepForward();
        case 'back':
          return a.stepBack();
        case 'play':
          return s.playing ? a.pause() : a.play();
        case 'start':
          return void a.goTo(0);
        case 'console':
          ui.toggleConsole();
          return requestAnimationFrame(() => focus('.xterm-helper-textarea'));
        case 'grid':
          return focus('[data-testid="grid.canvas"]');
        case 'monitor':
          ui.showConsole(false);
          return requestAnimationFrame(() => focus('[data-testid="monitor.call"]'));
        case 'read':
          return touch('read');
        case 'write':
          return touch('write');
        case 'auto':
          return void a.autoStep();
        case 'autoToggle':
          return a.setAutoMonitor(!s.autoMonitor);
        case 'library':
          return ui.open('library');
        case 'theme':
          return ui.toggleTheme();
        case 'zoomIn':
          return ui.zoom(1.25);
        case 'zoomOut':
          return ui.zoom(1 / 1.25);
      }
    };
    const onKey = (e: KeyboardEvent) => {
      if (uiStore.getState().dialog) return;
      const action = shortcutFor(e, e.target);
      if (!action) return;
      e.preventDefault();
      run(action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [pg]);
}
