// The executor's side of a named thread: a worker_thread running thread-worker.ts, driven through
// shared memory. Workers take a few hundred milliseconds to start (TypeScript is compiled in each),
// so idle ones wait in a process-wide pool and serve session after session.

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { os, ptr } from './os';
import { ProcFile, voluntarySwitches } from './proc';
import * as P from './thread-protocol';

// tsx's ESM API (its exports map: "tsx/esm/api" -> dist/esm/api/index.mjs) compiles the worker's
// TypeScript; its CommonJS twin cannot load from an eval'd worker.
const TSX_API = pathToFileURL(
  join(
    dirname(createRequire(import.meta.url).resolve('tsx/package.json')),
    'dist',
    'esm',
    'api',
    'index.mjs',
  ),
).href;
const BOOT = `
const { workerData } = require('node:worker_threads');
import(workerData.tsx).then(({ tsImport }) => tsImport(workerData.entry, workerData.entry)).catch((e) => {
  const i32 = new Int32Array(workerData.sab);
  Atomics.store(i32, ${P.STATE}, ${P.ThreadState.GONE});
  Atomics.notify(i32, ${P.STATE});
  console.error('executor thread failed to start:', e && e.message);
});
`;

export interface ThreadResult {
  /** The call's return (or -errno); a touch returns 0, or -1 when a signal ended it. */
  readonly ret: bigint;
  readonly status: number;
  readonly value: number;
  readonly siCode: number;
  readonly siAddr: bigint;
}

export class OsThread {
  readonly tid: number;
  private readonly worker: Worker;
  private readonly i32: Int32Array;
  private readonly i64: BigInt64Array;
  private readonly wchanFile: ProcFile;
  private readonly statusFile: ProcFile;
  /** The address of the SEQ slot, for the futex the thread waits on in C. */
  private readonly seqAddr: bigint;

  private constructor(worker: Worker, sab: SharedArrayBuffer) {
    this.worker = worker;
    this.i32 = new Int32Array(sab);
    this.i64 = new BigInt64Array(sab);
    this.seqAddr = ptr(new Uint8Array(sab, P.SEQ * 4, 4));
    this.tid = Atomics.load(this.i32, P.TID);
    const pid = process.pid;
    this.wchanFile = new ProcFile(`/proc/${pid}/task/${this.tid}/wchan`, true);
    this.statusFile = new ProcFile(`/proc/${pid}/task/${this.tid}/status`, true);
    // Opened now, so a pooled thread holds the same fds whatever it has done.
    this.wchanFile.read();
    this.statusFile.read();
  }

  static async spawn(): Promise<OsThread> {
    const sab = new SharedArrayBuffer(P.SLOTS * 8);
    const i32 = new Int32Array(sab);
    const worker = new Worker(BOOT, {
      eval: true,
      workerData: {
        sab,
        tsx: TSX_API,
        entry: new URL('./thread-worker.ts', import.meta.url).href,
      },
    });
    worker.unref();
    worker.on('error', () => Atomics.store(i32, P.STATE, P.ThreadState.GONE));
    for (let waited = 0; Atomics.load(i32, P.STATE) === P.ThreadState.STARTING; waited += 5) {
      if (waited > 30_000) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    if (Atomics.load(i32, P.STATE) !== P.ThreadState.IDLE) {
      await worker.terminate();
      throw new Error('an executor thread did not start');
    }
    return new OsThread(worker, sab);
  }

  get state(): number {
    return Atomics.load(this.i32, P.STATE);
  }

  get busy(): boolean {
    return this.state === P.ThreadState.BUSY;
  }

  /** Starts a command; when it finishes the thread writes to `notify` (an eventfd) if given. */
  post(cmd: P.CmdName, args: readonly bigint[], notify = -1): void {
    if (this.busy) throw new Error(`thread ${this.tid} is busy`);
    Atomics.store(this.i32, P.NOTIFY, notify);
    this.i64[P.CMD] = P.Cmd[cmd];
    args.forEach((a, i) => (this.i64[P.ARG + i] = a));
    Atomics.store(this.i32, P.STATE, P.ThreadState.BUSY);
    this.wake();
  }

  /** Moves SEQ on and wakes the thread, waiting in C (a futex) or in JavaScript (Atomics.wait). */
  private wake(): void {
    Atomics.add(this.i32, P.SEQ, 1);
    os.futexWake(this.seqAddr);
    Atomics.notify(this.i32, P.SEQ);
  }

  /**
   * Tells the thread to leave its command loop as soon as it is waiting for a command: at process
   * exit Node waits for its worker threads, and one waiting in C would never return.
   */
  requestQuit(): void {
    this.i64[P.QUIT] = 1n;
    this.wake();
  }

  result(): ThreadResult {
    const i = this.i64;
    return {
      ret: i[P.RET]!,
      status: Number(i[P.OUT_STATUS]),
      value: Number(i[P.OUT_VALUE]),
      siCode: Number(i[P.OUT_CODE]),
      siAddr: BigInt.asUintN(64, i[P.OUT_ADDR]!),
    };
  }

  /** The address a touch is accessing now (0 when none). */
  progress(): bigint {
    return BigInt.asUintN(64, this.i64[P.PROGRESS]!);
  }

  wchan(): string | undefined {
    return this.wchanFile.read();
  }

  switches(): number | undefined {
    return voluntarySwitches(this.statusFile.read());
  }

  /** Ends the worker; only when it is not inside a call (close the uffds first). */
  async quit(): Promise<void> {
    live.delete(this);
    if (!this.busy && this.state !== P.ThreadState.GONE) this.post('QUIT', []);
    // Inside a call: it leaves its loop when the call returns.
    else this.requestQuit();
    this.wchanFile.close();
    this.statusFile.close();
    await this.worker.terminate();
  }
}

const idle: OsThread[] = [];
/** Every thread not yet quit, pooled or in use. */
const live = new Set<OsThread>();

/** A thread ready for commands, from the pool or new. */
export async function acquireThread(): Promise<OsThread> {
  const t = idle.pop() ?? (await OsThread.spawn());
  if (!hooked) process.once('exit', quitAll);
  hooked = true;
  live.add(t);
  return t;
}
let hooked = false;

/** At exit: every thread leaves its command loop once it is waiting for a command. */
function quitAll(): void {
  for (const t of live) t.requestQuit();
  live.clear();
}

/** Back to the pool when it is idle; a thread still inside a call is left to finish and dropped. */
export function releaseThread(t: OsThread): void {
  if (t.busy || t.state === P.ThreadState.GONE) {
    void t.quit().catch(() => undefined);
    return;
  }
  idle.push(t);
}

/** Ends every pooled thread (for a clean exit). */
export async function drainThreadPool(): Promise<void> {
  await Promise.all(idle.splice(0).map((t) => t.quit()));
}
