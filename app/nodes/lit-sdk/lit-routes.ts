import {
  LIT_ERROR_STATUS,
  LIT_NODE_ROUTES,
  LIT_REQUEST_HEADERS,
  isLocalhostOrigin,
  type LitErrorCode,
  type LitErrorObject,
  type LitRouteData,
  type LitRouteError,
  type LitRouteName,
  type LitRouteRequest,
} from '../../shared/lit-sdk/node-routes.ts';
import { parseRequest, type Route } from '../http-server.ts';
import { NodeRequestError } from '../node-request-error.ts';

/** An error a Lit route answers on purpose: a code from that route's closed list. */
export class LitRequestError<N extends LitRouteName> extends NodeRequestError {
  constructor(_route: N, code: LitRouteError<N>, message: string) {
    super(LIT_ERROR_STATUS[code], code, message);
  }
}

/**
 * One route of Lit's node API (app/shared/lit-sdk/node-routes.ts), registered from its table
 * entry: the request is parsed with the entry's schema, the answer checked against it and
 * wrapped in Lit's envelope; errors come back in the shape the SDK shows its user. Pages on
 * localhost may call it (CORS).
 */
export function litRoute<N extends LitRouteName>(
  name: N,
  handle: (request: LitRouteRequest<N>) => Promise<LitRouteData<N>> | LitRouteData<N>,
): Route {
  const spec = LIT_NODE_ROUTES[name];
  return {
    method: 'POST',
    path: spec.path,
    handler: async (body) => {
      const request = parseRequest(spec.request, body) as LitRouteRequest<N>;
      const data = spec.data.parse(await handle(request));
      return { ok: true, error: null, errorObject: null, data };
    },
    encodeError: (status, code, message) => litErrorBody(status, code, message),
    cors: { allowOrigin: isLocalhostOrigin, allowHeaders: LIT_REQUEST_HEADERS },
  };
}

function litErrorBody(status: number, code: string, message: string) {
  const known = code in LIT_ERROR_STATUS ? (code as LitErrorCode) : 'internal';
  const errorObject: LitErrorObject = {
    errorKind: known === 'bad_request' ? 'Validation' : 'Unexpected',
    errorCode: `litbox_${code}`,
    status,
    message,
    details: [code],
  };
  return { ok: false, error: message, errorObject, data: null };
}
