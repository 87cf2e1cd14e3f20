import { useEffect, useId, useRef, type ReactNode } from 'react';

interface Props {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** The dismiss button's label (default Cancel; a dapp's request is Rejected). */
  cancelLabel?: string;
  /** While the request runs: buttons disabled, the label says what is happening. */
  busyLabel?: string;
  busy?: boolean;
  error?: string;
  onConfirm: () => void;
  onCancel: () => void;
}

/**
 * A modal confirmation on the native <dialog>: it traps focus, Escape cancels, and the
 * confirm button has the focus so Enter confirms. Focus returns to where it was on close.
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  cancelLabel,
  busyLabel,
  busy,
  error,
  onConfirm,
  onCancel,
}: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement as HTMLElement | null;
    dialog.showModal();
    confirmRef.current?.focus();
    return () => {
      dialog.close();
      opener?.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className="confirm"
      aria-labelledby={titleId}
      onCancel={(event) => {
        // Escape: close through React state, never while the request is in flight.
        event.preventDefault();
        if (!busy) onCancel();
      }}
    >
      <header>
        <h2 id={titleId}>{title}</h2>
      </header>
      <div className="dialog-body">
        {children}
        {error ? (
          <p role="alert" className="notice bad" data-testid="dialog-error">
            {error}
          </p>
        ) : null}
      </div>
      <footer>
        <button type="button" onClick={onCancel} disabled={busy} data-testid="cancel">
          {cancelLabel ?? 'Cancel'}
        </button>
        <button
          ref={confirmRef}
          type="button"
          className="primary"
          onClick={onConfirm}
          disabled={busy}
          data-testid="confirm"
        >
          {busy ? (busyLabel ?? 'Working…') : confirmLabel}
        </button>
      </footer>
    </dialog>
  );
}
