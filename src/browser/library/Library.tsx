// The scenario library: every built-in scenario with what it shows; load one to step through it.

import { useEffect, useState } from 'react';
import { useActions, useSession } from '../state/context';
import { ui } from '../state/ui-store';
import { Dialog } from '../help/Dialog';
import { appliesTo, listScenarios, type ScenarioItem } from './scenarios';

function ScenarioList() {
  const actions = useActions();
  const kernel = useSession((s) => s.kernel);
  const [items, setItems] = useState<ScenarioItem[] | undefined>();
  const [filter, setFilter] = useState('');
  useEffect(() => {
    void listScenarios().then(setItems);
  }, []);
  if (!items) return <p className="dim">Loading the scenarios…</p>;
  if (items.length === 0) return <p className="dim">No scenarios are built in.</p>;
  const f = filter.toLowerCase();
  const shown = items.filter(
    (i) =>
      !f ||
      i.id.includes(f) ||
      i.scenario?.title.toLowerCase().includes(f) ||
      i.scenario?.tags?.some((t) => t.includes(f)),
  );
  return (
    <>
      <label className="form-row">
        <span>filter</span>
        <input
          type="text"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          data-testid="library.filter"
          placeholder="wp, events, selftest…"
        />
      </label>
      <ul className="library" data-testid="library.list">
        {shown.map((i) => {
          const s = i.scenario;
          const applies = s ? appliesTo(s, kernel) : false;
          return (
            <li
              key={i.id}
              data-testid="library.item"
              data-scenario={i.id}
              className={applies ? '' : 'unavailable'}
            >
              <div className="library-head">
                <strong>{s?.title ?? i.id}</strong>
                {s?.tags?.map((t) => (
                  <span key={t} className="chip">
                    {t}
                  </span>
                ))}
                <span className="spacer" />
                <button
                  className="btn small primary"
                  disabled={!s}
                  onClick={() => {
                    if (!s) return;
                    ui.open(undefined);
                    void actions.loadScenario({ id: i.id, title: s.title }, s.steps);
                  }}
                  data-testid="library.load"
                >
                  load
                </button>
              </div>
              {s?.description && <p>{s.description}</p>}
              <p className="dim small">
                {s ? `${s.steps.length} steps` : `cannot be loaded: ${i.error}`}
                {s?.source ? ` · from ${s.source}` : ''}
                {s?.kernel
                  ? ` · kernels ${s.kernel}${applies ? '' : ` (not ${kernel}: its steps may answer differently)`}`
                  : ''}
              </p>
            </li>
          );
        })}
      </ul>
    </>
  );
}

export function LibraryDialog() {
  return (
    <Dialog id="library" title="Scenario library">
      <ScenarioList />
    </Dialog>
  );
}
