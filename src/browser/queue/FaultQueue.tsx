// Per uffd: faults not yet read, faults read but not resolved, and events waiting to be read —
// each with the message it is (decoded, and its 32 bytes) one click away.

import { useState } from 'react';
import { relativeAddress } from '../../portable/console/address';
import type { FaultEntry, Snapshot, UffdSnapshot } from '../../portable/model/snapshot';
import { eventName } from '../../portable/uapi/msg';
import { FEATURES, USERFAULTFD_FLAGS, flagNames, formatFlags } from '../../portable/uapi/names';
import {
  UFFD_PAGEFAULT_FLAG_MINOR,
  UFFD_PAGEFAULT_FLAG_WP,
  UFFD_PAGEFAULT_FLAG_WRITE,
} from '../../portable/uapi/userfaultfd';
import { MsgView } from '../bytes/MsgView';
import { useSnapshot } from '../state/context';
import { faultMsg } from './messages';

function FaultItem({
  fault,
  uffd,
  snap,
  kind,
}: {
  fault: FaultEntry;
  uffd: UffdSnapshot;
  snap: Snapshot;
  kind: 'pending' | 'waiting';
}) {
  const [open, setOpen] = useState(false);
  const reason =
    fault.flags & UFFD_PAGEFAULT_FLAG_MINOR
      ? 'MINOR'
      : fault.flags & UFFD_PAGEFAULT_FLAG_WP
        ? 'WP'
        : 'MISSING';
  const access = fault.flags & UFFD_PAGEFAULT_FLAG_WRITE ? 'write' : 'read';
  return (
    <li className="queue-item" data-testid={`queue.${kind}`}>
      <button className="queue-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
        <span className="mono">{relativeAddress(fault.address, snap.areas, snap.pageSize)}</span>{' '}
        <span>
          {reason} fault, {access}
        </span>{' '}
        <span className="dim">by {fault.thread}</span>
      </button>
      {open && <MsgView msg={faultMsg(fault, uffd, snap)} snapshot={snap} />}
    </li>
  );
}

function UffdQueues({ uffd, snap }: { uffd: UffdSnapshot; snap: Snapshot }) {
  const features = flagNames(uffd.features, FEATURES).map((f) => f.replace('UFFD_FEATURE_', ''));
  return (
    <section
      className="uffd-queues"
      data-testid="queue.uffd"
      data-uffd={uffd.name}
      aria-label={`queues of ${uffd.name}`}
    >
      <h3>
        <code>{uffd.name}</code> <span className="dim">fd {uffd.fd}</span>{' '}
        <span className="chip">{uffd.initialized ? 'API done' : 'no API yet'}</span>{' '}
        <span className="dim">{formatFlags(uffd.flags, USERFAULTFD_FLAGS)}</span>
        {uffd.mm !== 'main' && <span className="chip">faults of {uffd.mm}</span>}
      </h3>
      {features.length > 0 && <p className="dim small">features: {features.join(', ')}</p>}
      <div className="queues">
        <div>
          <h4>pending (not read) · {uffd.pending.length}</h4>
          <ul>
            {uffd.pending.map((f, i) => (
              <FaultItem key={i} fault={f} uffd={uffd} snap={snap} kind="pending" />
            ))}
          </ul>
        </div>
        <div>
          <h4>read, unresolved · {uffd.waiting.length}</h4>
          <ul>
            {uffd.waiting.map((f, i) => (
              <FaultItem key={i} fault={f} uffd={uffd} snap={snap} kind="waiting" />
            ))}
          </ul>
        </div>
        <div>
          <h4>events · {uffd.events.length}</h4>
          <ul>
            {uffd.events.map((e, i) => (
              <li key={i} className="queue-item" data-testid="queue.event">
                <code>{eventName(e.event)}</code>{' '}
                <span className="dim">{e.thread} waits for it to be read</span>
              </li>
            ))}
          </ul>
        </div>
      </div>
    </section>
  );
}

export function FaultQueue() {
  const snap = useSnapshot();
  return (
    <section className="panel" aria-labelledby="queue-title" data-testid="queue">
      <div className="panel-head">
        <h2 id="queue-title">Fault queue</h2>
      </div>
      <div className="panel-body">
        {snap.uffds.length === 0 ? (
          <p className="dim">No userfaultfd yet.</p>
        ) : (
          snap.uffds.map((u) => <UffdQueues key={u.name} uffd={u} snap={snap} />)
        )}
      </div>
    </section>
  );
}
