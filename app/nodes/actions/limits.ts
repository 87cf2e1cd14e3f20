/** Per-execution limits. The defaults are Lit's node limits (LIT-FACTS.md "Lit Actions"). */
export interface ActionLimits {
  /** Heap of the sandbox isolate, MB. */
  readonly memoryLimitMb: number;
  /** Wall time of one execution, from the first line of the action to its end, ms. */
  readonly timeoutMs: number;
  /** UTF-8 bytes of the action's code. */
  readonly maxCodeBytes: number;
  /** UTF-8 bytes of JSON.stringify(jsParams). */
  readonly maxJsParamsBytes: number;
  /** UTF-8 bytes of the string given to setResponse. */
  readonly maxResponseBytes: number;
  /** UTF-8 bytes of console output. */
  readonly maxLogBytes: number;
  /** signEcdsa + ethPersonalSignMessageEcdsa calls per run. */
  readonly maxSignatures: number;
  /** fetch calls per run. */
  readonly maxFetches: number;
  /** Body bytes of one fetch response handed to the action. */
  readonly maxFetchResponseBytes: number;
}

export const DEFAULT_ACTION_LIMITS: ActionLimits = Object.freeze({
  memoryLimitMb: 256,
  timeoutMs: 30_000,
  maxCodeBytes: 16 * 1024 * 1024,
  maxJsParamsBytes: 16 * 1024 * 1024,
  maxResponseBytes: 100 * 1024,
  maxLogBytes: 100 * 1024,
  maxSignatures: 10,
  maxFetches: 50,
  maxFetchResponseBytes: 10 * 1024 * 1024,
});

/** Mebibytes / kibibytes for error messages ("100 KB", "16 MB"). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}
