// Every page of every area on one canvas. The canvas is the size of the viewport and sticks to the
// top of a scrolling box as tall as the whole grid: only visible rows are drawn, and after a change
// that only touched pages, only their cells. Area headers are HTML, over the canvas.

import { useCallback, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Snapshot } from '../../portable/model/snapshot';
import { useActions, useSession, useSnapshot, useUi } from '../state/context';
import { AreaHeader } from './AreaHeader';
import { hitTest, layoutGrid, movePage, visiblePages, type GridArea, type GridLayout } from './layout';
import { describePage, pageInfo } from './page-info';
import { Painter, paletteFromCss } from './paint';
import {
  areaKey,
  buildScene,
  changedCells,
  onlyCellsChanged,
  pageCommands,
  sceneContext,
  shownAreas,
  type GridMarks,
  type PageMark,
} from './scene';
import { PageCard } from './PageCard';

interface Drawn {
  snapshot: Snapshot;
  layout: GridLayout;
  marks: GridMarks;
  top: number;
  height: number;
  theme: string;
}

/** The areas' keys and sizes as one string, so the layout is recomputed only when they change. */
function shapeOf(s: Snapshot): string {
  return shownAreas(s)
    .map((a) => `${areaKey(a)} ${a.pages.length}`)
    .join('\n');
}

function areasOfShape(shape: string): GridArea[] {
  if (!shape) return [];
  return shape.split('\n').map((line) => {
    const [key, count] = line.split(' ');
    return { key: key!, count: Number(count) };
  });
}

const sameMark = (a?: PageMark, b?: PageMark) => a?.key === b?.key && a?.page === b?.page;

function useViewport(ref: React.RefObject<HTMLDivElement | null>) {
  const [size, setSize] = useState({ width: 800, height: 400 });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setSize({ width: el.clientWidth, height: el.clientHeight });
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return size;
}

/** Draws what changed since the last frame: one cell per changed page when nothing else moved. */
function draw(canvas: HTMLCanvasElement, painter: Painter, now: Drawn, last: Drawn | undefined): void {
  const g = canvas.getContext('2d');
  if (!g) return;
  const t0 = performance.now();
  const dpr = window.devicePixelRatio || 1;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  const scene = sceneContext({ snapshot: now.snapshot, layout: now.layout, marks: now.marks });
  const full =
    !last ||
    last.layout !== now.layout ||
    last.top !== now.top ||
    last.height !== now.height ||
    last.theme !== now.theme ||
    !onlyCellsChanged(last.snapshot, now.snapshot);
  let cells = 0;
  if (full) {
    g.fillStyle = getComputedStyle(canvas).getPropertyValue('--grid-bg') || '#fff';
    g.fillRect(0, 0, canvas.width, canvas.height);
    const cmds = buildScene(scene, now.top, now.height);
    cells = cmds.length;
    painter.paint(g, cmds, now.top);
  } else {
    for (const b of now.layout.blocks) {
      const [from, to] = visiblePages(b, now.top, now.height);
      const pages = new Set(changedCells(last.snapshot, now.snapshot, b.key, from, to) ?? []);
      for (const m of [last.marks.hover, last.marks.selected, now.marks.hover, now.marks.selected]) {
        if (m?.key === b.key && m.page >= from && m.page < to) pages.add(m.page);
      }
      const visible = [...pages];
      if (!visible.length) continue;
      const cmds = pageCommands(scene, b, visible);
      cells += cmds.length;
      painter.paint(g, cmds, now.top);
    }
  }
  // The benchmark reads these: how long each redraw took, and how much it drew.
  performance.measure('grid.draw', { start: t0, detail: { full, commands: cells } });
}

export function PageGrid() {
  const snapshot = useSnapshot();
  const selection = useSession((s) => s.selection);
  const actions = useActions();
  const zoom = useUi((s) => s.zoom);
  const theme = useUi((s) => s.theme);
  const scrollRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const painterRef = useRef<Painter | null>(null);
  const drawnRef = useRef<Drawn | undefined>(undefined);
  const [top, setTop] = useState(0);
  const [hover, setHover] = useState<(PageMark & { x: number; y: number }) | undefined>();
  const { width, height } = useViewport(scrollRef);

  const areas = shownAreas(snapshot);
  const shape = shapeOf(snapshot);
  const layout = useMemo(() => layoutGrid(areasOfShape(shape), width, zoom), [shape, width, zoom]);
  const selected = selection ? { key: selection.area, page: selection.page } : undefined;
  const hoverMark = hover ? { key: hover.key, page: hover.page } : undefined;

  useLayoutEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(width * dpr);
    const h = Math.round(height * dpr);
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
      drawnRef.current = undefined;
    }
    if (!painterRef.current) painterRef.current = new Painter(paletteFromCss(canvas), dpr);
    if (drawnRef.current?.theme !== theme) painterRef.current.setPalette(paletteFromCss(canvas));
    const last = drawnRef.current;
    const marks: GridMarks = {
      ...(selected ? { selected } : {}),
      ...(hoverMark ? { hover: hoverMark } : {}),
    };
    const now: Drawn = { snapshot, layout, marks, top, height, theme };
    if (
      last &&
      last.snapshot === snapshot &&
      last.layout === layout &&
      last.top === top &&
      sameMark(last.marks.hover, hoverMark) &&
      sameMark(last.marks.selected, selected) &&
      last.theme === theme &&
      last.height === height
    )
      return;
    draw(canvas, painterRef.current, now, last);
    drawnRef.current = now;
  });

  const onScroll = useCallback(() => {
    const el = scrollRef.current;
    if (el) requestAnimationFrame(() => setTop(el.scrollTop));
  }, []);

  const pointAt = (e: React.MouseEvent) => {
    const rect = canvasRef.current!.getBoundingClientRect();
    return hitTest(layout, e.clientX - rect.left, e.clientY - rect.top + top);
  };

  const onMove = (e: React.MouseEvent) => {
    const hit = pointAt(e);
    if (!hit) return setHover(undefined);
    if (hit.key !== hover?.key || hit.page !== hover.page || Math.abs(e.clientX - hover.x) > 40) {
      setHover({ ...hit, x: e.clientX, y: e.clientY });
    }
  };

  const onClick = (e: React.MouseEvent) => {
    const hit = pointAt(e);
    if (hit) actions.select({ area: hit.key, page: hit.page });
  };

  const onKey = (e: React.KeyboardEvent) => {
    const keys: Record<string, 'left' | 'right' | 'up' | 'down'> = {
      ArrowLeft: 'left',
      ArrowRight: 'right',
      ArrowUp: 'up',
      ArrowDown: 'down',
    };
    const dir = keys[e.key];
    const first = layout.blocks[0];
    if (!dir || !first) return;
    e.preventDefault();
    const b = layout.blocks.find((k) => k.key === selection?.area) ?? first;
    const page = selection && b.key === selection.area ? movePage(b, selection.page, dir) : 0;
    actions.select({ area: b.key, page });
    // Keep the selected row in view.
    const el = scrollRef.current;
    const y = b.cellsTop + Math.floor(page / b.cols) * b.cell;
    if (el && (y < el.scrollTop || y + b.cell > el.scrollTop + el.clientHeight)) {
      el.scrollTop = y - el.clientHeight / 2;
    }
  };

  const selectedInfo = selection ? pageInfo(snapshot, selection.area, selection.page) : undefined;
  const hoverInfo = hover ? pageInfo(snapshot, hover.key, hover.page) : undefined;
  const spacer = Math.max(0, layout.height - height);

  return (
    <div className="grid-wrap">
      <div className="grid-scroll" ref={scrollRef} onScroll={onScroll} data-testid="grid.scroll">
        <div className="grid-content" style={{ height: Math.max(layout.height, height) }}>
          <canvas
            ref={canvasRef}
            className="grid-canvas"
            style={{ width, height }}
            tabIndex={0}
            role="application"
            aria-roledescription="page grid"
            aria-label={
              areas.length
                ? 'Pages of every area. Arrow keys move the selected page; it becomes the target of the next operation.'
                : 'No areas mapped yet'
            }
            aria-describedby="grid-selected"
            data-testid="grid.canvas"
            onMouseMove={onMove}
            onMouseLeave={() => setHover(undefined)}
            onClick={onClick}
            onKeyDown={onKey}
          />
          <div style={{ height: spacer }} />
          {layout.blocks.map((b) => {
            const area = areas.find((a) => areaKey(a) === b.key);
            return area ? (
              <AreaHeader key={b.key} area={area} block={b} layout={layout} snapshot={snapshot} />
            ) : null;
          })}
        </div>
        {areas.length === 0 && (
          <p className="grid-empty dim" data-testid="grid.empty">
            No memory mapped yet: map an area with <code>mmap</code> in the monitor, or type{' '}
            <code>a = mmap(4p, anon)</code> in the console.
          </p>
        )}
      </div>
      <p id="grid-selected" className="grid-selected" data-testid="grid.inspector" aria-live="polite">
        {selectedInfo ? (
          <>
            <strong>Target:</strong> {describePage(selectedInfo)}
          </>
        ) : (
          <span className="dim">
            Click a page (or use the arrow keys) to make it the target of the next operation.
          </span>
        )}
      </p>
      {hoverInfo && hover && <PageCard info={hoverInfo} x={hover.x} y={hover.y} />}
    </div>
  );
}
