// The agent on loopback: one operation's round trip over the WebSocket from a page process (and the
// executor alone, for comparison), and a long loop of fault cycles (touch → read → UFFDIO_COPY) run
// agent-side in one request, against the same loop sent one request per operation.

import { spawn } from 'node:child_process';
import { newToken } from '../src/node/agent/auth';
import { createKernelSession, disposeAllSessions } from '../src/node/agent/kernel';
import {
  DEFAULT_HARD_MAX_PAYLOAD,
  DEFAULT_LIMITS,
  DEFAULT_MAX_UNREAD_BYTES,
  startAgent,
} from '../src/node/agent/server';
import {
  BATCH_CYCLES,
  ONE_BY_ONE_CYCLES,
  POLL,
  ROUND_TRIPS,
  SETUP,
  timeEach,
  type PageFigures,
} from './agent-page';
import { C_PAGES, cLoop, hasCompiler } from './c-loop';
import type { BenchModule, Figure } from './report';

const quantile = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

/** Runs the page's side in a process of its own and returns what it measured. */
function runPage(url: string, token: string): Promise<PageFigures> {
  const page = new URL('./agent-page.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, ['--import', 'tsx', page, url, token], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  return new Promise((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as PageFigures)
        : reject(new Error(`the page process exited with ${code}`)),
    ),
  );
}

const agentBench: BenchModule = {
  name: 'agent: the real kernel over a WebSocket on loopback',
  async unavailable() {
    if (process.platform !== 'linux') return 'the agent runs on Linux only';
    const x = await createKernelSession();
    const r = await x.run(SETUP[1]!);
    await x.dispose();
    return r.ret < 0 ? `no userfaultfd here (${r.usageError?.message ?? `errno ${r.errno}`})` : undefined;
  },
  async run(): Promise<Figure[]> {
    const token = newToken();
    const agent = await startAgent({
      host: '127.0.0.1',
      port: 0,
      token,
      origins: [],
      limits: DEFAULT_LIMITS,
      maxSessions: 2,
      hardMaxPayload: DEFAULT_HARD_MAX_PAYLOAD,
      maxUnreadBytes: DEFAULT_MAX_UNREAD_BYTES,
      createBackend: () => createKernelSession(),
      doctor: () => Promise.reject(new Error('not in the benchmark')),
      log: () => {},
    });
    try {
      const page = await runPage(agent.url, token);
      if (page.batchFailures) throw new Error(`${page.batchFailures} operations of the batch failed`);
      const direct = await createKernelSession();
      await direct.runBatch(SETUP);
      const alone = await timeEach(ROUND_TRIPS, () => direct.run(POLL));
      await direct.dispose();

      const c = hasCompiler() ? cLoop().plain : undefined;

      const rt = page.roundTrips;
      const batchRate = BATCH_CYCLES / page.batchSeconds;
      const oneByOneRate = ONE_BY_ONE_CYCLES / page.oneByOneSeconds;
      const under1ms = { value: 1, better: 'lower' } as const;
      return [
        {
          what: `poll round trip, page process to agent, median of ${ROUND_TRIPS}`,
          value: quantile(rt, 0.5),
          unit: 'ms',
          target: under1ms,
        },
        { what: 'poll round trip, p99', value: quantile(rt, 0.99), unit: 'ms', target: under1ms },
        { what: 'the same poll on the executor alone, median', value: quantile(alone, 0.5), unit: 'ms' },
        {
          what: `${BATCH_CYCLES} fault cycles (touch, read, COPY) in one request`,
          value: batchRate,
          unit: 'cycles/s',
          ...(c !== undefined && { target: { value: c / 2, better: 'higher' as const } }),
        },
        c === undefined
          ? { what: 'the plain C loop: not measured (no C compiler, cc)', value: 0, unit: 'faults/s' }
          : { what: `the plain C loop, ${C_PAGES} pages (median of 3)`, value: c, unit: 'faults/s' },
        ...(c === undefined
          ? []
          : [
              {
                what: 'the request of fault cycles / the C loop',
                value: batchRate / c,
                unit: '×',
                target: { value: 0.5, better: 'higher' as const },
              },
            ]),
        {
          what: `${ONE_BY_ONE_CYCLES} fault cycles, one request per operation`,
          value: oneByOneRate,
          unit: 'cycles/s',
        },
        {
          what: 'the loop in one request against one request per operation',
          value: batchRate / oneByOneRate,
          unit: '×',
        },
      ];
    } finally {
      await agent.close();
      await disposeAllSessions();
    }
  },
};

export default agentBench;
