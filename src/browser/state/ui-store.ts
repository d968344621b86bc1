// State of the page itself, not of the session: theme, open dialogs, the monitor's chosen call,
// the grid's zoom. Kept apart so a session replay never re-renders the chrome.

import { createStore } from 'zustand/vanilla';

export type Theme = 'light' | 'dark';
export type Dialog = 'shortcuts' | 'library' | 'agent' | 'compare' | undefined;

export interface UiState {
  readonly theme: Theme;
  readonly dialog: Dialog;
  /** The right column shows the console (else the monitor). */
  readonly consoleOpen: boolean;
  /** The console was opened once: its terminal stays alive (and lazy-loaded) from then on. */
  readonly consoleLoaded: boolean;
  /** The call the monitor composes: an ioctl name or a syscall. */
  readonly monitorCall: string;
  readonly zoom: number;
  /** The thread the thread buttons and the `r`/`w` keys act for. */
  readonly activeThread: string;
}

export const THEME_KEY = 'uffd-playground/theme';

function initialTheme(): Theme {
  const saved = globalThis.localStorage?.getItem(THEME_KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export const uiStore = createStore<UiState>()(() => ({
  theme: initialTheme(),
  dialog: undefined,
  consoleOpen: false,
  consoleLoaded: false,
  monitorCall: 'UFFDIO_API',
  zoom: 1,
  activeThread: 'T1',
}));

export const ui = {
  setTheme(theme: Theme) {
    uiStore.setState({ theme });
    globalThis.localStorage?.setItem(THEME_KEY, theme);
  },
  toggleTheme() {
    ui.setTheme(uiStore.getState().theme === 'dark' ? 'light' : 'dark');
  },
  open(dialog: Dialog) {
    uiStore.setState({ dialog });
  },
  toggleConsole() {
    ui.showConsole(!uiStore.getState().consoleOpen);
  },
  showConsole(consoleOpen: boolean) {
    uiStore.setState((s) => ({ consoleOpen, consoleLoaded: s.consoleLoaded || consoleOpen }));
  },
  compose(monitorCall: string) {
    uiStore.setState({ monitorCall });
  },
  zoom(by: number) {
    uiStore.setState((s) => ({ zoom: Math.max(0.5, Math.min(2, Math.round(s.zoom * by * 100) / 100)) }));
  },
  setActiveThread(activeThread: string) {
    uiStore.setState({ activeThread });
  },
};
