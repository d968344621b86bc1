// Simulated and real, side by side: each step of the session on both engines, the differences the
// normaliser finds, which of them a model limit excuses, and the model limits themselves.

import { useEffect, useState } from 'react';
import { describeResult } from '../../portable/console/describe';
import { printOperation } from '../../portable/console/print';
import { MODEL_LIMITS } from '../../portable/diff/model-limits';
import type { Result } from '../../portable/model/result';
import { Dialog } from '../help/Dialog';
import { createEngine } from '../session/simulator';
import { useSession } from '../state/context';
import { agentForComparison, agentStore } from './agent';
import { compareSteps, type Comparison } from './compare';

function Side({ title, result }: { title: string; result?: Result }) {
  return (
    <div className="compare-side">
      <h4>{title}</h4>
      {result ? (
        <ul className="mono small">
          {describeResult(result).map((l, i) => (
            <li key={i} className={l.tone === 'error' ? 'error-text' : l.tone === 'dim' ? 'dim' : ''}>
              {l.text}
            </li>
          ))}
        </ul>
      ) : (
        <p className="dim">—</p>
      )}
    </div>
  );
}

function CompareView() {
  const entries = useSession((s) => s.entries);
  const results = useSession((s) => s.results);
  const cursor = useSession((s) => s.cursor);
  const info = useSession((s) => s.info);
  const [cmp, setCmp] = useState<Comparison | string | undefined>();
  const [step, setStep] = useState(0);

  useEffect(() => {
    const have = results.slice(0, cursor).filter((r): r is Result => r !== undefined);
    const other = info.engine === 'simulator' ? agentForComparison() : createEngine(info.kernelVersion);
    let live = true;
    const run = other
      ? compareSteps(entries, have.length, have, info.engine === 'kernel' ? 'kernel' : 'simulator', other)
      : Promise.reject(new Error('connect an agent first: the comparison needs the real kernel'));
    run.then(
      (c) => {
        if (!live) return;
        setCmp(c);
        setStep(
          Math.max(
            0,
            c.steps.findIndex((s) => s.differences.length > 0),
          ),
        );
      },
      (e: unknown) => live && setCmp(`The comparison failed: ${e instanceof Error ? e.message : String(e)}`),
    );
    return () => {
      live = false;
    };
  }, [entries, results, cursor, info]);

  if (cmp === undefined) return <p className="dim">Running the steps on the other engine…</p>;
  if (typeof cmp === 'string') return <p className="error-text">{cmp}</p>;
  const sel = cmp.steps[step];
  return (
    <div className="compare" data-testid="compare">
      <p>
        Steps 1–{cmp.steps.length}, simulator profile {agentStore.getState().version ?? info.kernelVersion}{' '}
        against the real kernel. {cmp.steps.filter((s) => s.differences.length).length} steps differ.
      </p>
      <ol className="compare-steps">
        {cmp.steps.map((s, i) => (
          <li
            key={s.step}
            aria-current={i === step ? 'step' : undefined}
            data-testid="compare.step"
            data-differences={s.differences.length}
          >
            <button className="log-line" onClick={() => setStep(i)}>
              <code>{printOperation(entries[i]!.op)}</code>{' '}
              {s.differences.length ? (
                <span className="error-text">
                  ≠ {s.differences.length} difference{s.differences.length > 1 ? 's' : ''}
                </span>
              ) : (
                <span className="ok-text">= same</span>
              )}
              {s.excused.length > 0 && <span className="dim"> ({s.excused.length} excused)</span>}
            </button>
          </li>
        ))}
      </ol>
      {sel && (
        <section aria-label={`step ${sel.step}`}>
          <div className="compare-sides">
            <Side title="simulated" result={cmp.sim[step]} />
            <Side title="real kernel" result={cmp.kernel[step]} />
          </div>
          {sel.differences.length + sel.excused.length > 0 && (
            <table className="struct-table">
              <thead>
                <tr>
                  <th>where</th>
                  <th>simulated</th>
                  <th>real kernel</th>
                </tr>
              </thead>
              <tbody>
                {sel.differences.map((d) => (
                  <tr key={d.path} className="changed" data-testid="compare.difference">
                    <td className="mono">✱ {d.path}</td>
                    <td className="mono">{d.sim}</td>
                    <td className="mono">{d.kernel}</td>
                  </tr>
                ))}
                {sel.excused.map(({ difference: d, limit }) => (
                  <tr key={d.path} className="dim">
                    <td className="mono">{d.path}</td>
                    <td className="mono">{d.sim}</td>
                    <td className="mono">
                      {d.kernel} <span className="chip">excused: {limit.title}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
      <ModelLimits />
    </div>
  );
}

export function ModelLimits() {
  return (
    <section data-testid="compare.limits">
      <h3>Model limits</h3>
      {MODEL_LIMITS.length === 0 ? (
        <p className="dim">None: where the simulator and the kernel differ, it is a bug.</p>
      ) : (
        <dl>
          {MODEL_LIMITS.map((l) => (
            <div key={l.id}>
              <dt>{l.title}</dt>
              <dd>
                {l.reason} {l.paths.length > 0 && <span className="dim mono">({l.paths.join(', ')})</span>}
              </dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}

export function CompareDialog() {
  return (
    <Dialog id="compare" title="Simulated vs real">
      <CompareView />
    </Dialog>
  );
}
