import { hostClientAuthorization } from '../../shared/host-client-key.ts';
import { answerJson, httpExchange, HttpExchangeError, type HttpAnswer } from '../../shared/http-exchange.ts';
import {
  NODE_ROUTES,
  NodeErrorBody,
  type NodeCallErrorCode,
  type NodeRouteName,
  type NodeRouteRequest,
  type NodeRouteResponse,
} from '../../shared/node-protocol.ts';

/**
 * A node answered with an error (status ≥ 400) or not at all (status 0); `code` is one of the
 * node protocol's codes, or the client's own (timeout, unreachable, bad_answer).
 */
export class NodeCallError extends Error {
  readonly node: number;
  readonly status: number;
  readonly code: NodeCallErrorCode;
  constructor(node: number, status: number, code: NodeCallErrorCode, message: string) {
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

/**
 * An error answer as a NodeCallError: the node's code when the node protocol knows it, else
 * 'bad_answer' (a node that answers outside the table is at fault, not the request).
 */
export function nodeErrorFrom(node: number, status: number, body: unknown): NodeCallError {
  const parsed = NodeErrorBody.safeParse(body);
  return parsed.success
    ? new NodeCallError(node, status, parsed.data.error.code, parsed.data.error.message)
    : new NodeCallError(
        node,
        status,
        'bad_answer',
        `answered ${status} with an error the node protocol does not describe`,
      );
}

/** A route's answer parsed with its schema from the node protocol table; else a 'bad_answer' error. */
export function parseNodeAnswer<N extends NodeRouteName>(node: number, name: N, value: unknown): NodeRouteResponse<N> {
  const parsed = NODE_ROUTES[name].response.safeParse(value);
  if (!parsed.success)
    throw new NodeCallError(
      node,
      200,
      'bad_answer',
      `answered ${NODE_ROUTES[name].path} with something else than its schema: ${parsed.error.issues[0]?.message ?? ''}`,
    );
  return parsed.data as NodeRouteResponse<N>;
}

/** One HTTP request to one node's route, with a timeout; every failure is a NodeCallError. */
export async function callRoute<N extends NodeRouteName>(
  node: NodeEndpoint,
  name: N,
  body: NodeRouteRequest<N>,
  timeoutMs: number,
  query: Record<string, string> = {},
): Promise<NodeRouteResponse<N>> {
  const spec = NODE_ROUTES[name];
  const search = new URLSearchParams(query).toString();
  const path = `${spec.path}${search ? `?${search}` : ''}`;
  const answer = await callNode<unknown>(node, path, spec.method === 'POST' ? body : undefined, timeoutMs);
  return parseNodeAnswer(node.index, name, answer);
}

/**
 * One JSON request to any path of a node, answer unparsed (callRoute parses it): for tests and attack probes that
 * send what no route's schema allows. The host's own code calls routes by name (callRoute).
 */
export async function callNode<T>(
  node: NodeEndpoint,
  path: string,
  body: unknown | undefined,
  timeoutMs: number,
): Promise<T> {
  let answer: HttpAnswer;
  try {
    answer = await httpExchange(`${node.url}${path}`, {
      headers: clientHeaders(node),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      timeoutMs,
    });
  } catch (err) {
    const timedOut = err instanceof HttpExchangeError && err.timedOut;
    throw new NodeCallError(
      node.index,
      0,
      timedOut ? 'timeout' : 'unreachable',
      timedOut ? 'did not answer in time' : 'is unreachable',
    );
  }
  const json = answerJson(answer);
  if (answer.status < 200 || answer.status > 299) throw nodeErrorFrom(node.index, answer.status, json);
  return json as T;
}
