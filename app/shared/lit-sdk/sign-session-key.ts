import { z } from 'zod';

/**
 * POST /web/sign_session_key/v2 (sealed), what Lit's v8 SDK sends each node of its set when an
 * app asks for a PKP session (`authManager.createPkpAuthContext`): the session key's URI, the
 * auth methods that prove who asks, the PKP, and the SIWE the PKP's session is to be signed on.
 * Each node checks all of it itself and answers its share of the network's BLS signature over
 * that SIWE (app/nodes/lit-sdk/sign-session-key.ts). This file imports nothing from
 * ./node-routes.ts, which lists the route (the two would import each other).
 */
export const SignSessionKeyRequest = z.object({
  /** `lit:session:` then the session's Ed25519 public key (hex). */
  sessionKey: z.string().regex(/^lit:session:[0-9a-f]{64}$/, 'must be lit:session:<32-byte hex session key>'),
  authMethods: z.array(z.object({ authMethodType: z.number().int(), accessToken: z.string().max(64 * 1024) })).max(8),
  pkpPublicKey: z.string().regex(/^0x04[0-9a-fA-F]{128}$/, 'must be a 65-byte uncompressed public key, 0x04…'),
  siweMessage: z.string().max(16 * 1024),
  curveType: z.literal('BLS'),
  epoch: z.number().int().min(0).optional(),
  nodeSet: z
    .array(z.object({ socketAddress: z.string().max(300), value: z.number() }))
    .min(1)
    .max(64),
  maxPrice: z.string().max(100).optional(),
  pkpKeySetId: z.string().max(100).optional(),
  /** Lit refuses an auth sig on this route (auth methods only); so does Litbox (read to say so). */
  authSig: z.unknown().optional(),
  /** Custom auth (`createCustomAuthContext`: a Lit Action deciding), which Litbox refuses for now. */
  code: z
    .string()
    .max(16 * 1024 * 1024)
    .optional(),
  litActionIpfsId: z.string().max(100).optional(),
  jsParams: z.unknown().optional(),
});
export type SignSessionKeyRequest = z.infer<typeof SignSessionKeyRequest>;

export const SignSessionKeyData = z.object({
  result: z.literal('success'),
  /** x_j·H(m): this node's share of the network's BLS signature, in the form the SDK combines. */
  signatureShare: z.object({
    ProofOfPossession: z.object({
      identifier: z.string().regex(/^[0-9a-f]{64}$/),
      value: z.string().regex(/^[0-9a-f]{192}$/),
    }),
  }),
  shareId: z.string(),
  curveType: z.literal('BLS'),
  /** The SIWE signed: the client's, with the auth methods the node verified added to its ReCap. */
  siweMessage: z.string(),
  /** m, hex: what the share signs (pkpSessionSignedBytes of the SIWE). */
  dataSigned: z.string().regex(/^[0-9a-f]{64}$/),
  /** The network's BLS key, hex. */
  blsRootPubkey: z.string().regex(/^[0-9a-f]{96}$/),
});
export type SignSessionKeyData = z.infer<typeof SignSessionKeyData>;

/**
 * The ReCap target under which the nodes write the auth methods they verified into a PKP
 * session's SIWE (Lit's name). A client may not write it itself: a node refuses a SIWE that has it.
 */
export const RESOLVED_AUTH_CONTEXT_TARGET = 'lit-resolvedauthcontext://*';
export const RESOLVED_AUTH_CONTEXT_ABILITY = 'Auth/Auth';

/** One auth method as the nodes verified it (its on-chain id and who it is). */
export const ResolvedAuthMethod = z.object({
  authMethodType: z.number().int(),
  /** 0x hex of the id bytes PKPPermissions keys it by. */
  id: z.string().regex(/^0x[0-9a-fA-F]*$/),
  userId: z.string().max(500),
  appId: z.string().max(500),
});
export const ResolvedAuthContext = z.object({ authMethodContexts: z.array(ResolvedAuthMethod).min(1).max(8) });
export type ResolvedAuthContext = z.infer<typeof ResolvedAuthContext>;
