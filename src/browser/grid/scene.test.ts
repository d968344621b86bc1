import { describe, expect, it } from 'vitest';
import { PAGE } from '../../portable/model/snapshot';
import { area, BASE, P, snapshot, thread } from '../../portable/testing/fixtures';
import { cellRect, hitTest, layoutGrid, movePage, visiblePages, GUTTER, MIN_CELL } from './layout';
import {
  buildScene,
  changedCells,
  EDGE,
  onlyCellsChanged,
  pageCommands,
  sceneContext,
  type Cmd,
} from './scene';

const a = area({
  name: 'a',
  pages: 8,
  bits: {
    1: PAGE.MAPPED | PAGE.PRESENT,
    2: PAGE.MAPPED | PAGE.PRESENT | PAGE.ZERO,
    3: PAGE.MAPPED | PAGE.UFFD_WP,
    4: 0,
    5: PAGE.MAPPED | PAGE.POISONED,
    6: PAGE.MAPPED | PAGE.CACHED,
  },
  content: { 1: '41 @7b=01' },
});

describe('grid layout', () => {
  it('stacks areas and wraps pages in power-of-two rows', () => {
    const l = layoutGrid(
      [
        { key: 'a', count: 8 },
        { key: 'big', count: 65536 },
      ],
      900,
    );
    expect(l.blocks[0]).toMatchObject({ key: 'a', cols: 8, rows: 1, cell: 60 });
    const big = l.blocks[1]!;
    expect(big.cols).toBe(32);
    expect(big.rows).toBe(2048);
    expect(big.top).toBe(l.blocks[0]!.bottom);
    expect(l.height).toBe(big.bottom);
  });

  it('never shrinks a cell below a legible glyph', () => {
    const l = layoutGrid([{ key: 'big', count: 65536 }], 900, 0.1);
    expect(l.blocks[0]!.cell).toBe(MIN_CELL);
  });

  it('finds the page under a point, and none in the gaps', () => {
    const l = layoutGrid(
      [
        { key: 'a', count: 8 },
        { key: 'b', count: 100 },
      ],
      600,
    );
    const b = l.blocks[1]!;
    const r = cellRect(l, b, 37);
    expect(hitTest(l, r.x + 1, r.y + 1)).toEqual({ key: 'b', page: 37 });
    expect(hitTest(l, r.x + r.size - 1, r.y + r.size - 1)).toEqual({ key: 'b', page: 37 });
    expect(hitTest(l, GUTTER - 1, r.y)).toBeUndefined();
    expect(hitTest(l, r.x, b.top + 2)).toBeUndefined();
    const last = cellRect(l, b, 99);
    expect(hitTest(l, last.x + last.size + 1, last.y + 1)).toBeUndefined();
  });

  it('shows whole rows of the viewport only', () => {
    const l = layoutGrid([{ key: 'big', count: 65536 }], 900);
    const b = l.blocks[0]!;
    expect(visiblePages(b, 0, 600)).toEqual([0, Math.ceil((600 - b.cellsTop) / b.cell) * b.cols]);
    const [from, to] = visiblePages(b, 100_000, 600);
    expect(from % b.cols).toBe(0);
    expect((to - from) / b.cols).toBeLessThanOrEqual(600 / b.cell + 2);
    expect(visiblePages(b, b.bottom + 10, 600)).toEqual([0, 0]);
  });

  it('moves by arrow keys within the area', () => {
    const b = layoutGrid([{ key: 'a', count: 20 }], 300).blocks[0]!;
    expect(movePage(b, 0, 'left')).toBe(0);
    expect(movePage(b, 0, 'down')).toBe(b.cols);
    expect(movePage(b, 19, 'right')).toBe(19);
  });
});

const cells = (cmds: Cmd[]) =>
  cmds.filter((c) => c.kind === 'cell').map((c) => (c.kind === 'cell' ? `${c.state}:${c.glyph}` : ''));

describe('grid scene', () => {
  const layout = layoutGrid([{ key: 'a', count: 8 }], 900);

  it('draws every state with its own glyph, and a present page with its fill byte when there is room', () => {
    const ctx = sceneContext({ snapshot: snapshot({ areas: [a] }), layout, marks: {} });
    expect(cells(buildScene(ctx, 0, 500))).toEqual([
      'missing:○',
      'present:41',
      'zero:0',
      'write-protected:W',
      'not-mapped:×',
      'poisoned:!',
      'cache-only:◐',
      'missing:○',
    ]);
    const small = layoutGrid([{ key: 'a', count: 8 }], 900, 0.3);
    const ctx2 = sceneContext({ snapshot: snapshot({ areas: [a] }), layout: small, marks: {} });
    expect(cells(buildScene(ctx2, 0, 500))[1]).toBe('present:●');
  });

  it('outlines a registered range, row by row', () => {
    const l = layoutGrid([{ key: 'a', count: 8 }], 300); // 4 columns: two rows
    expect(l.blocks[0]!.cols).toBe(4);
    const snap = snapshot({
      areas: [a],
      registrations: [{ process: 'main', start: BASE + P, end: BASE + 7n * P, uffd: 'u', mode: 1n }],
    });
    const edges = buildScene(sceneContext({ snapshot: snap, layout: l, marks: {} }), 0, 500).filter(
      (c) => c.kind === 'edges',
    );
    // pages 1-3 on row 0 and 4-6 on row 1: one outline around both
    expect(edges.map((e) => (e.kind === 'edges' ? e.edges : 0))).toEqual([
      EDGE.TOP | EDGE.LEFT,
      EDGE.TOP,
      EDGE.TOP | EDGE.RIGHT | EDGE.BOTTOM,
      EDGE.TOP | EDGE.LEFT | EDGE.BOTTOM,
      EDGE.BOTTOM,
      EDGE.BOTTOM | EDGE.RIGHT,
    ]);
  });

  it('marks the page a thread waits on, the selection and the hover, on top of the cells', () => {
    const snap = snapshot({
      areas: [a],
      threads: [thread({ name: 'T1', state: 'blocked-fault', address: BASE + 7n * P + 5n })],
    });
    const cmds = buildScene(
      sceneContext({
        snapshot: snap,
        layout,
        marks: { selected: { key: 'a', page: 7 }, hover: { key: 'a', page: 0 } },
      }),
      0,
      500,
    );
    const lastCell = cmds.map((c) => c.kind).lastIndexOf('cell');
    const marks = cmds.slice(lastCell + 1);
    expect(marks).toEqual([
      { kind: 'ring', style: 'hover', ...cellRect(layout, layout.blocks[0]!, 0) },
      { kind: 'ring', style: 'blocked', ...cellRect(layout, layout.blocks[0]!, 7) },
      { kind: 'badge', text: 'T1', ...cellRect(layout, layout.blocks[0]!, 7) },
      { kind: 'ring', style: 'selected', ...cellRect(layout, layout.blocks[0]!, 7) },
    ]);
  });

  it('draws only the visible rows of a 65,536-page area', () => {
    const big = area({ name: 'big', pages: 65536 });
    const l = layoutGrid([{ key: 'big', count: 65536 }], 900);
    const cmds = buildScene(
      sceneContext({ snapshot: snapshot({ areas: [big] }), layout: l, marks: {} }),
      20_000,
      700,
    );
    const n = cmds.filter((c) => c.kind === 'cell').length;
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThanOrEqual((Math.ceil(700 / l.blocks[0]!.cell) + 1) * l.blocks[0]!.cols);
  });

  it('redraws one cell for one page change, and everything when more changed', () => {
    const before = snapshot({ areas: [a] });
    const after = snapshot({
      areas: [area({ name: 'a', pages: 8, bits: { 0: PAGE.MAPPED | PAGE.PRESENT } })],
    });
    expect(changedCells(before, after, 'a')).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(changedCells(before, after, 'a', 2, 4)).toEqual([2, 3]);
    expect(onlyCellsChanged(before, after)).toBe(true);
    const blocked = snapshot({
      areas: [a],
      threads: [thread({ name: 'T', state: 'blocked-fault', address: BASE })],
    });
    expect(onlyCellsChanged(before, blocked)).toBe(false);
    const ctx = sceneContext({ snapshot: after, layout, marks: {} });
    expect(cells(pageCommands(ctx, layout.blocks[0]!, [0]))).toEqual(['present:●']);
  });
});
