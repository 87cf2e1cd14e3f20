import { PROVIDER_ERRORS } from '../../shared/provider/provider-wire.ts';

/** An EIP-1193 / EIP-1474 error: what the client sees as `{ code, message, data }`. */
export class ProviderRpcError extends Error {
  readonly code: number;
  readonly data: unknown;
  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.name = 'ProviderRpcError';
    this.code = code;
    this.data = data;
  }
}

export const rejected = (message = 'the person rejected the request in Litbox') =>
  new ProviderRpcError(PROVIDER_ERRORS.userRejected, message);
export const unauthorized = (message: string) => new ProviderRpcError(PROVIDER_ERRORS.unauthorized, message);
export const unsupported = (message: string) => new ProviderRpcError(PROVIDER_ERRORS.unsupportedMethod, message);
export const invalidParams = (message: string) => new ProviderRpcError(PROVIDER_ERRORS.invalidParams, message);

/** The JSON-RPC error object for any failure; unknown failures become -32603 with their message. */
export function toRpcError(err: unknown): { code: number; message: string; data?: unknown } {
  if (err instanceof ProviderRpcError)
    return err.data === undefined
      ? { code: err.code, message: err.message }
      : { code: err.code, message: err.message, data: err.data };
  return { code: PROVIDER_ERRORS.internal, message: err instanceof Error ? err.message : String(err) };
}

/** The chain's own JSON-RPC error out of an ethers failure (a revert's code 3 and data included), as it gave it. */
export function chainRpcError(err: unknown, method: string): ProviderRpcError {
  if (err instanceof ProviderRpcError) return err;
  const e = err as { info?: { error?: { code?: unknown; message?: unknown; data?: unknown } }; error?: unknown };
  const inner = e.info?.error ?? (e.error as { code?: unknown; message?: unknown; data?: unknown } | undefined);
  if (inner && typeof inner.code === 'number' && typeof inner.message === 'string')
    return new ProviderRpcError(inner.code, inner.message, inner.data);
  return new ProviderRpcError(PROVIDER_ERRORS.internal, `the sandbox chain did not answer ${method}`);
}
