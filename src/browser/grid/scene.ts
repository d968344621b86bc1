// What to draw where: the grid's drawing model as a list of commands, built from a snapshot, the
// layout and the marks (selection, hover, blocked threads), for the visible rows only. The painter
// turns commands into pixels; tests read the commands.

import type { AreaSnapshot, PageStateName, Snapshot } from '../../portable/model/snapshot';
import { pageStateName } from '../../portable/model/snapshot';
import { cellRect, visiblePages, type Block, type GridLayout } from './layout';

/** Each state has a glyph as well as a colour: the grid never says anything by colour alone. */
export const GLYPH: Record<PageStateName, string> = {
  'not-mapped': '×',
  missing: '○',
  present: '●',
  zero: '0',
  'write-protected': 'W',
  'cache-only': '◐',
  poisoned: '!',
};

export const STATE_LABEL: Record<PageStateName, string> = {
  'not-mapped': 'not mapped',
  missing: 'missing',
  present: 'present',
  zero: 'zero page',
  'write-protected': 'write-protected',
  'cache-only': 'in page cache only',
  poisoned: 'poisoned',
};

/** Cells at least this big show a present page's fill byte instead of the dot. */
export const CONTENT_GLYPH_CELL = 28;

/** Registration outline edges of a cell. */
export const EDGE = { TOP: 1, RIGHT: 2, BOTTOM: 4, LEFT: 8 } as const;

export type Cmd =
  | {
      readonly kind: 'cell';
      readonly x: number;
      readonly y: number;
      readonly size: number;
      readonly state: PageStateName;
      readonly glyph: string;
    }
  | {
      readonly kind: 'edges';
      readonly x: number;
      readonly y: number;
      readonly size: number;
      readonly edges: number;
    }
  | {
      readonly kind: 'ring';
      readonly x: number;
      readonly y: number;
      readonly size: number;
      readonly style: 'selected' | 'hover' | 'blocked';
    }
  /** Thread names in the cell's top corner; x, y is the cell's corner. */
  | {
      readonly kind: 'badge';
      readonly x: number;
      readonly y: number;
      readonly size: number;
      readonly text: string;
    }
  | { readonly kind: 'rowLabel'; readonly x: number; readonly y: number; readonly text: string };

export interface PageMark {
  readonly key: string;
  readonly page: number;
}

export interface GridMarks {
  readonly selected?: PageMark;
  readonly hover?: PageMark;
}

/** The key a block of this area has. */
export const areaKey = (a: Pick<AreaSnapshot, 'name' | 'process'>): string =>
  a.process === 'main' ? a.name : `${a.name}@${a.process}`;

/** The areas the grid shows: all but the backends' own (`$src`). */
export const shownAreas = (s: Snapshot): AreaSnapshot[] => s.areas.filter((a) => !a.name.startsWith('$'));

/** For each page of an area, 1 + the index of the registration covering it, or 0. */
export function registrationMap(area: AreaSnapshot, snap: Snapshot): Uint16Array {
  const map = new Uint16Array(area.pages.length);
  const size = BigInt(area.pageSize);
  snap.registrations.forEach((r, i) => {
    if (r.process !== area.process) return;
    const from = r.start > area.start ? Number((r.start - area.start) / size) : 0;
    const to = Number((r.end - area.start + size - 1n) / size);
    for (let p = Math.max(0, from); p < Math.min(to, map.length); p++) map[p] = i + 1;
  });
  return map;
}

/** Threads blocked in a fault, by the page they wait on: `${key}:${page}` → names. */
export function blockedPages(snap: Snapshot): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const t of snap.threads) {
    if (t.state !== 'blocked-fault' || t.address === undefined) continue;
    const area = shownAreas(snap).find(
      (a) => a.process === t.process && t.address! >= a.start && t.address! < a.start + a.len,
    );
    if (!area) continue;
    const id = `${areaKey(area)}:${Number((t.address - area.start) / BigInt(area.pageSize))}`;
    out.set(id, [...(out.get(id) ?? []), t.name]);
  }
  return out;
}

export function glyphOf(area: AreaSnapshot, page: number, cell: number): string {
  const state = pageStateName(area.pages[page] ?? 0);
  if (state === 'present' && cell >= CONTENT_GLYPH_CELL) {
    const fill = area.content.get(page)?.slice(0, 2);
    if (fill) return fill;
  }
  return GLYPH[state];
}

function edgesOf(regs: Uint16Array, b: Block, page: number): number {
  const r = regs[page]!;
  if (!r) return 0;
  const col = page % b.cols;
  const same = (p: number) => p >= 0 && p < regs.length && regs[p] === r;
  let e = 0;
  if (!same(page - b.cols)) e |= EDGE.TOP;
  if (!same(page + b.cols)) e |= EDGE.BOTTOM;
  if (col === 0 || !same(page - 1)) e |= EDGE.LEFT;
  if (col === b.cols - 1 || !same(page + 1)) e |= EDGE.RIGHT;
  return e;
}

export interface SceneInput {
  readonly snapshot: Snapshot;
  readonly layout: GridLayout;
  readonly marks: GridMarks;
}

/** A row label every row: `+64p` (huge pages: `+2h`). */
function rowLabel(area: AreaSnapshot, page: number, basePageSize: number): string {
  return area.pageSize > basePageSize ? `+${page}h` : `+${page}p`;
}

/** What the scene needs per snapshot, computed once: the areas by key, registrations, blocked pages. */
export interface SceneContext {
  readonly input: SceneInput;
  readonly areas: ReadonlyMap<string, AreaSnapshot>;
  readonly regs: ReadonlyMap<string, Uint16Array>;
  readonly blocked: ReadonlyMap<string, string[]>;
}

export function sceneContext(input: SceneInput): SceneContext {
  const areas = new Map(shownAreas(input.snapshot).map((a) => [areaKey(a), a]));
  const regs = new Map([...areas].map(([k, a]) => [k, registrationMap(a, input.snapshot)]));
  return { input, areas, regs, blocked: blockedPages(input.snapshot) };
}

/** The commands for some pages of one block: cells, outlines, then the marks on top. */
export function pageCommands(ctx: SceneContext, b: Block, pages: Iterable<number>): Cmd[] {
  const { layout, marks, snapshot } = ctx.input;
  const area = ctx.areas.get(b.key);
  const regs = ctx.regs.get(b.key);
  if (!area || !regs) return [];
  const out: Cmd[] = [];
  const rings: Cmd[] = [];
  for (const page of pages) {
    const { x, y, size } = cellRect(layout, b, page);
    if (page % b.cols === 0) {
      out.push({
        kind: 'rowLabel',
        x: layout.left - 6,
        y: y + size / 2,
        text: rowLabel(area, page, snapshot.pageSize),
      });
    }
    out.push({
      kind: 'cell',
      x,
      y,
      size,
      state: pageStateName(area.pages[page] ?? 0),
      glyph: glyphOf(area, page, size),
    });
    const edges = edgesOf(regs, b, page);
    if (edges) out.push({ kind: 'edges', x, y, size, edges });
    const who = ctx.blocked.get(`${b.key}:${page}`);
    if (who) {
      rings.push({ kind: 'ring', x, y, size, style: 'blocked' });
      rings.push({ kind: 'badge', x, y, size, text: who.join(',') });
    }
    if (marks.hover?.key === b.key && marks.hover.page === page)
      rings.push({ kind: 'ring', x, y, size, style: 'hover' });
    if (marks.selected?.key === b.key && marks.selected.page === page) {
      rings.push({ kind: 'ring', x, y, size, style: 'selected' });
    }
  }
  // Marks go on top of every cell, so a neighbour drawn later never hides them.
  return [...out, ...rings];
}

function* range(from: number, to: number): Generator<number> {
  for (let i = from; i < to; i++) yield i;
}

/** Everything the viewport [top, top+height) of the content shows. */
export function buildScene(ctx: SceneContext, top: number, height: number): Cmd[] {
  const out: Cmd[] = [];
  for (const b of ctx.input.layout.blocks) {
    if (b.bottom < top || b.top > top + height) continue;
    const [from, to] = visiblePages(b, top, height);
    out.push(...pageCommands(ctx, b, range(from, to)));
  }
  return out;
}

/**
 * Pages in [from, to) whose cell alone changed between two snapshots of an area (state or content),
 * or undefined when the area itself changed: then the caller redraws all. Looking only at the pages
 * in view keeps a redraw of a huge area as cheap as a small one.
 */
export function changedCells(
  prev: Snapshot,
  next: Snapshot,
  key: string,
  from = 0,
  to = Infinity,
): number[] | undefined {
  const a = shownAreas(prev).find((x) => areaKey(x) === key);
  const b = shownAreas(next).find((x) => areaKey(x) === key);
  if (!a || !b || a.pages.length !== b.pages.length) return undefined;
  const out: number[] = [];
  for (let i = from; i < Math.min(to, b.pages.length); i++) {
    if (a.pages[i] !== b.pages[i] || a.content.get(i) !== b.content.get(i)) out.push(i);
  }
  return out;
}

/** Whether only page states and contents changed: same areas, registrations and blocked threads. */
export function onlyCellsChanged(prev: Snapshot, next: Snapshot): boolean {
  const sameAreas =
    prev.areas.length === next.areas.length &&
    prev.areas.every(
      (a, i) => a.name === next.areas[i]!.name && a.pages.length === next.areas[i]!.pages.length,
    );
  const regs = (s: Snapshot) =>
    s.registrations.map((r) => `${r.process}:${r.start}:${r.end}:${r.uffd}:${r.mode}`).join();
  const blocks = (s: Snapshot) => [...blockedPages(s)].map(([k, v]) => `${k}=${v.join()}`).join();
  return sameAreas && regs(prev) === regs(next) && blocks(prev) === blocks(next);
}
