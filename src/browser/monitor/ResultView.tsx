// What the last call did: the call, its return value, errno by name with what it means for this call,
// the struct in and out, the messages read, and what changed on the grid.

import { callName, describeResult } from '../../portable/console/describe';
import { printOperation } from '../../portable/console/print';
import type { Result } from '../../portable/model/result';
import type { Snapshot } from '../../portable/model/snapshot';
import { errnoMeanings } from '../../portable/uapi/errno-meanings';
import { errnoName, strerror } from '../../portable/uapi/errno';
import { MsgView } from '../bytes/MsgView';
import { StructView } from '../bytes/StructView';
import { diffSnapshots } from '../session/snapshot-diff';
import { STATE_LABEL } from '../grid/scene';

function Changes({ prev, next }: { prev: Snapshot; next: Snapshot }) {
  const c = diffSnapshots(prev, next, 12);
  const items = [
    ...c.areasAdded.map((a) => `area ${a} mapped`),
    ...c.pages.map(
      (p) =>
        `${p.area}+${p.page}p: ${STATE_LABEL[p.from]} → ${STATE_LABEL[p.to]}${p.content ? ` (${p.content})` : ''}`,
    ),
    ...(c.pageCount > c.pages.length ? [`… ${c.pageCount - c.pages.length} more pages`] : []),
    ...c.registered.map((r) => `registered ${r}`),
    ...c.unregistered.map((r) => `unregistered ${r}`),
    ...c.threads.map((t) => `${t.name}: ${t.from ?? 'new'} → ${t.to}`),
    ...c.queues,
  ];
  return (
    <section className="changes" data-testid="monitor.changes" aria-label="what changed">
      <h3>What changed</h3>
      {items.length ? (
        <ul>
          {items.map((i) => (
            <li key={i} className="mono">
              {i}
            </li>
          ))}
        </ul>
      ) : (
        <p className="dim">nothing on the grid, the threads or the queues</p>
      )}
    </section>
  );
}

export function ResultView({ result, prev }: { result: Result; prev: Snapshot }) {
  if (result.usageError) {
    return (
      <div className="result error-box" role="alert" data-testid="monitor.error">
        <strong>Not run:</strong> {result.usageError.message}
        {result.usageError.field && <span className="dim"> (field {result.usageError.field})</span>}
        <p className="dim">Nothing reached the kernel; the session is unchanged.</p>
      </div>
    );
  }
  const failed = result.ret === -1 && result.errno !== undefined;
  const summary = describeResult(result).filter((l) => l.tone === 'info' && !l.text.startsWith('  '));
  return (
    <div className="result" data-testid="monitor.result">
      <pre className="mono call-text" data-testid="monitor.call-text">
        {printOperation(result.op)}
      </pre>
      {result.call && <p className="mono dim small">{result.call}</p>}
      <p className={`ret ${failed ? 'error-text' : 'ok-text'}`} data-testid="monitor.return">
        {failed ? (
          <>
            = -1 <strong data-testid="monitor.errno">{errnoName(result.errno!)}</strong> (
            {strerror(result.errno!)})
          </>
        ) : result.blocked && result.op.op === 'read' ? (
          'would block: nothing to read on a blocking fd'
        ) : (
          <>= {result.ret}</>
        )}
      </p>
      {failed && (
        <ul className="meanings" data-testid="monitor.meaning">
          {errnoMeanings(callName(result.op), result.errno!).map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
      {summary.map((l) => (
        <p key={l.text}>{l.text}</p>
      ))}
      {result.struct && <StructView io={result.struct} snapshot={result.snapshot} />}
      {result.msgs?.map((m, i) => (
        <MsgView key={i} msg={m} index={i} snapshot={result.snapshot} />
      ))}
      {result.revents !== undefined && (
        <p className="mono" data-testid="monitor.revents">
          revents ={' '}
          {describeResult(result)
            .find((l) => l.text.includes('revents'))
            ?.text.trim()
            .slice(10)}
        </p>
      )}
      {result.notes?.map((n) => (
        <p key={n} className="dim">
          {n}
        </p>
      ))}
      <Changes prev={prev} next={result.snapshot} />
    </div>
  );
}
