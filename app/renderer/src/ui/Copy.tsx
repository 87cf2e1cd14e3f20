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
      {/* Drawn, not a glyph: icon fonts and symbols are missing on some systems. */}
      <svg
        width="13"
        height="13"
        viewBox="0 0 16 16"
        aria-hidden="true"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.6"
      >
        {copied ? (
          <path d="M3 8.5l3 3 7-7" />
        ) : (
          <>
            <rect x="5.5" y="5.5" width="8" height="8" rx="1.5" />
            <path d="M10.5 3.5v-1a1 1 0 0 0-1-1h-7a1 1 0 0 0-1 1v7a1 1 0 0 0 1 1h1" />
          </>
        )}
      </svg>
    </button>
  );
}
