import { useId, type ReactNode } from 'react';

/** What a labelled control receives: its id, and the accessibility wiring for its error and hint. */
export interface ControlProps {
  id: string;
  'aria-invalid': boolean;
  'aria-describedby': string | undefined;
}

interface Props {
  label: ReactNode;
  /** A bad value's message, shown next to the control (and announced). */
  error?: string;
  hint?: ReactNode;
  children: (control: ControlProps) => ReactNode;
}

/**
 * A labelled form control with its hint and its error next to it: the control gets
 * aria-invalid and aria-describedby pointing at both, so a screen reader reads the message.
 */
export function Field({ label, error, hint, children }: Props) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': error !== undefined, 'aria-describedby': describedBy })}
      {hint ? (
        <span id={hintId} className="hint">
          {hint}
        </span>
      ) : null}
      {error ? (
        <p id={errorId} className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
