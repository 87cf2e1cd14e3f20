import { z } from 'zod';
import { LitConditionFields } from './lit-conditions.ts';

/**
 * Lit's node API as Litbox nodes serve it, beside their own routes (docs/LIT-SDK.md): one
 * entry per route with its path, request schema, the `data` its answer carries and the closed
 * list of error codes it may give. Nodes register these routes from this table; tests and
 * tools call them by name. Shapes are those Lit's v8 SDK (@lit-protocol/lit-client 8.3.1)
 * sends and parses. A route marked `sealed` takes and gives its JSON end-to-end encrypted
 * (./e2ee.ts): `request` is the schema of what is inside the sealed request.
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
  /** A sealed request that does not open with this node's identity key (answered in the clear). */
  cannot_decrypt: 400,
  /** Conditions a Litbox network cannot check (another chain, Solana, an unknown method). */
  unsupported_conditions: 400,
  /** The access control conditions do not hold for the requester, now. */
  conditions_not_met: 403,
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
    /** An object; in the sealed answers of sealed routes the JSON text of one (as Lit's nodes send it). */
    errorObject: z.union([LitErrorObject, z.string()]).nullable(),
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

/**
 * POST /web/encryption/sign/v2 (sealed), what `litClient.decrypt` sends each node: the
 * conditions (in Lit's canonical form), the hash of the data, and that node's session signature.
 * The ciphertext comes along but a node needs none of it: the identity it signs is rebuilt from
 * the conditions and the data hash.
 */
export const EncryptionSignRequest = LitConditionFields.extend({
  ciphertext: z.string().max(8 * 1024 * 1024),
  dataToEncryptHash: z.string().regex(/^[0-9a-f]{64}$/, 'must be the SHA-256 of the data as 64 lowercase hex digits'),
  /** This node's session signature (app/nodes/lit-sdk/session-sig.ts checks it). */
  authSig: z.unknown(),
  chain: z.string().max(64),
  keySetId: z.string().max(100).optional(),
});
export type EncryptionSignRequest = z.infer<typeof EncryptionSignRequest>;

/** A BLS signature share the SDK combines: its x-coordinate (little-endian 32-byte scalar) and x_j·H(identity). */
export const LitBlsShare = z.object({
  ProofOfPossession: z.object({
    identifier: z.string().regex(/^[0-9a-f]{64}$/),
    value: z.string().regex(/^[0-9a-f]{192}$/),
  }),
});

export const EncryptionSignData = z.object({
  result: z.literal('success'),
  signatureShare: LitBlsShare,
  /** Which node's share (its index); the SDK only requires a string. */
  shareId: z.string(),
});
export type EncryptionSignData = z.infer<typeof EncryptionSignData>;

export interface LitNodeRoute<Req extends z.ZodType = z.ZodType, Data extends z.ZodType = z.ZodType> {
  path: string;
  /** Request and answer are end-to-end encrypted to and from the node's identity key. */
  sealed: boolean;
  request: Req;
  data: Data;
  errors: readonly LitErrorCode[];
}

export const LIT_NODE_ROUTES = {
  handshake: {
    path: '/web/handshake/',
    sealed: false,
    request: HandshakeRequest,
    data: HandshakeData,
    errors: ['bad_request', 'not_ready', 'internal'],
  },
  encryptionSign: {
    path: '/web/encryption/sign/v2',
    sealed: true,
    request: EncryptionSignRequest,
    data: EncryptionSignData,
    errors: [
      'bad_request',
      'cannot_decrypt',
      'invalid_session',
      'expired_session',
      'session_for_other_node',
      'resource_not_granted',
      'unsupported_conditions',
      'conditions_not_met',
      'not_ready',
      'internal',
    ],
  },
} as const satisfies Record<string, LitNodeRoute>;
export type LitRouteName = keyof typeof LIT_NODE_ROUTES;
export type LitRouteRequest<N extends LitRouteName> = z.infer<(typeof LIT_NODE_ROUTES)[N]['request']>;
export type LitRouteData<N extends LitRouteName> = z.infer<(typeof LIT_NODE_ROUTES)[N]['data']>;
export type LitRouteError<N extends LitRouteName> = (typeof LIT_NODE_ROUTES)[N]['errors'][number];
export type SealedLitRouteName = {
  [N in LitRouteName]: (typeof LIT_NODE_ROUTES)[N]['sealed'] extends true ? N : never;
}[LitRouteName];
export type PlainLitRouteName = Exclude<LitRouteName, SealedLitRouteName>;

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
