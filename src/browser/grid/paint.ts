// Turns scene commands into pixels. Cells come from small pre-rendered sprites (one per state, glyph
// and size) so a redraw is a series of drawImage calls, not thousands of fillText.

import type { PageStateName } from '../../portable/model/snapshot';
import { EDGE, type Cmd } from './scene';

export interface Palette {
  readonly background: string;
  readonly label: string;
  readonly cell: Record<PageStateName, { readonly fill: string; readonly glyph: string }>;
  readonly edge: string;
  readonly selected: string;
  readonly hover: string;
  readonly blocked: string;
  readonly badge: string;
  readonly badgeText: string;
  readonly font: string;
}

type Sprite = HTMLCanvasElement | OffscreenCanvas;

export class Painter {
  private readonly sprites = new Map<string, Sprite>();
  private palette: Palette;
  private readonly dpr: number;

  constructor(palette: Palette, dpr: number) {
    this.palette = palette;
    this.dpr = dpr;
  }

  setPalette(p: Palette): void {
    this.palette = p;
    this.sprites.clear();
  }

  private sprite(state: PageStateName, glyph: string, size: number): Sprite {
    const id = `${state}|${glyph}|${size}`;
    let s = this.sprites.get(id);
    if (s) return s;
    const px = Math.ceil(size * this.dpr);
    s =
      typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(px, px) : document.createElement('canvas');
    s.width = px;
    s.height = px;
    const g = s.getContext('2d') as CanvasRenderingContext2D;
    g.scale(this.dpr, this.dpr);
    const c = this.palette.cell[state];
    g.fillStyle = this.palette.background;
    g.fillRect(0, 0, size, size);
    g.fillStyle = c.fill;
    const inset = size >= 20 ? 2 : 1;
    g.beginPath();
    g.roundRect(inset, inset, size - 2 * inset, size - 2 * inset, Math.min(4, size / 6));
    g.fill();
    if (state === 'not-mapped') {
      g.strokeStyle = c.glyph;
      g.globalAlpha = 0.35;
      g.setLineDash([2, 2]);
      g.stroke();
      g.globalAlpha = 1;
    }
    g.fillStyle = c.glyph;
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    const fontSize = Math.round(size * (glyph.length > 1 ? 0.42 : 0.6));
    g.font = `600 ${fontSize}px ${this.palette.font}`;
    g.fillText(glyph, size / 2, size / 2 + 1);
    this.sprites.set(id, s);
    return s;
  }

  /** Draws commands with the content scrolled by `top` pixels. */
  paint(g: CanvasRenderingContext2D, cmds: readonly Cmd[], top: number): void {
    const p = this.palette;
    for (const c of cmds) {
      const y = c.y - top;
      switch (c.kind) {
        case 'cell':
          g.drawImage(this.sprite(c.state, c.glyph, c.size), c.x, y, c.size, c.size);
          break;
        case 'edges': {
          g.fillStyle = p.edge;
          const w = 3;
          if (c.edges & EDGE.TOP) g.fillRect(c.x, y, c.size, w);
          if (c.edges & EDGE.BOTTOM) g.fillRect(c.x, y + c.size - w, c.size, w);
          if (c.edges & EDGE.LEFT) g.fillRect(c.x, y, w, c.size);
          if (c.edges & EDGE.RIGHT) g.fillRect(c.x + c.size - w, y, w, c.size);
          break;
        }
        case 'ring': {
          const color = c.style === 'selected' ? p.selected : c.style === 'hover' ? p.hover : p.blocked;
          const w = c.style === 'hover' ? 2 : 3;
          g.strokeStyle = color;
          g.lineWidth = w;
          g.setLineDash(c.style === 'blocked' ? [4, 2] : []);
          g.strokeRect(c.x + w / 2 + 1, y + w / 2 + 1, c.size - w - 2, c.size - w - 2);
          g.setLineDash([]);
          break;
        }
        case 'badge': {
          const fs = Math.max(10, Math.round(c.size * 0.32));
          g.font = `700 ${fs}px ${p.font}`;
          const text = c.text.length > 6 ? `${c.text.slice(0, 5)}…` : c.text;
          const w = g.measureText(text).width + 4;
          g.fillStyle = p.badge;
          g.fillRect(c.x + c.size - w, y, w, fs + 2);
          g.fillStyle = p.badgeText;
          g.textAlign = 'right';
          g.textBaseline = 'top';
          g.fillText(text, c.x + c.size - 2, y + 1);
          break;
        }
        case 'rowLabel': {
          g.fillStyle = p.background;
          g.fillRect(0, y - 8, c.x + 2, 16);
          g.fillStyle = p.label;
          g.font = `12px ${p.font}`;
          g.textAlign = 'right';
          g.textBaseline = 'middle';
          g.fillText(c.text, c.x, y);
          break;
        }
      }
    }
  }
}

/** The palette from the page's CSS custom properties (so the theme switch restyles the canvas too). */
export function paletteFromCss(el: Element): Palette {
  const css = getComputedStyle(el);
  const v = (name: string) => css.getPropertyValue(name).trim() || '#888';
  const cell = (state: PageStateName) => ({ fill: v(`--page-${state}`), glyph: v(`--page-${state}-glyph`) });
  return {
    background: v('--grid-bg'),
    label: v('--text-dim'),
    cell: {
      'not-mapped': cell('not-mapped'),
      missing: cell('missing'),
      present: cell('present'),
      zero: cell('zero'),
      'write-protected': cell('write-protected'),
      'cache-only': cell('cache-only'),
      poisoned: cell('poisoned'),
    },
    edge: v('--registered'),
    selected: v('--selected'),
    hover: v('--hover'),
    blocked: v('--blocked'),
    badge: v('--blocked'),
    badgeText: v('--blocked-text'),
    font: v('--font-mono'),
  };
}
