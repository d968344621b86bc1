// The xterm terminal: loaded only when the console is first opened, so the first page load stays light.

import { useEffect, useRef } from 'react';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import { usePlayground, useUi } from '../state/context';
import { ConsoleController } from './controller';

function themeOf(el: Element) {
  const css = getComputedStyle(el);
  const v = (n: string) => css.getPropertyValue(n).trim();
  return {
    background: v('--panel'),
    foreground: v('--text'),
    cursor: v('--accent'),
    selectionBackground: v('--changed'),
  };
}

export default function ConsoleTerminal() {
  const pg = usePlayground();
  const theme = useUi((s) => s.theme);
  const ref = useRef<HTMLDivElement>(null);
  const termRef = useRef<Terminal | null>(null);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const term = new Terminal({
      fontFamily: getComputedStyle(el).getPropertyValue('--font-mono'),
      fontSize: 16,
      cursorBlink: true,
      scrollback: 5000,
      theme: themeOf(el),
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(el);
    fit.fit();
    termRef.current = term;
    const ctl = new ConsoleController({ write: (d) => term.write(d), clear: () => term.clear() }, pg);
    ctl.start();
    const input = term.onData((d) => ctl.feed(d));
    // The terminal keeps Tab (completion); Escape hands the keyboard back to the page.
    term.attachCustomKeyEventHandler((e) => {
      if (e.type !== 'keydown' || e.key !== 'Escape') return true;
      document.querySelector<HTMLElement>('[data-testid="console.toggle"]')?.focus();
      return false;
    });
    const ro = new ResizeObserver(() => fit.fit());
    ro.observe(el);
    term.focus();
    return () => {
      ro.disconnect();
      input.dispose();
      ctl.dispose();
      term.dispose();
      termRef.current = null;
    };
  }, [pg]);

  useEffect(() => {
    if (termRef.current && ref.current) termRef.current.options.theme = themeOf(ref.current);
  }, [theme]);

  return <div ref={ref} className="term-host" data-testid="console.terminal" />;
}
