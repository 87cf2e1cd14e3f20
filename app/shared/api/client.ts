import { apiCalls, ApiError, type ApiCallName, type ApiInput, type ApiOutput, type FieldError } from './contract.ts';

/** A failed API call, carrying the server's error code and, for a bad input, the fields it is about. */
export class ApiCallError extends Error {
  readonly code: ApiError['code'];
  readonly status: number;
  /** The host's per-field messages, in its order (each shows next to its field). */
  readonly fieldErrors: readonly FieldError[];
  /** The same by field name, for a look-up; undefined when the error names no field. */
  readonly fields: Readonly<Record<string, string>> | undefined;
  constructor(code: ApiError['code'], message: string, status: number, fieldErrors: readonly FieldError[] = []) {
    super(message);
    this.name = 'ApiCallError';
    this.code = code;
    this.status = status;
    this.fieldErrors = fieldErrors;
    this.fields = fieldErrors.length ? Object.fromEntries(fieldErrors.map((f) => [f.field, f.message])) : undefined;
  }
}

export interface ApiClientOptions {
  /** e.g. http://localhost:5170 */
  baseUrl: string;
  token: string;
  fetch?: typeof fetch;
}

export type ApiClient = {
  call<N extends ApiCallName>(name: N, input: ApiInput<N>): Promise<ApiOutput<N>>;
};

/** The typed client used by the renderer, the CLI and the tests alike. */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  return {
    async call(name, input) {
      let res: Response;
      try {
        res = await doFetch(`${options.baseUrl}/api/${name}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
          body: JSON.stringify(input),
        });
      } catch (err) {
        throw new ApiCallError(
          'unavailable',
          `the Litbox host at ${options.baseUrl} did not answer (${(err as Error).message})`,
          0,
        );
      }
      const body: unknown = await res.json().catch(() => undefined);
      if (!res.ok) {
        const parsed = ApiError.safeParse((body as { error?: unknown } | undefined)?.error);
        if (parsed.success)
          throw new ApiCallError(parsed.data.code, parsed.data.message, res.status, parsed.data.fields);
        throw new ApiCallError('internal', `the host answered ${res.status}`, res.status);
      }
      return apiCalls[name].output.parse((body as { result?: unknown }).result) as never;
    },
  };
}
