// The playground's state: a zustand store with no React in it. The session is its timeline (the
// operations, their cached results, the cursor); the engine lives outside the state, in the runner,
// and every action that touches it goes through one queue so they never interleave.

import { createStore, type StoreApi } from 'zustand/vanilla';
import type { BackendInfo } from '../../portable/model/backend';
import type { Operation } from '../../portable/model/operation';
import type { Result } from '../../portable/model/result';
import type { Snapshot } from '../../portable/model/snapshot';
import { nextMonitorStep } from '../session/auto-monitor';
import { emptySnapshot, type EngineFactory } from '../session/engine';
import { Runner } from '../session/runner';
import {
  EMPTY_TIMELINE,
  currentResult,
  insertAtCursor,
  removeEntry,
  stripStep,
  type Entry,
  type Timeline,
} from '../session/timeline';

export interface ScenarioRef {
  readonly id: string;
  readonly title: string;
}

export interface PageRef {
  readonly area: string;
  readonly page: number;
}

/** Who asked for an operation: the console echoes the others' as commands. */
export type Source = 'form' | 'console' | 'auto' | 'thread' | 'step';

export type TranscriptEvent =
  | { readonly kind: 'run'; readonly index: number; readonly result: Result; readonly source: Source }
  | { readonly kind: 'rejected'; readonly result: Result; readonly source: Source }
  | { readonly kind: 'moved'; readonly cursor: number; readonly total: number }
  | { readonly kind: 'note'; readonly text: string };

/** What survives a reload and travels in a shared link. */
export interface SavedSession {
  readonly v: 1;
  readonly kernel: string;
  readonly entries: readonly Entry[];
  readonly cursor: number;
  readonly scenario?: ScenarioRef;
  readonly extraThreads?: readonly string[];
}

export interface Actions {
  /** Runs an operation at the cursor. One that never reached the kernel (a usage error) is not kept. */
  perform(op: Operation, source: Source): Promise<Result>;
  stepForward(): Promise<void>;
  stepBack(): void;
  goTo(step: number): Promise<void>;
  play(): void;
  pause(): void;
  setSpeed(stepsPerSecond: number): void;
  newSession(): Promise<void>;
  setKernel(version: string): Promise<void>;
  /** Runs the session on another engine (the simulator, or the real kernel through the agent), replaying it there. */
  setEngine(factory: EngineFactory, kernel: string): Promise<void>;
  loadScenario(ref: ScenarioRef, steps: readonly (Operation & { say?: string })[]): Promise<void>;
  restore(saved: SavedSession): Promise<void>;
  select(page: PageRef | undefined): void;
  addThread(name: string): void;
  /** One step of the auto monitor; undefined when it has nothing to do. */
  autoStep(): Promise<Result | undefined>;
  setAutoMonitor(on: boolean): void;
  dispose(): Promise<void>;
}

export interface PlaygroundState extends Timeline {
  readonly kernel: string;
  readonly info: BackendInfo;
  /** The state before the first operation. */
  readonly initial: Snapshot;
  readonly scenario?: ScenarioRef;
  readonly selection?: PageRef;
  /** Threads added by hand that have not done anything yet. */
  readonly extraThreads: readonly string[];
  /** The last operation that was not kept, with its error, until the next one. */
  readonly rejected?: Result;
  /** The monitor resolves every fault after each operation. */
  readonly autoMonitor: boolean;
  readonly playing: boolean;
  readonly speed: number;
  readonly busy: boolean;
  readonly actions: Actions;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface PlaygroundDeps {
  readonly createEngine: EngineFactory;
  readonly kernel: string;
  readonly timers?: Timers;
}

/** How many monitor steps one user operation may trigger in continuous mode. */
export const AUTO_LIMIT = 64;

export interface Playground {
  readonly store: StoreApi<PlaygroundState>;
  /** The console's feed: everything that runs or is refused, as it happens. */
  onTranscript(listener: (e: TranscriptEvent) => void): () => void;
}

export function snapshotOf(s: Pick<PlaygroundState, 'initial' | 'results' | 'cursor'>): Snapshot {
  return currentResult(s)?.snapshot ?? s.initial;
}

export function savedSession(s: PlaygroundState): SavedSession {
  return {
    v: 1,
    kernel: s.kernel,
    entries: s.entries,
    cursor: s.cursor,
    ...(s.scenario ? { scenario: s.scenario } : {}),
    ...(s.extraThreads.length ? { extraThreads: s.extraThreads } : {}),
  };
}

export function createPlayground(deps: PlaygroundDeps): Playground {
  const timers: Timers = deps.timers ?? {
    setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
    clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
  };
  const runner = new Runner(deps.createEngine, deps.kernel);
  const listeners = new Set<(e: TranscriptEvent) => void>();
  const emit = (e: TranscriptEvent) => listeners.forEach((l) => l(e));
  let chain: Promise<unknown> = Promise.resolve();
  let playTimer: unknown;

  /** Runs engine work one piece at a time, with `busy` set while it does. */
  function queue<T>(work: () => Promise<T>): Promise<T> {
    const next = chain.then(async () => {
      store.setState({ busy: true });
      try {
        return await work();
      } finally {
        store.setState({ busy: false });
      }
    });
    chain = next.catch(() => undefined);
    return next;
  }

  /** An engine that failed (the agent went away, timed out): a result that says so, and nothing kept. */
  function engineFailure(op: Operation, e: unknown): Result {
    runner.invalidate();
    const message = e instanceof Error ? e.message : String(e);
    return { op, call: op.op, ret: -1, usageError: { message }, snapshot: snapshotOf(store.getState()) };
  }

  /** Runs entries[index] (the cursor must be there) and stores its result and any replayed ones. */
  async function runEntry(t: Timeline, index: number): Promise<{ timeline: Timeline; result: Result }> {
    let ran: Awaited<ReturnType<Runner['runAt']>>;
    const t0 = performance.now();
    try {
      ran = await runner.runAt(t.entries, index);
      // The benchmark reads this: the engine's share of an operation's time.
      performance.measure('session.run', { start: t0 });
    } catch (e) {
      const result = engineFailure(t.entries[index]!.op, e);
      return { timeline: { entries: t.entries, results: t.results, cursor: index + 1 }, result };
    }
    const { replayed, result } = ran;
    const results = [...t.results];
    replayed?.forEach((r, i) => (results[i] = r));
    results[index] = result;
    return { timeline: { entries: t.entries, results, cursor: index + 1 }, result };
  }

  async function performNow(op: Operation, source: Source): Promise<Result> {
    const s = store.getState();
    const index = s.cursor;
    const inserted = insertAtCursor(s, { op });
    const { timeline, result } = await runEntry(inserted, index);
    if (result.usageError) {
      if (runner.synchronous) runner.invalidate();
      const back = removeEntry(timeline, index);
      store.setState({ ...back, cursor: index, rejected: result });
      emit({ kind: 'rejected', result, source });
      return result;
    }
    store.setState({ ...timeline, rejected: undefined });
    emit({ kind: 'run', index, result, source });
    return result;
  }

  async function autoNow(): Promise<Result | undefined> {
    const op = nextMonitorStep(snapshotOf(store.getState()));
    return op ? performNow(op, 'auto') : undefined;
  }

  async function stepNow(): Promise<boolean> {
    const s = store.getState();
    if (s.cursor >= s.entries.length) return false;
    if (s.results[s.cursor]) {
      store.setState({ cursor: s.cursor + 1, rejected: undefined });
    } else {
      const { timeline, result } = await runEntry(s, s.cursor);
      if (result.usageError && timeline.results[s.cursor] !== result) {
        store.setState({ rejected: result });
        emit({ kind: 'rejected', result, source: 'step' });
        return false;
      }
      store.setState({ ...timeline, rejected: undefined });
      emit({ kind: 'run', index: s.cursor, result, source: 'step' });
    }
    return true;
  }

  function moved() {
    const s = store.getState();
    emit({ kind: 'moved', cursor: s.cursor, total: s.entries.length });
  }

  async function replayAll(kernel: string, t: Timeline, factory?: EngineFactory): Promise<void> {
    if (factory || kernel !== store.getState().kernel || runner.info().kernelVersion !== kernel) {
      await runner.switchEngine(kernel, factory);
    }
    const info = runner.info();
    let results: Result[] = [];
    let cursor = t.cursor;
    let initial = emptySnapshot(info);
    try {
      await runner.replay([], 0);
      initial = runner.initial();
      results = await runner.replay(t.entries, t.cursor);
    } catch (e) {
      cursor = 0;
      runner.invalidate();
      emit({
        kind: 'note',
        text: `the session could not be replayed: ${e instanceof Error ? e.message : String(e)}`,
      });
    }
    store.setState({ kernel, info, initial, entries: t.entries, results, cursor });
  }

  function schedulePlay() {
    const s = store.getState();
    playTimer = timers.setTimeout(() => {
      void queue(stepNow).then((more) => {
        if (!store.getState().playing) return;
        if (more && store.getState().cursor < store.getState().entries.length) schedulePlay();
        else store.setState({ playing: false });
      });
    }, 1000 / s.speed);
  }

  const actions: Actions = {
    perform: (op, source) =>
      queue(async () => {
        const result = await performNow(op, source);
        if (store.getState().autoMonitor && !result.usageError) {
          for (let i = 0; i < AUTO_LIMIT && (await autoNow()); i++);
        }
        return result;
      }),
    stepForward: () => queue(async () => void ((await stepNow()) && moved())),
    stepBack() {
      const s = store.getState();
      if (s.cursor === 0) return;
      store.setState({ cursor: s.cursor - 1, rejected: undefined });
      moved();
    },
    goTo: (step) =>
      queue(async () => {
        const s = store.getState();
        const target = Math.max(0, Math.min(step, s.entries.length));
        if (target <= s.cursor) store.setState({ cursor: target, rejected: undefined });
        while (store.getState().cursor < target && (await stepNow()));
        moved();
      }),
    play() {
      const s = store.getState();
      if (s.playing || s.cursor >= s.entries.length) return;
      store.setState({ playing: true });
      schedulePlay();
    },
    pause() {
      if (playTimer !== undefined) timers.clearTimeout(playTimer);
      playTimer = undefined;
      store.setState({ playing: false });
    },
    setSpeed: (speed) => store.setState({ speed: Math.max(0.25, Math.min(speed, 20)) }),
    newSession: () =>
      queue(async () => {
        actions.pause();
        await replayAll(store.getState().kernel, EMPTY_TIMELINE);
        store.setState({ scenario: undefined, selection: undefined, extraThreads: [], rejected: undefined });
        emit({ kind: 'note', text: 'new session' });
      }),
    setKernel: (version) =>
      queue(async () => {
        const s = store.getState();
        await replayAll(version, { entries: s.entries, results: [], cursor: s.cursor });
        emit({ kind: 'note', text: `kernel profile ${version}: the session replayed on it` });
      }),
    setEngine: (factory, kernel) =>
      queue(async () => {
        actions.pause();
        const s = store.getState();
        await replayAll(kernel, { entries: s.entries, results: [], cursor: s.cursor }, factory);
        const info = store.getState().info;
        emit({
          kind: 'note',
          text: `now running on the ${info.engine === 'kernel' ? `real kernel ${info.kernelVersion}` : `simulator (${kernel})`}`,
        });
      }),
    loadScenario: (ref, steps) =>
      queue(async () => {
        actions.pause();
        const entries = steps.map((st) => ({
          op: stripStep(st),
          planned: true,
          ...(st.say ? { say: st.say } : {}),
        }));
        await replayAll(store.getState().kernel, { entries, results: [], cursor: 0 });
        store.setState({ scenario: ref, selection: undefined, extraThreads: [], rejected: undefined });
        emit({ kind: 'note', text: `scenario: ${ref.title} (${entries.length} steps)` });
      }),
    restore: (saved) =>
      queue(async () => {
        const cursor = Math.max(0, Math.min(saved.cursor, saved.entries.length));
        await replayAll(saved.kernel, { entries: saved.entries, results: [], cursor });
        store.setState({ scenario: saved.scenario, extraThreads: [...(saved.extraThreads ?? [])] });
      }),
    select: (selection) => store.setState({ selection }),
    addThread(name) {
      const s = store.getState();
      const taken = snapshotOf(s).threads.some((t) => t.name === name) || s.extraThreads.includes(name);
      if (!taken) store.setState({ extraThreads: [...s.extraThreads, name] });
    },
    autoStep: () => queue(autoNow),
    setAutoMonitor: (autoMonitor) => store.setState({ autoMonitor }),
    async dispose() {
      actions.pause();
      await queue(() => runner.dispose());
    },
  };

  const info = runner.info();
  const store = createStore<PlaygroundState>()(() => ({
    ...EMPTY_TIMELINE,
    kernel: deps.kernel,
    info,
    initial: runner.initial(),
    extraThreads: [],
    autoMonitor: false,
    playing: false,
    speed: 2,
    busy: false,
    actions,
  }));

  return {
    store,
    onTranscript(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
