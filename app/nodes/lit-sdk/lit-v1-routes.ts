import {
  LIT_V1_NODE_ROUTES,
  litV1Error,
  type LitV1RouteData,
  type LitV1RouteName,
  type LitV1RouteRequest,
} from '../../shared/lit-sdk/node-routes-v1.ts';
import { LIT_REQUEST_HEADERS, isLocalhostOrigin } from '../../shared/lit-sdk/node-routes.ts';
import type { z } from 'zod';
import { parseRequest, type Caller, type Route } from '../http-server.ts';

/**
 * One route of Lit's v1 node API (app/shared/lit-sdk/node-routes-v1.ts), for Lit's v7 SDK: the
 * request is parsed with the table's schema, the answer checked against it and sent as is (v1
 * has no envelope); a refusal is Lit's error object with its HTTP status, which the SDK shows
 * in its NodeError. Pages on localhost may call it (CORS), as the v2 routes.
 */
export function litV1Route<N extends LitV1RouteName>(
  name: N,
  handle: (request: LitV1RouteRequest<N>, caller: Caller) => Promise<LitV1RouteData<N>> | LitV1RouteData<N>,
): Route {
  const spec = LIT_V1_NODE_ROUTES[name];
  return {
    method: 'POST',
    path: spec.path,
    handler: async (body, _url, caller) => {
      const request = parseRequest(spec.request as z.ZodType, body) as LitV1RouteRequest<N>;
      return spec.data.parse(await handle(request, caller));
    },
    encodeError: (status, code, message) => litV1Error(code, message, status),
    cors: { allowOrigin: isLocalhostOrigin, allowHeaders: LIT_REQUEST_HEADERS },
  };
}
