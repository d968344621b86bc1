// The UI's figures, measured in Debian's Chromium through Playwright against the built app served by
// `vite preview` on localhost: the cold load's time to interactive, what it downloads, and the page
// grid's redraw after a change on a 65,536-page area (the canvas work the grid itself times, and the
// whole update from the click to the next frame). Plus the drawing model alone in Node.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from '@playwright/test';
import { layoutGrid } from '../src/browser/grid/layout';
import { buildScene, changedCells, sceneContext } from '../src/browser/grid/scene';
import { PAGE } from '../src/portable/model/snapshot';
import { area, snapshot } from '../src/portable/testing/fixtures';
import type { BenchModule, Figure } from './report';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PORT = 4183;
const URL = `http://127.0.0.1:${PORT}/`;
const PAGES = 65536;
const RUNS = 5;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function serve(): Promise<ChildProcess> {
  // vite itself, not through npx: killing npx would leave vite running.
  const vite = ['node_modules/vite/bin/vite.js', 'preview', '--port', String(PORT), '--strictPort'];
  const server = spawn(process.execPath, vite, { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(URL)).ok) return server;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  server.kill();
  throw new Error(`vite preview did not answer on ${URL}`);
}

/** The initial download: what the page fetched before it was interactive, and what stays lazy. */
function bundleFigures(loaded: readonly string[]): Figure[] {
  const dir = 'dist/assets';
  const files = readdirSync(dir).filter((f) => /\.(js|css)$/.test(f));
  const size = (f: string) => statSync(join(dir, f)).size;
  const gz = (f: string) => gzipSync(readFileSync(join(dir, f))).length;
  const initial = files.filter((f) => loaded.some((u) => u.endsWith(f)));
  const lazy = files.filter((f) => !initial.includes(f));
  const terminal = lazy.filter((f) => f.startsWith('Terminal-'));
  const scenarios = lazy.filter((f) => !terminal.includes(f));
  const sum = (fs: string[], m: (f: string) => number) => fs.reduce((n, f) => n + m(f), 0) / 1024;
  return [
    { what: 'first load, JS+CSS (gzip)', value: sum(initial, gz), unit: 'KiB' },
    { what: 'first load, JS+CSS (raw)', value: sum(initial, size), unit: 'KiB' },
    { what: 'loaded when the console opens: xterm (gzip)', value: sum(terminal, gz), unit: 'KiB' },
    {
      what: `loaded when the library opens: ${scenarios.length} scenario files (gzip)`,
      value: sum(scenarios, gz),
      unit: 'KiB',
    },
  ];
}

async function ready(page: Page): Promise<void> {
  await page.waitForSelector('html[data-ready="true"]', { state: 'attached' });
}

async function timeToInteractive(
  browser: Awaited<ReturnType<typeof chromium.launch>>,
): Promise<{ tti: number[]; loaded: string[] }> {
  const tti: number[] = [];
  let loaded: string[] = [];
  for (let i = 0; i < RUNS; i++) {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(URL);
    await ready(page);
    tti.push(await page.evaluate(() => performance.getEntriesByName('app.interactive')[0]!.startTime));
    loaded = await page.evaluate(() => performance.getEntriesByType('resource').map((r) => r.name));
    await ctx.close();
  }
  return { tti, loaded };
}

interface Step {
  /** Click to the second frame after it. */
  readonly total: number;
  /** The engine's part. */
  readonly engine: number;
  /** Canvas work in that time: redraws of changed cells only, and full redraws of the view. */
  readonly cells: number;
  readonly full: number;
}

/** Waits two frames: the one React commits in, and the one the canvas was drawn for. */
const twoFrames = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<number>((r) =>
        requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))),
      ),
  );

async function measured(page: Page, act: () => Promise<void>): Promise<Step> {
  const t = await page.evaluate(() => {
    performance.clearMeasures('grid.draw');
    performance.clearMeasures('session.run');
    return performance.now();
  });
  await act();
  const done = await twoFrames(page);
  // No named functions inside: tsx would wrap them in a helper the page does not have.
  const draws = await page.evaluate(() =>
    (performance.getEntriesByName('grid.draw') as PerformanceMeasure[]).map((m) => [
      m.duration,
      m.detail?.full ? 1 : 0,
    ]),
  );
  const engine = await page.evaluate(() =>
    performance.getEntriesByName('session.run').reduce((n, m) => n + m.duration, 0),
  );
  const sum = (full: number) => draws.filter((d) => d[1] === full).reduce((n, d) => n + d[0]!, 0);
  return { total: done - t, engine, cells: sum(0), full: sum(1) };
}

/** Maps a 65,536-page area; times one-page changes, whole-area changes and full redraws. */
async function gridRedraw(browser: Awaited<ReturnType<typeof chromium.launch>>): Promise<Figure[]> {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(URL);
  await ready(page);
  // The click is made in the page, so Playwright's own checks before a click are not counted.
  const run = async (call: string, fields: Record<string, string>) => {
    await page.getByTestId('monitor.call').selectOption(call);
    for (const [k, v] of Object.entries(fields)) await page.getByTestId(`monitor.field.${k}`).fill(v);
    return measured(page, () =>
      page.getByTestId('monitor.submit').evaluate((b) => (b as HTMLButtonElement).click()),
    );
  };
  await run('mmap', { as: 'a', len: `${PAGES}p` });
  const one: Step[] = [];
  for (let i = 0; i < RUNS; i++)
    one.push(await run('touch', { thread: 'T', addr: `a+${i * 7}p`, len: '1', value: '0x42' }));
  const scroll: Step[] = [];
  for (let i = 0; i < RUNS; i++) {
    scroll.push(
      await measured(page, () =>
        page.getByTestId('grid.scroll').evaluate((el, y) => void (el.scrollTop = y), 2000 + i * 3000),
      ),
    );
  }
  const all: Step[] = [];
  for (let i = 0; i < RUNS; i++)
    all.push(await run('touch', { thread: 'W', addr: 'a', len: `${PAGES}p`, value: `${i + 1}` }));
  await page.close();
  const frame = { value: 16, better: 'lower' as const };
  const m = (xs: Step[], k: keyof Step) => median(xs.map((x) => x[k]));
  return [
    {
      what: `grid: redraw of the cells a one-page change touched, ${PAGES}-page area (median)`,
      value: m(one, 'cells'),
      unit: 'ms',
      target: frame,
    },
    {
      what: `grid: redraw of the visible cells after all ${PAGES} pages changed (median)`,
      value: m(all, 'cells'),
      unit: 'ms',
      target: frame,
    },
    {
      what: 'grid: full redraw of the view after a scroll (median)',
      value: m(scroll, 'full'),
      unit: 'ms',
      target: frame,
    },
    { what: 'one-page change, click to painted frame (median)', value: m(one, 'total'), unit: 'ms' },
    {
      what: '  of which the simulator ran it and built its snapshot (median)',
      value: m(one, 'engine'),
      unit: 'ms',
    },
    { what: 'whole-area change, click to painted frame (median)', value: m(all, 'total'), unit: 'ms' },
    { what: '  of which the simulator (median)', value: m(all, 'engine'), unit: 'ms' },
  ];
}

/** The drawing model without a canvas: the scene of a viewport and the cells one change touches. */
function modelFigures(): Figure[] {
  const bits: Record<number, number> = {};
  const big = area({ name: 'a', pages: PAGES, bits });
  const after = area({ name: 'a', pages: PAGES, bits: { 1234: PAGE.MAPPED | PAGE.PRESENT } });
  const layout = layoutGrid([{ key: 'a', count: PAGES }], 900);
  const time = (f: () => void) => {
    const xs: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      f();
      xs.push(performance.now() - t);
    }
    return median(xs);
  };
  return [
    {
      what: 'drawing model: scene of a 900×700 viewport (Node)',
      value: time(() =>
        buildScene(sceneContext({ snapshot: snapshot({ areas: [after] }), layout, marks: {} }), 10_000, 700),
      ),
      unit: 'ms',
    },
    {
      what: `drawing model: changed cells of a ${PAGES}-page area (Node)`,
      value: time(() => changedCells(snapshot({ areas: [big] }), snapshot({ areas: [after] }), 'a')),
      unit: 'ms',
    },
  ];
}

const bench: BenchModule = {
  name: 'ui: the built app in Chromium',
  async unavailable() {
    if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`;
    return undefined;
  },
  async run() {
    const build = spawnSync(
      process.execPath,
      ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'error'],
      {
        stdio: 'inherit',
      },
    );
    if (build.status !== 0) throw new Error('vite build failed');
    const server = await serve();
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const { tti, loaded } = await timeToInteractive(browser);
      return [
        {
          what: `time to interactive, cold load on localhost (median of ${RUNS})`,
          value: median(tti),
          unit: 'ms',
          target: { value: 1000, better: 'lower' },
        },
        ...bundleFigures(loaded),
        ...(await gridRedraw(browser)),
        ...modelFigures(),
      ];
    } finally {
      await browser.close();
      server.kill();
    }
  },
};

export default bench;
