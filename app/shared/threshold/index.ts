// The threshold cryptography other processes use. Nodes (app/nodes) run the DKG, presign
// and share steps; the host's Lit client (app/host) combines and verifies. Everything here
// is pure: no I/O, no clocks, randomness only from the platform CSPRNG. Security model:
// honest majority, at most t of N nodes faulty or colluding (see README.md).

// Scalars and points as they travel between processes.
export { scalarFromHex, scalarToHex, type ScalarField, type Share } from './scalar.ts';
export {
  bls12381G1CompressedBytes,
  bls12381G1Group,
  decodePoint,
  secp256k1Group,
  secp256k1UncompressedBytes,
  type Group,
  type GroupPoint,
} from './groups.ts';
export { InconsistentSharesError, NotEnoughSharesError } from './shamir.ts';

// Distributed key generation: secp256k1 PKP keys (degree t), the BLS network key (degree T-1).
export {
  dealDkg,
  DkgComplaintError,
  dkgTranscriptHash,
  finishDkg,
  verifyDealing,
  type DkgDealing,
  type DkgParams,
  type DkgResult,
  type ReceivedDkgDealing,
} from './dkg.ts';
export type { Commitments } from './feldman.ts';

// ECDSA presignatures, made in batches in two rounds.
export {
  auditPresignDealing,
  PresignAbortError,
  presignRound1Deal,
  presignRound1Finish,
  presignRound2Finish,
  presignRound2Value,
  type PresignBatchParams,
  type PresignDealing,
  type PresignDealingBroadcast,
  type PresignPrivateShares,
  type PresignRound1State,
  type PresignRound2Message,
  type Presignature,
} from './presign.ts';

// ECDSA signing: one share per node, combined and verified by the client.
export {
  combineSignature,
  digestToScalar,
  rerandomise,
  RERANDOMISE_DOMAIN,
  signShare,
  SignatureVerificationError,
  type EcdsaSignature,
  type Rerandomised,
} from './ecdsa.ts';

// Threshold BLS (signatures and Lit's decryption shares).
export {
  BLS_SIGNATURE_DST,
  blsShareFromLitJson,
  blsShareToLitJson,
  blsSignShare,
  combineBlsShares,
  hashToG2,
  verifyBlsShare,
  verifyBlsSignature,
  type BlsSignatureShare,
  type G2Point,
} from './bls.ts';
