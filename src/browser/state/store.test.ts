import { describe, expect, it } from 'vitest';
import type { Operation } from '../../portable/model/operation';
import { FakeEngine } from '../session/fake-engine';
import { createPlayground, snapshotOf, savedSession, type TranscriptEvent } from './store';

function setup() {
  const engines: FakeEngine[] = [];
  const pending: (() => void)[] = [];
  const pg = createPlayground({
    kernel: '6.18',
    createEngine: (k) => {
      const e = new FakeEngine(k);
      engines.push(e);
      return e;
    },
    timers: { setTimeout: (fn) => pending.push(fn), clearTimeout: () => pending.splice(0) },
  });
  const events: TranscriptEvent[] = [];
  pg.onTranscript((e) => events.push(e));
  const s = () => pg.store.getState();
  const engine = () => engines[engines.length - 1]!;
  /** Fires the play timer and waits for the step it queued. */
  const tick = async () => {
    pending.shift()?.();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { pg, s, engine, engines, events, tick };
}

const touch = (thread: string): Operation => ({ op: 'touch', thread, addr: 'a', access: 'read' });
const mmap: Operation = { op: 'mmap', as: 'a', kind: 'anon', len: '1p' };

describe('the session store', () => {
  it('runs operations at the cursor and keeps their results', async () => {
    const { s, events } = setup();
    const r = await s().actions.perform(mmap, 'form');
    expect(r.ret).toBe(1);
    await s().actions.perform(touch('T1'), 'console');
    expect(s().cursor).toBe(2);
    expect(s().entries.map((e) => e.op.op)).toEqual(['mmap', 'touch']);
    expect(events.map((e) => e.kind)).toEqual(['run', 'run']);
  });

  it('steps back without the engine, and forward from the cache', async () => {
    const { s, engine } = setup();
    await s().actions.perform(mmap, 'form');
    await s().actions.perform(touch('T1'), 'form');
    s().actions.stepBack();
    expect(s().cursor).toBe(1);
    expect(engine().log).toHaveLength(2);
    await s().actions.stepForward();
    expect(s().cursor).toBe(2);
    expect(engine().resets).toBe(0);
  });

  it('replays the past when an operation is done after stepping back, and drops the old future', async () => {
    const { s, engine } = setup();
    await s().actions.perform(mmap, 'form');
    await s().actions.perform(touch('T1'), 'form');
    s().actions.stepBack();
    const r = await s().actions.perform(touch('T2'), 'form');
    expect(engine().resets).toBe(1);
    expect(r.ret).toBe(2); // the engine replayed mmap, then ran this one
    expect(s().entries.map((e) => (e.op.op === 'touch' ? e.op.thread : e.op.op))).toEqual(['mmap', 'T2']);
  });

  it("keeps a scenario's planned steps when the user does something in the middle", async () => {
    const { s } = setup();
    await s().actions.loadScenario({ id: 'x', title: 'X' }, [
      { ...mmap, say: 'map it' },
      touch('T1'),
      touch('T2'),
    ]);
    await s().actions.stepForward();
    await s().actions.perform(touch('T9'), 'console');
    expect(s().entries.map((e) => (e.op.op === 'touch' ? e.op.thread : e.op.op))).toEqual([
      'mmap',
      'T9',
      'T1',
      'T2',
    ]);
    expect(s().entries[0]!.say).toBe('map it');
    await s().actions.goTo(4);
    expect(s().cursor).toBe(4);
    expect(s().results[3]!.ret).toBe(4);
  });

  it('does not keep an operation that never reached the kernel, and says why', async () => {
    const { s, engine, events } = setup();
    await s().actions.perform(mmap, 'form');
    engine().busyThread = 'T1';
    const r = await s().actions.perform(touch('T1'), 'form');
    expect(r.usageError?.message).toBe('T1 is blocked');
    expect(s().entries).toHaveLength(1);
    expect(s().cursor).toBe(1);
    expect(s().rejected).toBe(r);
    expect(events.at(-1)).toMatchObject({ kind: 'rejected' });
    engine().busyThread = undefined;
    expect((await s().actions.perform(touch('T2'), 'form')).ret).toBe(2);
  });

  it('replays the session on another kernel profile', async () => {
    const { s, engines } = setup();
    await s().actions.perform(mmap, 'form');
    await s().actions.perform(touch('T1'), 'form');
    await s().actions.setKernel('5.7');
    expect(engines).toHaveLength(2);
    expect(engines[0]!.disposed).toBe(true);
    expect(engines[1]!.log).toHaveLength(2);
    expect(s().info.kernelVersion).toBe('5.7');
    expect(s().results).toHaveLength(2);
  });

  it('plays to the end at its speed, and pauses', async () => {
    const { s, tick } = setup();
    await s().actions.loadScenario({ id: 'x', title: 'X' }, [mmap, touch('T1'), touch('T2')]);
    s().actions.play();
    expect(s().playing).toBe(true);
    await tick();
    await tick();
    expect(s().cursor).toBe(2);
    await tick();
    expect(s().cursor).toBe(3);
    expect(s().playing).toBe(false);
  });

  it('starts a new session empty, and restores a saved one', async () => {
    const { s } = setup();
    await s().actions.perform(mmap, 'form');
    await s().actions.perform(touch('T1'), 'form');
    s().actions.stepBack();
    const saved = savedSession(s());
    await s().actions.newSession();
    expect(s().entries).toEqual([]);
    expect(snapshotOf(s()).areas).toEqual([]);
    await s().actions.restore(saved);
    expect(s().cursor).toBe(1);
    expect(s().entries).toHaveLength(2);
    expect(s().results[0]!.ret).toBe(1);
  });

  it('adds a thread by hand once', () => {
    const { s } = setup();
    s().actions.addThread('T1');
    s().actions.addThread('T1');
    s().actions.addThread('main');
    expect(s().extraThreads).toEqual(['T1']);
  });

  it('turns an engine that fails into an error that keeps nothing', async () => {
    const { s, engine, events } = setup();
    await s().actions.perform(mmap, 'form');
    engine().broken = new Error('the agent closed the session');
    const r = await s().actions.perform(touch('T1'), 'form');
    expect(r.usageError?.message).toBe('the agent closed the session');
    expect(s().entries).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ kind: 'rejected' });
    engine().broken = undefined;
    expect((await s().actions.perform(touch('T1'), 'form')).ret).toBe(2);
  });

  it('moves the session to another engine and replays it there', async () => {
    const { s } = setup();
    await s().actions.perform(mmap, 'form');
    await s().actions.perform(touch('T1'), 'form');
    const real = new FakeEngine('6.18', 'kernel');
    await s().actions.setEngine(() => real, '6.18');
    expect(real.log.map((o) => o.op)).toEqual(['mmap', 'touch']);
    expect(s().info.engine).toBe('kernel');
    expect(s().cursor).toBe(2);
  });
});
