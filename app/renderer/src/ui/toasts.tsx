import { useSyncExternalStore } from 'react';

export interface Toast {
  id: number;
  text: string;
  kind: 'ok' | 'bad';
}

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

/** Says that something finished, in a corner that is always on screen (results can land below the fold). */
export function toast(text: string, kind: Toast['kind'] = 'ok'): void {
  const id = nextId++;
  toasts = [...toasts.slice(-3), { id, text, kind }];
  emit();
  window.setTimeout(() => dismiss(id), kind === 'ok' ? 6_000 : 10_000);
}

function dismiss(id: number): void {
  toasts = toasts.filter((t) => t.id !== id);
  emit();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The toast corner; polite for results, so screen readers hear them without losing their place. */
export function Toasts() {
  const shown = useSyncExternalStore(subscribe, () => toasts);
  return (
    <div className="toasts" aria-live="polite" data-testid="toasts">
      {shown.map((t) => (
        <div key={t.id} className={`toast ${t.kind}`} role={t.kind === 'bad' ? 'alert' : 'status'} data-testid="toast">
          <span>{t.text}</span>
          <button type="button" className="link" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
