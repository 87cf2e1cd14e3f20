import { NODE_ROUTES, type NodeRouteName, type NodeRouteResponse } from '../shared/node-protocol.ts';
import type { Caller, Route } from './http-server.ts';

/**
 * One of the node's own routes, registered from its entry in the node protocol table
 * (app/shared/node-protocol.ts): its method, path and who may call it come from there, and the
 * handler must answer what the table says the route answers. Handlers parse their bodies with
 * the entry's request schema (parseRequest), so the table is the one place a route is described.
 */
export function nodeRoute<N extends NodeRouteName>(
  name: N,
  handler: (body: string, url: URL, caller: Caller) => Promise<NodeRouteResponse<N>> | NodeRouteResponse<N>,
): Route {
  const spec = NODE_ROUTES[name];
  return {
    method: spec.method,
    path: spec.path,
    handler,
    ...('hostOnly' in spec ? { hostOnly: spec.hostOnly } : {}),
  };
}
