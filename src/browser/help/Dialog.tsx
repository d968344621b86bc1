// A modal dialog on the native <dialog>: focus moves in, Escape closes, focus returns.

import { useEffect, useRef, type ReactNode } from 'react';
import { useUi } from '../state/context';
import { ui, uiStore, type Dialog as DialogId } from '../state/ui-store';

export function Dialog({
  id,
  title,
  children,
}: {
  id: NonNullable<DialogId>;
  title: string;
  children: ReactNode;
}) {
  const open = useUi((s) => s.dialog === id);
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      // Closing one dialog to open another fires close too: only this dialog's own close resets it.
      onClose={() => uiStore.getState().dialog === id && ui.open(undefined)}
      aria-labelledby={`${id}-title`}
      data-testid={`dialog.${id}`}
    >
      <div className="panel-head">
        <h2 id={`${id}-title`}>{title}</h2>
        <span className="spacer" />
        <button className="btn small" onClick={() => ui.open(undefined)} data-testid="dialog.close">
          close
        </button>
      </div>
      <div className="panel-body">{open && children}</div>
    </dialog>
  );
}
