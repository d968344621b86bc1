// The page's side of bench/agent.ts, in a process of its own as a browser tab would be:
//   node --import tsx bench/agent-page.ts URL TOKEN
// runs the measured requests against the agent and prints what it measured as one JSON line.

import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import type { Operation } from '../src/portable/model/operation';
import { AgentClient } from '../src/portable/protocol/client';
import { faultCycles, faultSetup } from '../src/node/agent/fault-loop';

export const PAGES = 16;
export const ROUND_TRIPS = 2_000;
export const BATCH_CYCLES = 10_000;
export const ONE_BY_ONE_CYCLES = 500;

export const SETUP = faultSetup(PAGES);

export const POLL: Operation = { op: 'poll', fd: 'uffd' };

/** Each call's duration in ms, sorted, after a warm-up. */
export async function timeEach(times: number, f: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 100; i++) await f();
  const out: number[] = [];
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    await f();
    out.push(performance.now() - t0);
  }
  return out.sort((a, b) => a - b);
}

export interface PageFigures {
  readonly roundTrips: readonly number[];
  readonly batchSeconds: number;
  readonly batchFailures: number;
  readonly oneByOneSeconds: number;
}

async function page(url: string, token: string): Promise<PageFigures> {
  // The executor takes its time over a long loop: give the batch's reply all it needs.
  const client = await AgentClient.connect({ url, token, WebSocket, timeoutMs: 30 * 60_000 });
  await client.runBatch(SETUP);
  const roundTrips = await timeEach(ROUND_TRIPS, () => client.run(POLL));
  let t0 = performance.now();
  const { summary } = await client.batch(faultCycles(PAGES, BATCH_CYCLES), 'last');
  const batchSeconds = (performance.now() - t0) / 1000;
  t0 = performance.now();
  for (const op of faultCycles(PAGES, ONE_BY_ONE_CYCLES)) await client.run(op);
  const oneByOneSeconds = (performance.now() - t0) / 1000;
  await client.dispose();
  return { roundTrips, batchSeconds, batchFailures: summary.errnos + summary.usageErrors, oneByOneSeconds };
}

if (process.argv[1] === import.meta.filename) {
  const [url, token] = process.argv.slice(2);
  if (!url || !token) {
    console.error('usage: node --import tsx bench/agent-page.ts URL TOKEN');
    process.exit(2);
  }
  console.log(JSON.stringify(await page(url, token)));
}
