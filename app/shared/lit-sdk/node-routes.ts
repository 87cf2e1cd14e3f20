import { z } from 'zod';
import { LitConditionFields } from './lit-conditions.ts';
import { SignSessionKeyData, SignSessionKeyRequest } from './sign-session-key.ts';

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
  /** The public key is not one of this network's PKPs. */
  unknown_pkp: 404,
  /** The wallet behind the session neither owns the PKP nor is permitted to sign with it. */
  not_permitted: 403,
  /** The SDK's signing set is smaller than the network's threshold T (docs/LIT-SDK.md, network size). */
  signing_set_too_small: 400,
  /** Presignatures are bound too fast by this requester, or by everyone outside the host. */
  rate_limited: 429,
  /** The nodes of the signing set did not agree on a presignature for this request in time. */
  no_agreement: 503,
  /** The Lit Action threw, timed out or broke a limit (its message says which). */
  action_failed: 400,
  /** Every Lit Action slot of this node is taken; try again. */
  busy: 429,
  /** An `ipfsId` alone names code this node's action store does not hold (Litbox has no IPFS). */
  unknown_action: 404,
  /** The action store holds a file under that CID whose bytes no longer hash to it. */
  damaged_action: 500,
  /** An auth method of a PKP session request did not verify (or its type is not one this network checks). */
  invalid_auth_method: 401,
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

/** One node of the SDK's signing set, as the v8 SDK names it: `host:port`, weight 1. */
export const LitNodeSetEntry = z.object({ socketAddress: z.string().max(300), value: z.number() });

/** 0x then the 65-byte uncompressed secp256k1 public key (what `pkpSign` sends as `pubkey`). */
const PkpPublicKey = z.string().regex(/^0x04[0-9a-fA-F]{128}$/, 'must be a 65-byte uncompressed public key, 0x04…');

/**
 * POST /web/pkp/sign/v2 (sealed), what `litClient.chain.*.pkpSign` sends each node of its
 * signing set: the 32-byte digest (already hashed by the SDK), the PKP, this node's session
 * signature and the whole set. Every node of the set gets its own such request, with the same
 * X-Request-Id header and no presignature: the nodes agree on one among themselves.
 */
export const PkpSignRequest = z.object({
  toSign: z.array(z.number().int().min(0).max(255)).length(32, 'must be a 32-byte digest'),
  signingScheme: z.literal('EcdsaK256Sha256'),
  pubkey: PkpPublicKey,
  authSig: z.unknown(),
  nodeSet: z.array(LitNodeSetEntry).min(1).max(64),
  epoch: z.number().int().min(0).optional(),
  authMethods: z
    .array(z.object({ authMethodType: z.number(), accessToken: z.string().max(64 * 1024) }))
    .max(8)
    .optional(),
  keySetId: z.string().max(100).optional(),
});
export type PkpSignRequest = z.infer<typeof PkpSignRequest>;

/**
 * One node's ECDSA share as Lit's combiner reads it. The share is already multiplied by this
 * node's Lagrange coefficient over the signing set (the SDK only adds shares); every node of the
 * set gives the same `big_r`. Scalars and points are JSON strings of hex, as Lit's nodes send them.
 */
export const LitEcdsaShare = z.object({
  EcdsaSignedMessageShare: z.object({
    digest: z.string().regex(/^[0-9a-f]{64}$/),
    result: z.literal('success'),
    share_id: z.string(),
    peer_id: z.string(),
    signature_share: z.string().regex(/^"[0-9a-f]{64}"$/),
    big_r: z.string().regex(/^"[0-9a-f]{66}"$/),
    compressed_public_key: z.string().regex(/^"[0-9a-f]{66}"$/),
    public_key: z.string().regex(/^"[0-9a-f]{130}"$/),
    sig_type: z.literal('EcdsaK256Sha256'),
  }),
});

export const PkpSignData = z.object({
  success: z.literal(true),
  /** The digest signed, as bytes. */
  signedData: z.array(z.number().int()),
  signatureShare: LitEcdsaShare,
});
export type PkpSignData = z.infer<typeof PkpSignData>;

/**
 * POST /web/execute/v2 (sealed), what `litClient.executeJs` sends each node of its set: the
 * action's code in base64, or only its `ipfsId` (Litbox has no IPFS: the node then reads the
 * code from its action store and checks it hashes to that CID; an `ipfsId` beside the code
 * must be the code's CID), the user's params wrapped once more in `jsParams`, this node's session
 * signature and the set.
 */
export const ExecuteJsLitRequest = z.object({
  code: z
    .string()
    .max(16 * 1024 * 1024)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64')
    .optional(),
  ipfsId: z.string().max(100).optional(),
  jsParams: z.object({ jsParams: z.record(z.string(), z.unknown()).optional() }).optional(),
  authSig: z.unknown(),
  nodeSet: z.array(LitNodeSetEntry).min(1).max(64),
  epoch: z.number().int().min(0).optional(),
  keySetId: z.string().max(100).optional(),
});
export type ExecuteJsLitRequest = z.infer<typeof ExecuteJsLitRequest>;

/** One signature the action asked for, as the SDK combines it: the share is JSON text. */
export const LitActionSignedShare = z.object({
  sigType: z.literal('EcdsaK256Sha256'),
  /** JSON text of a LitEcdsaShare. */
  signatureShare: z.string(),
  /** JSON text of the 65-byte public key's hex. */
  publicKey: z.string(),
  sigName: z.string(),
});

export const ExecuteJsLitData = z.object({
  success: z.literal(true),
  signedData: z.record(z.string(), LitActionSignedShare),
  decryptedData: z.record(z.string(), z.unknown()),
  claimData: z.record(z.string(), z.unknown()),
  response: z.string(),
  logs: z.string(),
});
export type ExecuteJsLitData = z.infer<typeof ExecuteJsLitData>;

export interface LitNodeRoute<Req extends z.ZodType = z.ZodType, Data extends z.ZodType = z.ZodType> {
  path: string;
  /** Request and answer are end-to-end encrypted to and from the node's identity key. */
  sealed: boolean;
  request: Req;
  data: Data;
  errors: readonly LitErrorCode[];
}

/** What any sealed route may answer before it looks at its own request: the envelope and the session. */
const SEALED_SESSION_ERRORS = [
  'bad_request',
  'cannot_decrypt',
  'invalid_session',
  'expired_session',
  'session_for_other_node',
  'resource_not_granted',
] as const satisfies readonly LitErrorCode[];

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
    errors: [...SEALED_SESSION_ERRORS, 'unsupported_conditions', 'conditions_not_met', 'not_ready', 'internal'],
  },
  pkpSign: {
    path: '/web/pkp/sign/v2',
    sealed: true,
    request: PkpSignRequest,
    data: PkpSignData,
    errors: [
      ...SEALED_SESSION_ERRORS,
      'unknown_pkp',
      'not_permitted',
      'signing_set_too_small',
      'rate_limited',
      'no_agreement',
      'not_ready',
      'internal',
    ],
  },
  executeJs: {
    path: '/web/execute/v2',
    sealed: true,
    request: ExecuteJsLitRequest,
    data: ExecuteJsLitData,
    errors: [
      ...SEALED_SESSION_ERRORS,
      'signing_set_too_small',
      'action_failed',
      'unknown_action',
      'damaged_action',
      'busy',
      'rate_limited',
      'no_agreement',
      'not_ready',
      'internal',
    ],
  },
  signSessionKey: {
    path: '/web/sign_session_key/v2',
    sealed: true,
    request: SignSessionKeyRequest,
    data: SignSessionKeyData,
    errors: [
      'bad_request',
      'cannot_decrypt',
      'invalid_auth_method',
      'unknown_pkp',
      'not_permitted',
      'signing_set_too_small',
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
