// Keeps the engine's state in step with the timeline. The engine has applied `at` entries; to run
// entry i it must have applied exactly entries[0..i), so anything else means reset and replay —
// instant on the simulator, a batch on the agent.

import type { BackendInfo } from '../../portable/model/backend';
import type { Result } from '../../portable/model/result';
import type { Snapshot } from '../../portable/model/snapshot';
import { emptySnapshot, runAll, type Engine, type EngineFactory } from './engine';
import { stripStep, type Entry } from './timeline';

export class Runner {
  private engine: Engine;
  private factory: EngineFactory;
  /** Entries the engine has applied, or -1 when its state is unknown. */
  private at = 0;

  constructor(factory: EngineFactory, kernel: string) {
    this.factory = factory;
    this.engine = factory(kernel);
  }

  info(): BackendInfo {
    return this.engine.info();
  }

  /** The engine may have changed in a way the timeline does not show (an operation that was dropped). */
  invalidate(): void {
    this.at = -1;
  }

  /** The state before the first operation, as the engine has it after a reset. */
  initial(): Snapshot {
    return this.engine.snapshot?.() ?? emptySnapshot(this.engine.info());
  }

  /** Brings the engine to entries[0..n) and returns their results. */
  async replay(entries: readonly Entry[], n: number): Promise<Result[]> {
    await this.engine.reset();
    this.at = 0;
    const results = await runAll(
      this.engine,
      entries.slice(0, n).map((e) => stripStep(e.op)),
    );
    this.at = n;
    return results;
  }

  /**
   * Runs entries[index]. If the engine is elsewhere it replays first; the replayed results come back
   * too (they equal the cached ones on a deterministic engine, and replace them on one that is not).
   */
  async runAt(entries: readonly Entry[], index: number): Promise<{ replayed?: Result[]; result: Result }> {
    const replayed = this.at === index ? undefined : await this.replay(entries, index);
    const op = stripStep(entries[index]!.op);
    const result = this.engine.runSync ? this.engine.runSync(op) : await this.engine.run(op);
    this.at = index + 1;
    return { ...(replayed ? { replayed } : {}), result };
  }

  /** A new engine (another kernel profile, or another kind of engine); the caller replays. */
  async switchEngine(kernel: string, factory: EngineFactory = this.factory): Promise<void> {
    await this.engine.dispose();
    this.factory = factory;
    this.engine = factory(kernel);
    this.at = -1;
  }

  /** Whether replay is cheap (the simulator): then a dropped operation just invalidates. */
  get synchronous(): boolean {
    return this.engine.runSync !== undefined;
  }

  async dispose(): Promise<void> {
    await this.engine.dispose();
  }
}
