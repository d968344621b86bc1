// The monitor: compose any call, run it, and see what came back. The auto monitor resolves faults
// the way the selftests' monitor thread does, one step at a time or after every operation.

import { useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { agentStore, userModeOnlyAgent } from '../agent/agent';
import { useActions, useSession, useSnapshot, useUi } from '../state/context';
import { ui } from '../state/ui-store';
import { nextMonitorStep } from '../session/auto-monitor';
import { currentResult, previousResult } from '../session/timeline';
import { formValues } from './form-defaults';
import { buildOperation, validate, type Value, type Values } from './form-spec';
import { ALL_CALLS, CALL_GROUPS, CALL_LABEL, callAvailable, callSince, type CallId } from './calls';
import { CallForm } from './CallForm';
import { ResultView } from './ResultView';

export function Monitor() {
  const actions = useActions();
  const snapshot = useSnapshot();
  const kernel = useSession((s) => s.kernel);
  const selection = useSession((s) => s.selection);
  const busy = useSession((s) => s.busy);
  const auto = useSession((s) => s.autoMonitor);
  const rejected = useSession((s) => s.rejected);
  const results = useSession((s) => s.results);
  const cursor = useSession((s) => s.cursor);
  const initial = useSession((s) => s.initial);
  const activeThread = useUi((s) => s.activeThread);
  const onKernel = useSession((s) => s.info.engine === 'kernel');
  const userModeOnly = useStore(agentStore, userModeOnlyAgent) && onKernel;
  const picked = useUi((s) => s.monitorCall);
  const call: CallId = (ALL_CALLS as readonly string[]).includes(picked) ? (picked as CallId) : 'UFFDIO_API';
  const [drafts, setDrafts] = useState<Partial<Record<CallId, Values>>>({});
  const [attempted, setAttempted] = useState(false);
  const resultRef = useRef<HTMLDivElement>(null);
  const ran = useRef(false);
  const shownResult = rejected ?? currentResult({ results, cursor });
  // After a run from the form, bring what came back into view (the form stays as it was).
  useEffect(() => {
    if (ran.current && shownResult) resultRef.current?.scrollIntoView({ block: 'start', behavior: 'smooth' });
    ran.current = false;
  }, [shownResult]);

  const draft = drafts[call] ?? {};
  const ctx = { snapshot, activeThread, userModeOnly, ...(selection ? { selection } : {}) };
  const values = formValues(call, draft, ctx);
  const allErrors = validate(call, values, ctx);
  const shown = Object.fromEntries(Object.entries(allErrors).filter(([k]) => attempted || k in draft));
  const valid = Object.keys(allErrors).length === 0;

  const set = (key: string, v: Value) =>
    setDrafts((d) => ({ ...d, [call]: { ...(d[call] ?? {}), [key]: v } }));

  const run = (e: React.FormEvent) => {
    e.preventDefault();
    if (!valid) {
      setAttempted(true);
      return;
    }
    setAttempted(false);
    ran.current = true;
    void actions.perform(buildOperation(call, values), 'form');
  };

  const prev = rejected
    ? (currentResult({ results, cursor })?.snapshot ?? initial)
    : (previousResult({ results, cursor })?.snapshot ?? initial);
  const next = nextMonitorStep(snapshot);
  const since = callSince(call);

  return (
    <div className="monitor panel-body" data-testid="monitor">
      <div className="monitor-tools">
        <span className="dim small">compose any call; see the struct go in and come back</span>
        <span className="spacer" />
        <button
          className="btn small"
          onClick={() => void actions.autoStep()}
          disabled={!next || busy}
          data-testid="monitor.auto-step"
          title="The auto monitor does its next step: read a message, or resolve the oldest fault it has read"
        >
          auto step
        </button>
        <button
          className="btn small"
          aria-pressed={auto}
          onClick={() => actions.setAutoMonitor(!auto)}
          data-testid="monitor.auto"
          title="Resolve every fault right after each operation"
        >
          auto: {auto ? 'on' : 'off'}
        </button>
      </div>
      <div className="monitor-main">
        <form onSubmit={run} noValidate>
          <div className="form-row">
            <label htmlFor="monitor-call">call</label>
            <select
              id="monitor-call"
              value={call}
              onChange={(e) => ui.compose(e.target.value)}
              data-testid="monitor.call"
            >
              {CALL_GROUPS.map((g) => (
                <optgroup key={g.label} label={g.label}>
                  {g.calls.map((c) => (
                    <option key={c} value={c}>
                      {CALL_LABEL[c]}
                      {callAvailable(c, kernel) ? '' : ` (since ${callSince(c)})`}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          </div>
          {!callAvailable(call, kernel) && (
            <p className="note warn" data-testid="monitor.unavailable">
              {call} appeared in Linux {since}; kernel {kernel} does not have it, and will answer as it does
              for an unknown call.
            </p>
          )}
          <CallForm
            call={call}
            values={values}
            errors={shown}
            valid={valid}
            kernel={kernel}
            snapshot={snapshot}
            set={set}
          />
          <div className="form-actions">
            <button type="submit" className="btn primary" disabled={busy} data-testid="monitor.submit">
              run
            </button>
            {attempted && !valid && (
              <span className="error-text" role="alert" data-testid="monitor.invalid">
                Not run: {Object.keys(allErrors).join(', ')}{' '}
                {Object.keys(allErrors).length > 1 ? 'need' : 'needs'} fixing.
              </span>
            )}
          </div>
        </form>
        <div ref={resultRef}>{shownResult && <ResultView result={shownResult} prev={prev} />}</div>
      </div>
    </div>
  );
}
