import { z } from 'zod';
import { EncryptedData } from './encryption/encrypted-data.ts';
import { AddressText, Digest, HexText, PublicKey } from './wire-values.ts';

/**
 * The node HTTP API that clients (the host's Lit client, tests) call. Node-to-node messages
 * are signed envelopes described in app/nodes/peers.
 */

/** Lit's auth sig: an EIP-191 signature over a SIWE message. */
export const AuthSig = z.object({
  sig: HexText,
  derivedVia: z.string(),
  signedMessage: z.string().max(4096),
  address: AddressText,
});
export type AuthSig = z.infer<typeof AuthSig>;

/**
 * Proof of an auth method, as Lit's SDK sends it: the type and a token the node verifies
 * itself (GoogleJwt: the ID token; WebAuthn: the assertion as JSON).
 */
export const AuthMethodProof = z.object({
  authMethodType: z.number().int().min(1).max(1_000_000),
  accessToken: z.string().min(1).max(16_384),
});
export type AuthMethodProof = z.infer<typeof AuthMethodProof>;

export const BindRequest = z
  .object({
    presignatureId: z.string().min(1).max(128),
    publicKey: PublicKey,
    toSign: Digest,
    authSig: AuthSig.optional(),
    authMethods: z.array(AuthMethodProof).max(8).optional(),
  })
  .refine(
    (r) => r.authSig !== undefined || (r.authMethods?.length ?? 0) > 0,
    'an auth sig or an auth method is needed',
  );
export type BindRequest = z.infer<typeof BindRequest>;

/**
 * A node's binding of a presignature to (key, digest): one 16-byte tag per node, each an
 * HMAC under the key that node shares with the binder (from their registered X25519 keys).
 */
export const Binding = z.object({
  node: z.number().int().min(1),
  tags: z.record(z.string().regex(/^\d{1,2}$/), z.string().regex(/^[0-9a-f]{32}$/)),
});
export type Binding = z.infer<typeof Binding>;

export const BindResponse = z.object({ binding: Binding });

export const ReleaseRequest = z.object({
  presignatureId: z.string().min(1).max(128),
  publicKey: PublicKey,
  toSign: Digest,
  bindings: z.array(Binding).max(64),
});
export type ReleaseRequest = z.infer<typeof ReleaseRequest>;

export const ReleaseResponse = z.object({
  node: z.number().int().min(1),
  /** s_j, 32-byte hex. */
  share: HexText,
  /** R' = δ·R, 65-byte uncompressed hex. */
  bigR: HexText,
});
export type ReleaseResponse = z.infer<typeof ReleaseResponse>;

export const PresignaturesAvailable = z.object({
  node: z.number().int(),
  ids: z.array(z.string()),
});

/**
 * Host only: presignatures this node holds fresh that other nodes used without it (an action
 * run at T + 1 nodes): they can never gather T bindings again, so the node retires them.
 */
export const RetireRequest = z.object({
  presignatureIds: z.array(z.string().min(1).max(128)).min(1).max(64),
});
export type RetireRequest = z.infer<typeof RetireRequest>;
export const RetireResponse = z.object({ node: z.number().int().min(1), retired: z.number().int().min(0) });

/** Client requests over the node's WebSocket (/rpc): any POST route, by path, with its JSON body as text. */
export const NODE_RPC_PATH = '/rpc';
export const NodeRpcRequest = z.object({
  id: z.number().int(),
  path: z.string().max(200),
  body: z.string(),
});
export type NodeRpcRequest = z.infer<typeof NodeRpcRequest>;
export type NodeRpcResponse = {
  id: number;
  status: number;
  result?: unknown;
  error?: { code: string; message: string };
};

/** What the network's BLS key signs on /bls/attest: this prefix, then the caller's message. */
export const ATTESTATION_PREFIX = 'litbox-attestation:v1:';

/** executeJs at one node: run the action; bind a presignature for every permitted signature. */
export const ExecuteJsRequest = z.object({
  /** Unique per client request: names the action's runOnce/broadcastAndCollect exchanges. */
  requestId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  code: z
    .string()
    .min(1)
    .max(16 * 1024 * 1024),
  /** When given, the code must hash to it (CIDv0). */
  ipfsId: z.string().optional(),
  jsParams: z.record(z.string(), z.unknown()).optional(),
  authSig: AuthSig.optional(),
  authMethods: z.array(AuthMethodProof).max(8).optional(),
  /** The nodes the client asked: the peers of runOnce and broadcastAndCollect. */
  participants: z.array(z.number().int().min(1)).min(1).max(64),
  /** Presignatures for the action's signatures, in sigName order; unused ones stay fresh. */
  presignatureIds: z.array(z.string().min(1).max(128)).max(10),
});
export type ExecuteJsRequest = z.infer<typeof ExecuteJsRequest>;

/**
 * Sign again after a run (host only): bind another presignature to the (key, digest) that this
 * node's own run of `requestId` asked to sign as `sigName`. For when the presignature the run
 * bound lost holders (a node went down mid-run): the action is not run again.
 */
export const RebindRequest = z.object({
  requestId: ExecuteJsRequest.shape.requestId,
  sigName: z.string().min(1).max(256),
  presignatureId: z.string().min(1).max(128),
  /** What the client combines: a node whose run asked for anything else refuses. */
  publicKey: PublicKey,
  toSign: Digest,
});
export type RebindRequest = z.infer<typeof RebindRequest>;

export const ExecuteJsNodeSignature = z.object({
  presignatureId: z.string(),
  /** 32-byte digest, 0x hex. */
  toSign: z.string(),
  publicKey: z.string(),
  binding: Binding,
});

export const ExecuteJsNodeResponse = z.object({
  node: z.number().int(),
  ipfsId: z.string(),
  response: z.string().optional(),
  logs: z.string(),
  error: z.object({ kind: z.string(), message: z.string() }).optional(),
  signatures: z.record(z.string(), ExecuteJsNodeSignature),
  /** Signatures this node could not bind, and why. */
  signatureErrors: z.record(z.string(), z.string()).optional(),
  /**
   * What the run did beyond this node (fetch, runOnce, broadcastAndCollect, decryptAndCombine):
   * a client must not run such an action again on its own, or the effects would repeat.
   */
  effects: z.array(z.string()).optional(),
});
export type ExecuteJsNodeResponse = z.infer<typeof ExecuteJsNodeResponse>;

/**
 * A decryption share request (/decrypt/share): the encrypted record (each node rebuilds the
 * identity from its conditions and data hash, so an identity cannot be asked for apart from
 * its conditions) and who asks. `pkpPublicKey`: the requester speaks for that PKP (its
 * address is :userAddress) by auth methods the PKP permits.
 */
export const DecryptShareRequest = z.object({
  encrypted: EncryptedData,
  authSig: AuthSig.optional(),
  authMethods: z.array(AuthMethodProof).max(8).optional(),
  pkpPublicKey: PublicKey.optional(),
});
export type DecryptShareRequest = z.infer<typeof DecryptShareRequest>;

export const DecryptShareResponse = z.object({
  node: z.number().int(),
  /** The share in Lit's JSON form ({"ProofOfPossession":{identifier, value}}). */
  share: z.string(),
  /** The address the conditions were checked for. */
  userAddress: z.string().nullable(),
  /** Time this node spent (auth, conditions, share), for the benchmark. */
  elapsedMs: z.number(),
});
export type DecryptShareResponse = z.infer<typeof DecryptShareResponse>;
