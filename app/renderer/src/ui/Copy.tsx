import { useState } from 'react';

/** A small "copy" button: puts `value` on the clipboard and says so for a moment. */
export function CopyButton({ value, label = 'Copy' }: { value: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="copy"
      aria-label={`${label} ${value}`}
      title={copied ? 'Copied' : `${label}: ${value}`}
      data-testid="copy"
      onClick={(event) => {
        event.stopPropagation();
        void navigator.clipboard.writeText(value).then(
          () => {
            setCopied(true);
            window.setTimeout(() => setCopied(false), 1_200);
          },
          () => undefined,
        );
      }}
    >
      {copied ? '✓' : '⧉'}
    </button>
  );
}
