import { hostClientAuthorization } from '../../shared/host-client-key.ts';
import { NodeErrorBody } from '../../shared/node-api.ts';

/** A node answered with an error (status ≥ 400) or not at all (status 0). */
export class NodeCallError extends Error {
  readonly node: number;
  readonly status: number;
  readonly code: string;
  constructor(node: number, status: number, code: string, message: string) {
    super(message);
    this.node = node;
    this.status = status;
    this.code = code;
  }
}

export interface NodeEndpoint {
  index: number;
  url: string;
  /** The host client key this node knows the host's client by (app/shared/host-client-key.ts). */
  clientKey?: string;
}

/** The Authorization header that shows a node this is the host's own client. */
export function clientHeaders(node: NodeEndpoint): Record<string, string> {
  return node.clientKey ? { authorization: hostClientAuthorization(node.clientKey) } : {};
}

/** One JSON request to one node, with a timeout; every failure is a NodeCallError. */
export async function callNode<T>(
  node: NodeEndpoint,
  path: string,
  body: unknown | undefined,
  timeoutMs: number,
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${node.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { ...clientHeaders(node), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const timedOut = (err as Error).name === 'TimeoutError';
    throw new NodeCallError(
      node.index,
      0,
      timedOut ? 'timeout' : 'unreachable',
      timedOut ? 'did not answer in time' : 'is unreachable',
    );
  }
  const json: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const parsed = NodeErrorBody.safeParse(json);
    throw parsed.success
      ? new NodeCallError(node.index, res.status, parsed.data.error.code, parsed.data.error.message)
      : new NodeCallError(node.index, res.status, 'bad_answer', `answered ${res.status}`);
  }
  return json as T;
}
