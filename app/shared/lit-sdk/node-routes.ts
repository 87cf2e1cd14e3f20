import { z } from 'zod';

/**
 * Lit's node API as Litbox nodes serve it, beside their own routes (docs/LIT-SDK.md): one
 * entry per route with its path, request schema, the `data` its answer carries and the closed
 * list of error codes it may give. Nodes register these routes from this table; tests and
 * tools call them by name. Shapes are those Lit's v8 SDK (@lit-protocol/lit-client 8.3.1)
 * sends and parses.
 */

/** Every error a Lit route may answer, with the HTTP status it goes with. */
export const LIT_ERROR_STATUS = {
  bad_request: 400,
  /** The session signature is malformed, forged, or its wallet capability does not hold. */
  invalid_session: 401,
  expired_session: 401,
  /** The session signature was made for another node (each node gets its own). */
  session_for_other_node: 401,
  /** The session (or its capability) does not ask for this resource and ability. */
  resource_not_granted: 403,
  not_ready: 503,
  internal: 500,
} as const;
export type LitErrorCode = keyof typeof LIT_ERROR_STATUS;

/** Lit's error detail (`errorObject`), which the SDK shows to its user. */
export const LitErrorObject = z.object({
  errorKind: z.string(),
  errorCode: z.string(),
  status: z.number().int(),
  message: z.string(),
  /** Litbox's code from the route's closed list. */
  details: z.array(z.string()),
});
export type LitErrorObject = z.infer<typeof LitErrorObject>;

/** Every answer, success or not: Lit's envelope around the route's data. */
export function litResult<T extends z.ZodType>(data: T) {
  return z.object({
    ok: z.boolean(),
    error: z.string().nullable(),
    errorObject: LitErrorObject.nullable(),
    data: data.nullable(),
  });
}

const Hex32Bare = z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 32 bytes of hex without 0x');

/** POST /web/handshake/: the client's challenge; the node's keys, the chain head and the epoch. */
export const HandshakeRequest = z.object({
  clientPublicKey: z.string().max(256),
  challenge: Hex32Bare,
  epoch: z.number().int().min(0).optional(),
});
export type HandshakeRequest = z.infer<typeof HandshakeRequest>;

export const HandshakeData = z.object({
  /** The node's Ed25519 signing key (hex); the SDK keeps but does not use it. */
  serverPublicKey: z.string(),
  /** The network's BLS12-381 key: 48-byte compressed G1 as 96 hex digits, no 0x (what `encrypt` uses). */
  subnetPublicKey: z.string().regex(/^[0-9a-f]{96}$/),
  networkPublicKey: z.string(),
  networkPublicKeySet: z.string(),
  clientSdkVersion: z.string(),
  /** Litbox has no HD root keys (one DKG key per PKP). */
  hdRootPubkeys: z.array(z.string()),
  attestation: z.null(),
  /** The sandbox chain's latest block hash (the SDK signs it into SIWE messages as the nonce). */
  latestBlockhash: z.string().regex(/^0x[0-9a-f]{64}$/),
  /** The node's X25519 key (hex), the one v2 requests are encrypted to. */
  nodeIdentityKey: z.string().regex(/^[0-9a-f]{64}$/),
  nodeVersion: z.string(),
  epoch: z.number().int(),
});
export type HandshakeData = z.infer<typeof HandshakeData>;

export interface LitNodeRoute<Req extends z.ZodType = z.ZodType, Data extends z.ZodType = z.ZodType> {
  path: string;
  request: Req;
  data: Data;
  errors: readonly LitErrorCode[];
}

export const LIT_NODE_ROUTES = {
  handshake: {
    path: '/web/handshake/',
    request: HandshakeRequest,
    data: HandshakeData,
    errors: ['bad_request', 'not_ready', 'internal'],
  },
} as const satisfies Record<string, LitNodeRoute>;
export type LitRouteName = keyof typeof LIT_NODE_ROUTES;
export type LitRouteRequest<N extends LitRouteName> = z.infer<(typeof LIT_NODE_ROUTES)[N]['request']>;
export type LitRouteData<N extends LitRouteName> = z.infer<(typeof LIT_NODE_ROUTES)[N]['data']>;
export type LitRouteError<N extends LitRouteName> = (typeof LIT_NODE_ROUTES)[N]['errors'][number];

/** The headers Lit's SDK sends (a browser asks before sending them: CORS preflight). */
export const LIT_REQUEST_HEADERS = ['content-type', 'accept', 'x-lit-sdk-version', 'x-lit-sdk-type', 'x-request-id'];

/** The epoch Litbox reports to Lit's SDKs: it has no epochs, so always this one (Staking says the same). */
export const LIT_SDK_EPOCH = 1;

/**
 * Whether a browser page at `origin` may call the Lit routes: pages served from this machine
 * (http or https on localhost, 127.0.0.1 or [::1], any port). Everything else is refused.
 */
export function isLocalhostOrigin(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.origin !== origin) return false; // a path, credentials or other decoration: not an Origin header
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  return url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
}
