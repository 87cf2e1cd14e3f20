import { z } from 'zod';
import type { EcdsaSignature } from './threshold/ecdsa.ts';

/**
 * The values that cross every wire (host API, node API, CLI arguments, the renderer's forms),
 * each checked in one place with one plain message and, once parsed, carried as a branded type
 * in one canonical form: code inside a process takes a `PublicKey` or a `Digest` and never
 * checks the text again.
 *
 * Each value has two schemas:
 * - `…Text` only checks the text (any accepted spelling passes through unchanged): for
 *   answers and records that a producer builds from plain strings (an auth sig, a node's share);
 * - the bare name (`PublicKey`, `Digest`, …) checks, normalises and brands: for requests, where
 *   the receiver wants one form. Both accept exactly the same texts.
 */

/** A 65-byte uncompressed secp256k1 public key: 04 ‖ x ‖ y, with or without 0x, any case. */
export const PUBLIC_KEY_PATTERN = /^(0x)?04[0-9a-fA-F]{128}$/;
/** 32 bytes, 0x-prefixed (a digest to sign, a transaction or block hash). */
export const BYTES32_PATTERN = /^0x[0-9a-fA-F]{64}$/;
/** A 20-byte Ethereum address, 0x-prefixed, any case (a checksum is not required). */
export const ADDRESS_PATTERN = /^0x[0-9a-fA-F]{40}$/;
/** Whole bytes of hex, 0x-prefixed ("0x" is zero bytes). */
export const HEX_PATTERN = /^0x([0-9a-fA-F]{2})*$/;
/** A 65-byte ECDSA signature r ‖ s ‖ v, 0x-prefixed. */
export const SIGNATURE_PATTERN = /^0x[0-9a-fA-F]{130}$/;
/** A CIDv0 as `ipfs add` prints it: Qm and 44 base58 characters. */
export const CID_PATTERN = /^Qm[1-9A-HJ-NP-Za-km-z]{44}$/;

export const WIRE_MESSAGES = {
  publicKey: 'must be a 65-byte uncompressed public key (0x04…)',
  digest: 'must be a 32-byte digest: 0x followed by 64 hex digits',
  transactionHash: 'must be a transaction hash',
  address: 'must be an Ethereum address',
  hex: 'must be hex bytes: 0x followed by pairs of hex digits',
  signature: 'must be a 65-byte signature (0x r‖s‖v)',
  cid: 'must be a CIDv0 (Qm… in base58)',
} as const;

/** Lower-case hex with one 0x in front, whichever spelling came in. */
function canonicalHex(text: string): string {
  return `0x${text.replace(/^0x/, '').toLowerCase()}`;
}

export const PublicKeyText = z.string().regex(PUBLIC_KEY_PATTERN, WIRE_MESSAGES.publicKey);
/** Parsed: 0x04… in lower case. */
export const PublicKey = PublicKeyText.transform(canonicalHex).brand<'PublicKey'>();
export type PublicKey = z.output<typeof PublicKey>;

export const DigestText = z.string().regex(BYTES32_PATTERN, WIRE_MESSAGES.digest);
/** Parsed: 0x and 64 lower-case hex digits. */
export const Digest = DigestText.transform(canonicalHex).brand<'Digest'>();
export type Digest = z.output<typeof Digest>;

export const TransactionHashText = z.string().regex(BYTES32_PATTERN, WIRE_MESSAGES.transactionHash);
/** Parsed: 0x and 64 lower-case hex digits. */
export const TransactionHash = TransactionHashText.transform(canonicalHex).brand<'TransactionHash'>();
export type TransactionHash = z.output<typeof TransactionHash>;

export const AddressText = z.string().regex(ADDRESS_PATTERN, WIRE_MESSAGES.address);
/** Parsed: kept as given, since the case of an address carries its checksum. */
export const Address = AddressText.brand<'Address'>();
export type Address = z.output<typeof Address>;

export const HexText = z.string().regex(HEX_PATTERN, WIRE_MESSAGES.hex);
/** Parsed: 0x and lower-case hex digits. */
export const Hex = HexText.transform(canonicalHex).brand<'Hex'>();
export type Hex = z.output<typeof Hex>;

export const SignatureHexText = z.string().regex(SIGNATURE_PATTERN, WIRE_MESSAGES.signature);
/** Parsed: 0x and 130 lower-case hex digits. */
export const SignatureHex = SignatureHexText.transform(canonicalHex).brand<'SignatureHex'>();
export type SignatureHex = z.output<typeof SignatureHex>;

export const CidText = z.string().regex(CID_PATTERN, WIRE_MESSAGES.cid);
/** Parsed: kept as given (base58 is case-sensitive). */
export const Cid = CidText.brand<'Cid'>();
export type Cid = z.output<typeof Cid>;

/**
 * One ECDSA signature, from the math (shared/threshold/ecdsa.ts `EcdsaSignature`) to the API:
 * r and s as 64 hex digits and the recovery id, the same as 65 bytes r ‖ s ‖ v, and what was
 * signed by which key. Hex without 0x except `signature`, as Lit's SDK gives it.
 */
export const EcdsaSignatureWire = z.object({
  r: z.string(),
  s: z.string(),
  recid: z.union([z.literal(0), z.literal(1)]),
  signature: z.string(),
  publicKey: z.string(),
  dataSigned: z.string(),
});
/** The math's type and the wire's are one shape: this fails to compile when either drifts. */
type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const signatureShapesAgree: SameShape<EcdsaSignature, z.infer<typeof EcdsaSignatureWire>> = true;
void signatureShapesAgree;
/** A PKP's signature as the host's Lit client returns it: the signature and the nodes whose shares made it. */
export const PkpSignature = EcdsaSignatureWire.extend({ nodes: z.array(z.number().int()) });
export type PkpSignature = z.infer<typeof PkpSignature>;

/**
 * Checks one value outside a schema (a form field, a URL segment, a CLI argument): the plain
 * message when it is refused, undefined when it is fine.
 */
export function wireValueProblem(schema: z.ZodType, text: unknown): string | undefined {
  const parsed = schema.safeParse(text);
  return parsed.success ? undefined : (parsed.error.issues[0]?.message ?? 'is not valid');
}

/** Whether `text` is a value of `schema` (a type guard on the text's checked form). */
export function isWireValue<S extends z.ZodType>(schema: S, text: unknown): text is z.input<S> {
  return schema.safeParse(text).success;
}
