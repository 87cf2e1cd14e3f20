import type { EcdsaSignature } from '../../shared/threshold/ecdsa.ts';
import type { AuthMethodProof, AuthSig } from '../../shared/node-api.ts';

/** What the Lit client's operations take and give (its callers and its modules share these). */

export interface PkpSignRequest {
  /** 65-byte uncompressed public key, 0x04… */
  publicKey: string;
  /** 32-byte digest, 0x… */
  toSign: string;
  /** Who asks: an auth sig (the wallet account), auth methods (Google-style, passkey), or both. */
  authSig?: AuthSig;
  authMethods?: AuthMethodProof[];
}

export interface PkpSignResult extends EcdsaSignature {
  /** The nodes whose shares made the signature. */
  nodes: number[];
}

export interface ExecuteJsInput {
  code: string;
  ipfsId?: string;
  jsParams?: Record<string, unknown>;
  authSig?: AuthSig;
  authMethods?: AuthMethodProof[];
}

/** What one node answered to a Lit Action run (no shares): for seeing the network at work. */
export interface ActionNodeAnswer {
  node: number;
  response?: string;
  logs: string;
  error?: { kind: string; message: string };
  signatures: string[];
}

export interface ExecuteJsResult {
  signatures: Record<string, PkpSignResult>;
  response: string | undefined;
  logs: string;
  ipfsId: string;
  /** What each node answered (no shares): for seeing the network at work. */
  nodes: ActionNodeAnswer[];
}

/** The last signature this client combined: which nodes' shares made it, and when. */
export interface LastSignature {
  kind: 'pkpSign' | 'executeJs' | 'decrypt';
  nodes: number[];
  at: number;
  publicKey: string | null;
}
