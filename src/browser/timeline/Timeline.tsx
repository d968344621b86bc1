// Step, step back, play at a speed, scrub; and the step log, each step a line to jump to.

import { describeResult } from '../../portable/console/describe';
import { printOperation } from '../../portable/console/print';
import { useActions, useSession } from '../state/context';

const SPEEDS = [0.5, 1, 2, 4, 8];

export function Timeline() {
  const actions = useActions();
  const cursor = useSession((s) => s.cursor);
  const entries = useSession((s) => s.entries);
  const playing = useSession((s) => s.playing);
  const speed = useSession((s) => s.speed);
  const busy = useSession((s) => s.busy);
  const total = entries.length;
  return (
    <section className="panel timeline" aria-label="Timeline" data-testid="timeline">
      <div className="timeline-controls">
        <button
          className="btn"
          onClick={() => void actions.goTo(0)}
          disabled={cursor === 0}
          data-testid="timeline.start"
          aria-label="Back to the start"
        >
          ⇤
        </button>
        <button
          className="btn"
          onClick={() => actions.stepBack()}
          disabled={cursor === 0}
          data-testid="timeline.back"
          aria-label="Step back"
        >
          ◀ back
        </button>
        <button
          className="btn primary"
          onClick={() => void actions.stepForward()}
          disabled={cursor >= total || busy}
          data-testid="timeline.step"
          aria-label="Step forward"
        >
          step ▶
        </button>
        <button
          className="btn"
          onClick={() => (playing ? actions.pause() : actions.play())}
          disabled={!playing && cursor >= total}
          aria-pressed={playing}
          data-testid="timeline.play"
        >
          {playing ? '❚❚ pause' : '▶▶ play'}
        </button>
        <label>
          <span className="sr-only">Speed</span>
          <select
            value={speed}
            onChange={(e) => actions.setSpeed(Number(e.target.value))}
            data-testid="timeline.speed"
          >
            {SPEEDS.map((s) => (
              <option key={s} value={s}>
                {s} step/s
              </option>
            ))}
          </select>
        </label>
        <input
          type="range"
          className="scrub"
          min={0}
          max={total}
          value={cursor}
          onChange={(e) => void actions.goTo(Number(e.target.value))}
          aria-label="Scrub through the steps"
          aria-valuetext={`step ${cursor} of ${total}`}
          data-testid="timeline.scrub"
          disabled={total === 0}
        />
        <span className="step-count mono" data-testid="timeline.position">
          step {cursor} / {total}
        </span>
      </div>
    </section>
  );
}

export function StepLog() {
  const actions = useActions();
  const cursor = useSession((s) => s.cursor);
  const entries = useSession((s) => s.entries);
  const results = useSession((s) => s.results);
  return (
    <ol className="step-log" data-testid="timeline.log" aria-label="Steps">
      {entries.map((e, i) => {
        const r = results[i];
        const summary = r
          ? describeResult(r).find((l) => l.tone === 'ok' || l.tone === 'error')?.text
          : undefined;
        return (
          <li
            key={i}
            aria-current={i === cursor - 1 ? 'step' : undefined}
            className={i < cursor ? 'done' : 'todo'}
            data-testid="timeline.entry"
          >
            <button className="log-line" onClick={() => void actions.goTo(i + 1)}>
              <span className="dim">{i + 1}</span> <code>{printOperation(e.op)}</code>{' '}
              <span className={r?.errno !== undefined ? 'error-text' : 'dim'}>
                {summary ?? (i < cursor ? '' : '·')}
              </span>
            </button>
          </li>
        );
      })}
    </ol>
  );
}
