// One lane per thread: its state, where it waits and for how long, and buttons to make it read or
// write the target page.

import { useState } from 'react';
import type { ThreadSnapshot } from '../../portable/model/snapshot';
import { useActions, useSession, useSnapshot, useUi } from '../state/context';
import { ui } from '../state/ui-store';
import { pageInfo } from '../grid/page-info';
import { blockedSteps, isBlocked, STATE_ICON, STATE_TEXT, threadDetail } from './thread-view';
import { NAME } from '../../portable/console/syntax';

export function Threads() {
  const snap = useSnapshot();
  const cursor = useSession((s) => s.cursor);
  const extra = useSession((s) => s.extraThreads);
  const selection = useSession((s) => s.selection);
  const busy = useSession((s) => s.busy);
  const active = useUi((s) => s.activeThread);
  const actions = useActions();
  const [name, setName] = useState('');
  const target = selection ? pageInfo(snap, selection.area, selection.page) : undefined;

  const threads: ThreadSnapshot[] = [
    ...snap.threads,
    ...extra
      .filter((n) => !snap.threads.some((t) => t.name === n))
      .map((n): ThreadSnapshot => ({ name: n, process: 'main', tid: 0, state: 'idle' })),
  ];

  const touch = (thread: string, access: 'read' | 'write') => {
    if (!target) return;
    ui.setActiveThread(thread);
    void actions.perform({ op: 'touch', thread, addr: target.relative, access }, 'thread');
  };

  const nameError = name && !NAME.test(name) ? 'letters, digits and _ only' : undefined;
  const add = (e: React.FormEvent) => {
    e.preventDefault();
    if (!name || nameError) return;
    actions.addThread(name);
    ui.setActiveThread(name);
    setName('');
  };

  return (
    <section className="panel" aria-labelledby="threads-title" data-testid="threads">
      <div className="panel-head">
        <h2 id="threads-title">Threads</h2>
        <span className="spacer" />
        <span className="dim">target: {target ? <code>{target.relative}</code> : 'none'}</span>
      </div>
      <ul className="panel-body lanes" role="list">
        {threads.map((t) => {
          const steps = blockedSteps(t, cursor);
          const canTouch = !!target && !isBlocked(t) && t.state !== 'exited' && !busy;
          return (
            <li
              key={`${t.process}/${t.name}`}
              className={`lane state-${t.state}${t.name === active ? ' active' : ''}`}
              data-testid="threads.lane"
              data-thread={t.name}
              data-state={t.state}
            >
              <span className="lane-icon" aria-hidden="true">
                {STATE_ICON[t.state]}
              </span>
              <span className="lane-name mono">{t.name}</span>
              {t.process !== 'main' && <span className="chip">process {t.process}</span>}
              <span className="lane-state" data-testid="threads.state">
                {STATE_TEXT[t.state]}
                {steps !== undefined && (
                  <span className="dim"> · {steps === 1 ? '1 step' : `${steps} steps`}</span>
                )}
              </span>
              <span className="lane-detail dim" data-testid="threads.detail">
                {threadDetail(t, snap)}
              </span>
              <span className="spacer" />
              <button
                className="btn small"
                disabled={!canTouch}
                onClick={() => touch(t.name, 'read')}
                data-testid="threads.read"
                aria-label={`${t.name} reads the target page`}
              >
                read
              </button>
              <button
                className="btn small"
                disabled={!canTouch}
                onClick={() => touch(t.name, 'write')}
                data-testid="threads.write"
                aria-label={`${t.name} writes the target page`}
              >
                write
              </button>
            </li>
          );
        })}
      </ul>
      <form className="lane-add" onSubmit={add}>
        <label>
          <span className="sr-only">New thread name</span>
          <input
            type="text"
            value={name}
            placeholder="T2"
            onChange={(e) => setName(e.target.value)}
            aria-invalid={!!nameError}
            data-testid="threads.name"
            size={8}
          />
        </label>
        <button className="btn small" type="submit" disabled={!name || !!nameError} data-testid="threads.add">
          add thread
        </button>
        {nameError && <span className="error-text">{nameError}</span>}
      </form>
    </section>
  );
}
