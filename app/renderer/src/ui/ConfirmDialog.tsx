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
 * A modal confirmation on the native <dialog>: it traps focus and Escape cancels. Cancel has the
 * focus, never the confirm button: an Enter meant for the form behind (or pressed twice) must
 * not sign or send. Focus returns to where it was on close.
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
  const cancelRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement as HTMLElement | null;
    dialog.showModal();
    cancelRef.current?.focus();
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
        <button ref={cancelRef} type="button" onClick={onCancel} disabled={busy} data-testid="cancel">
          {cancelLabel ?? 'Cancel'}
        </button>
        <button type="button" className="primary" onClick={onConfirm} disabled={busy} data-testid="confirm">
          {busy ? (busyLabel ?? 'Working…') : confirmLabel}
        </button>
      </footer>
    </dialog>
  );
}
