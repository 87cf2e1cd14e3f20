import type { RequesterAuth } from './auth/requester-auth.ts';
import type { AuthMethodVerifier } from './auth/requester.ts';
import type { SigningPermissions } from './auth/signing-permissions.ts';
import type { NodeChain } from './chain/node-chain.ts';
import type { KeyShareStore } from './keys/key-share-store.ts';
import type { NetworkKeyStore } from './keys/network-key-store.ts';
import type { PeerCrypto } from './peers/peer-crypto.ts';
import type { PeerDirectory } from './peers/peer-directory.ts';
import type { SessionLedger } from './peers/session-ledger.ts';
import type { PresignStore } from './presign/presign-store.ts';

/** What the protocols of one node share: who it is, its peers, its stores, its chain. */
export interface NodeContext {
  index: number;
  nodeCount: number;
  /** Polynomial degree t; T = 2t+1 shares sign. */
  t: number;
  threshold: number;
  crypto: PeerCrypto;
  peers: PeerDirectory;
  /** Multi-round sessions (DKG, presignatures): rounds in order, from the proposer, once. */
  sessions: SessionLedger;
  keys: KeyShareStore;
  networkKey: NetworkKeyStore;
  presigs: PresignStore;
  chain: NodeChain;
  auth: RequesterAuth;
  /** Verifiers of auth method tokens, by auth method type (GoogleJwt, WebAuthn, ...). */
  authMethodVerifiers: ReadonlyMap<number, AuthMethodVerifier>;
  permissions: SigningPermissions;
  log: (message: string) => void;
}
