// Where each page of each area goes on the grid: areas stacked top to bottom, each a header line
// and rows of square cells. Columns are a power of two so a row starts at a round page number
// (`+64p`), which the row labels show. Pure: the canvas, hit testing and tests all read this.

export interface GridArea {
  /** The block's identity: the area name, with `@process` for a forked child's copy. */
  readonly key: string;
  /** How many pages (one cell each). */
  readonly count: number;
}

export interface Block {
  readonly key: string;
  readonly count: number;
  /** Top of the header, in content pixels. */
  readonly top: number;
  /** Top of the first row of cells. */
  readonly cellsTop: number;
  readonly cell: number;
  readonly cols: number;
  readonly rows: number;
  /** Just past the block. */
  readonly bottom: number;
}

export interface GridLayout {
  readonly width: number;
  readonly height: number;
  /** Left of the first column; the row labels sit in the gutter before it. */
  readonly left: number;
  readonly blocks: readonly Block[];
}

export const HEADER_HEIGHT = 34;
export const GUTTER = 52;
export const BLOCK_GAP = 14;
/** Below this a glyph is no longer legible, and state must never be shown by colour alone. */
export const MIN_CELL = 14;
export const MAX_COLS = 128;

/** A comfortable cell for an area of this many pages, before the user's zoom. */
export function naturalCell(count: number): number {
  if (count <= 16) return 60;
  if (count <= 64) return 44;
  if (count <= 256) return 32;
  if (count <= 4096) return 22;
  return 16;
}

function columns(width: number, cell: number, count: number): number {
  const fit = Math.max(1, Math.floor((width - GUTTER - 8) / cell));
  let cols = 1;
  while (cols * 2 <= Math.min(fit, MAX_COLS)) cols *= 2;
  return Math.min(cols, Math.max(1, 2 ** Math.ceil(Math.log2(Math.max(count, 1)))));
}

export function layoutGrid(areas: readonly GridArea[], width: number, zoom = 1): GridLayout {
  const blocks: Block[] = [];
  let top = 4;
  for (const a of areas) {
    const cell = Math.max(MIN_CELL, Math.round(naturalCell(a.count) * zoom));
    const cols = columns(width, cell, a.count);
    const rows = Math.ceil(a.count / cols);
    const cellsTop = top + HEADER_HEIGHT;
    const bottom = cellsTop + rows * cell + BLOCK_GAP;
    blocks.push({ key: a.key, count: a.count, top, cellsTop, cell, cols, rows, bottom });
    top = bottom;
  }
  return { width, height: top, left: GUTTER, blocks };
}

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly size: number;
}

export function cellRect(layout: GridLayout, b: Block, page: number): Rect {
  return {
    x: layout.left + (page % b.cols) * b.cell,
    y: b.cellsTop + Math.floor(page / b.cols) * b.cell,
    size: b.cell,
  };
}

/** The page under a point of the content (not the viewport), if any. */
export function hitTest(layout: GridLayout, x: number, y: number): { key: string; page: number } | undefined {
  const b = layout.blocks.find((k) => y >= k.cellsTop && y < k.cellsTop + k.rows * k.cell);
  if (!b || x < layout.left) return undefined;
  const col = Math.floor((x - layout.left) / b.cell);
  if (col >= b.cols) return undefined;
  const page = Math.floor((y - b.cellsTop) / b.cell) * b.cols + col;
  return page < b.count ? { key: b.key, page } : undefined;
}

/** The pages of a block a viewport [top, top+height) shows, whole rows: [first, end). */
export function visiblePages(b: Block, top: number, height: number): [number, number] {
  const firstRow = Math.max(0, Math.floor((top - b.cellsTop) / b.cell));
  const endRow = Math.min(b.rows, Math.ceil((top + height - b.cellsTop) / b.cell));
  if (endRow <= firstRow) return [0, 0];
  return [firstRow * b.cols, Math.min(b.count, endRow * b.cols)];
}

/** The page a keyboard arrow leads to, staying inside the block. */
export function movePage(b: Block, page: number, key: 'left' | 'right' | 'up' | 'down'): number {
  const next = { left: page - 1, right: page + 1, up: page - b.cols, down: page + b.cols }[key];
  return next >= 0 && next < b.count ? next : page;
}
