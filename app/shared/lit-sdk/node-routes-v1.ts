import { z } from 'zod';
import { LitConditionFields } from './lit-conditions.ts';
import { LIT_ERROR_STATUS, type LitErrorCode } from './node-routes.ts';
import { SignSessionKeyRequest } from './sign-session-key.ts';

/**
 * Lit's v1 node API, what Lit's v7 ("Datil") SDK (@lit-protocol/lit-node-client 7.4.0) sends and
 * parses (docs/LIT-SDK.md, "v7"). Unlike v2 (./node-routes.ts) nothing is sealed, an answer is the
 * route's data itself (no `{ok, data}` envelope), and a refusal is Lit's error object on its own,
 * with the HTTP status. The SDK sends every request to every node it connected to: pkpSign waits
 * for all of them.
 */

/** A refusal as the v7 SDK reads it (`res.error.errorCode`, `.message`, shown in its NodeError). */
export const LitV1Error = z.object({
  errorKind: z.string(),
  /** `litbox_<code>`. */
  errorCode: z.string(),
  status: z.number().int(),
  message: z.string(),
  /** Litbox's code from the route's closed list. */
  details: z.array(z.string()),
});
export type LitV1Error = z.infer<typeof LitV1Error>;

/**
 * What the v7 SDK reads from the handshake (POST /web/handshake/, the same route and request as
 * v8): these fields at the top level of the answer. Litbox's handshake answer carries them there
 * beside v8's `{ok, data}`, so one answer serves both SDKs.
 */
export const HandshakeV1Data = z.object({
  serverPublicKey: z.string(),
  /** The network's BLS12-381 key, 96 hex digits without 0x: what `encrypt` uses. */
  subnetPublicKey: z.string().regex(/^[0-9a-f]{96}$/),
  networkPublicKey: z.string(),
  networkPublicKeySet: z.string(),
  hdRootPubkeys: z.array(z.string()),
  latestBlockhash: z.string().regex(/^0x[0-9a-f]{64}$/),
  attestation: z.null().optional(),
});
export type HandshakeV1Data = z.infer<typeof HandshakeV1Data>;

/**
 * POST /web/encryption/sign/ (v7's `decrypt`): the conditions in Lit's canonical form, the hash of
 * the data and this node's session signature. No ciphertext: the identity signed is rebuilt from
 * the conditions and the data hash.
 */
export const EncryptionSignV1Request = LitConditionFields.extend({
  dataToEncryptHash: z.string().regex(/^[0-9a-f]{64}$/, 'must be the SHA-256 of the data as 64 lowercase hex digits'),
  /** This node's session signature (app/nodes/lit-sdk/session-sig.ts checks it). */
  authSig: z.unknown(),
  chain: z.string().max(64).optional(),
  epoch: z.number().int().min(0).optional(),
});
export type EncryptionSignV1Request = z.infer<typeof EncryptionSignV1Request>;

/**
 * A BLS signature share as v7 combines it (blsful 2.5's bytes): hex of the node's index as one
 * byte, then x_j·H(identity) as a 96-byte compressed G2 point.
 */
export const LitV1BlsShare = z.object({
  ProofOfPossession: z.string().regex(/^[0-9a-f]{194}$/, 'must be 97 bytes of hex: index then a G2 point'),
});

export const EncryptionSignV1Data = z.object({
  result: z.literal('success'),
  signatureShare: LitV1BlsShare,
  shareIndex: z.number().int(),
});
export type EncryptionSignV1Data = z.infer<typeof EncryptionSignV1Data>;

/**
 * POST /web/pkp/sign/v1 (v7's `pkpSign`), sent to every node: the 32-byte digest (v7 does not hash;
 * the caller gives the digest), the PKP and this node's session signature. No signing set and no
 * presignature: every node of the network signs, and they agree on a presignature among themselves.
 */
export const PkpSignV1Request = z.object({
  toSign: z.array(z.number().int().min(0).max(255)).length(32, 'must be a 32-byte digest'),
  pubkey: z.string().regex(/^0x04[0-9a-fA-F]{128}$/, 'must be a 65-byte uncompressed public key, 0x04…'),
  authSig: z.unknown(),
  authMethods: z
    .array(z.object({ authMethodType: z.number(), accessToken: z.string().max(64 * 1024) }))
    .max(8)
    .optional(),
  epoch: z.number().int().min(0).optional(),
});
export type PkpSignV1Request = z.infer<typeof PkpSignV1Request>;

/**
 * One node's ECDSA share as v7 reads it (snake_case, bare hex): the share already multiplied by the
 * node's Lagrange coefficient over every node of the network (v7's combiner only adds shares);
 * every node gives the same `big_r`.
 */
export const LitV1EcdsaShare = z.object({
  digest: z.string().regex(/^[0-9a-f]{64}$/),
  result: z.literal('success'),
  share_index: z.number().int(),
  signature_share: z.string().regex(/^[0-9a-f]{64}$/),
  big_r: z.string().regex(/^[0-9a-f]{66}$/),
  public_key: z.string().regex(/^[0-9a-f]{130}$/),
  sig_type: z.literal('K256'),
});

export const PkpSignV1Data = z.object({
  success: z.literal(true),
  signedData: z.array(z.number().int()),
  signatureShare: LitV1EcdsaShare,
});
export type PkpSignV1Data = z.infer<typeof PkpSignV1Data>;

/**
 * POST /web/sign_session_key/v1 (v7's `getPkpSessionSigs` / `signSessionKey`), sent to every node
 * in the clear: v2's request (./sign-session-key.ts) without a signing set. v7 combines the first
 * `minNodeCount` answers.
 */
export const SignSessionKeyV1Request = SignSessionKeyRequest.omit({ nodeSet: true, maxPrice: true, pkpKeySetId: true });
export type SignSessionKeyV1Request = z.infer<typeof SignSessionKeyV1Request>;

/** One node's share of a PKP session as v7 combines it: v2's answer with the share in blsful 2.5's bytes. */
export const SignSessionKeyV1Data = z.object({
  result: z.literal('success'),
  /** x_j·H(m): the node's index as one byte, then the 96-byte compressed G2 point. */
  signatureShare: LitV1BlsShare,
  shareIndex: z.number().int(),
  curveType: z.literal('BLS'),
  /** The SIWE signed: the client's, with the auth methods the node verified added to its ReCap. */
  siweMessage: z.string(),
  /** m, hex: what the share signs. */
  dataSigned: z.string().regex(/^[0-9a-f]{64}$/),
  /** The network's BLS key, hex. */
  blsRootPubkey: z.string().regex(/^[0-9a-f]{96}$/),
});
export type SignSessionKeyV1Data = z.infer<typeof SignSessionKeyV1Data>;

/**
 * POST /web/execute/v1 (v7's `executeJs`), sent to every node: the code (base64) or the `ipfsId`
 * of an action in the sandbox's store, the user's params as they gave them (the action sees each
 * key as a global), this node's session signature. v7 also sends its other options
 * (`responseStrategy`, `useSingleNode`…); the node ignores them. No signing set: every node runs
 * the action and signs.
 */
export const ExecuteJsV1Request = z.object({
  code: z
    .string()
    .max(16 * 1024 * 1024)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64')
    .optional(),
  ipfsId: z.string().max(100).optional(),
  jsParams: z.record(z.string(), z.unknown()).optional(),
  authSig: z.unknown(),
  epoch: z.number().int().min(0).optional(),
});
export type ExecuteJsV1Request = z.infer<typeof ExecuteJsV1Request>;

/**
 * One signature an action asked for, this node's share as v7 combines it (camelCase, bare hex):
 * weighted by the node's Lagrange coefficient over every node, so v7 only adds the shares, checks
 * the sum against `publicKey` and `dataSigned`.
 */
export const LitV1ActionSignedShare = z.object({
  sigType: z.literal('K256'),
  signatureShare: z.string().regex(/^[0-9a-f]{64}$/),
  shareIndex: z.number().int(),
  /** R', compressed. */
  bigR: z.string().regex(/^[0-9a-f]{66}$/),
  publicKey: z.string().regex(/^[0-9a-f]{130}$/),
  /** The 32 bytes signed. */
  dataSigned: z.string().regex(/^[0-9a-f]{64}$/),
  sigName: z.string(),
});

/** Every node answers the same `response` and `logs`; v7 takes the most common. */
export const ExecuteJsV1Data = z.object({
  success: z.literal(true),
  signedData: z.record(z.string(), LitV1ActionSignedShare),
  decryptedData: z.record(z.string(), z.unknown()),
  claimData: z.record(z.string(), z.unknown()),
  response: z.string(),
  logs: z.string(),
});
export type ExecuteJsV1Data = z.infer<typeof ExecuteJsV1Data>;

export interface LitV1NodeRoute<Req extends z.ZodType = z.ZodType, Data extends z.ZodType = z.ZodType> {
  path: string;
  request: Req;
  data: Data;
  errors: readonly LitErrorCode[];
}

const SESSION_ERRORS = [
  'bad_request',
  'invalid_session',
  'expired_session',
  'session_for_other_node',
  'resource_not_granted',
] as const satisfies readonly LitErrorCode[];

export const LIT_V1_NODE_ROUTES = {
  encryptionSign: {
    path: '/web/encryption/sign/',
    request: EncryptionSignV1Request,
    data: EncryptionSignV1Data,
    errors: [...SESSION_ERRORS, 'unsupported_conditions', 'conditions_not_met', 'not_ready', 'internal'],
  },
  pkpSign: {
    path: '/web/pkp/sign/v1',
    request: PkpSignV1Request,
    data: PkpSignV1Data,
    errors: [
      ...SESSION_ERRORS,
      'unknown_pkp',
      'not_permitted',
      'rate_limited',
      'no_agreement',
      'not_ready',
      'internal',
    ],
  },
  signSessionKey: {
    path: '/web/sign_session_key/v1',
    request: SignSessionKeyV1Request,
    data: SignSessionKeyV1Data,
    errors: ['bad_request', 'invalid_auth_method', 'unknown_pkp', 'not_permitted', 'not_ready', 'internal'],
  },
  executeJs: {
    path: '/web/execute/v1',
    request: ExecuteJsV1Request,
    data: ExecuteJsV1Data,
    errors: [
      ...SESSION_ERRORS,
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
} as const satisfies Record<string, LitV1NodeRoute>;
export type LitV1RouteName = keyof typeof LIT_V1_NODE_ROUTES;
export type LitV1RouteRequest<N extends LitV1RouteName> = z.infer<(typeof LIT_V1_NODE_ROUTES)[N]['request']>;
export type LitV1RouteData<N extends LitV1RouteName> = z.infer<(typeof LIT_V1_NODE_ROUTES)[N]['data']>;

/** Lit's error object for a Litbox code (the status comes from the one table of all Lit routes). */
export function litV1Error(code: LitErrorCode | string, message: string, status?: number): LitV1Error {
  const httpStatus = status ?? (LIT_ERROR_STATUS as Record<string, number>)[code] ?? 500;
  return {
    errorKind: httpStatus < 500 ? 'Validation' : 'Unexpected',
    errorCode: `litbox_${code}`,
    status: httpStatus,
    message,
    details: [code],
  };
}
