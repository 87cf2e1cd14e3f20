import { hsalsa, xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes, randomBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';

/**
 * The end-to-end encryption of Lit's v8 SDK (docs/LIT-SDK.md): every request but the handshake
 * is sealed to the node's X25519 identity key (`nodeIdentityKey` of the handshake), and the
 * node seals its answer, success or refusal, back to the client's key. The seal is NaCl's
 * `box` (X25519, then XSalsa20-Poly1305) with a nonce bound to the envelope's header:
 *
 *   aad   = 0x01 ‖ random(16) ‖ u64be(created_at in whole seconds) ‖ recipient key ‖ sender key
 *   nonce = sha512(aad)[0..24]
 *   ciphertext_and_tag = 16 zero bytes ‖ tag(16) ‖ ciphertext   (NaCl's original layout)
 *
 * The SDK always sends the 16 zero bytes, but strips them only from an answer of at least 83
 * bytes (it reads a shorter one as tag ‖ ciphertext, TweetNaCl's layout). So answers carry them
 * from that length on, and an envelope opens with or without them.
 *
 * The nonce is the header's hash, so a header changed in transit (time, random, keys) opens
 * nothing. Both sides use this module: nodes to open requests and seal answers, tests to play
 * the client.
 */

const Hex = (bytes: number) =>
  z.string().regex(new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`), `must be ${bytes} bytes of hex`);

/** The sealed part of an envelope, as both sides write it. */
export const LitSealedPayload = z.object({
  /** The sender's X25519 public key. */
  verification_key: Hex(32),
  random: Hex(16),
  /** RFC 3339; the seconds go into the nonce. */
  created_at: z.string().max(64),
  ciphertext_and_tag: z
    .string()
    .max(16 * 1024 * 1024)
    .regex(/^([0-9a-fA-F]{2})*$/, 'must be hex'),
});
export type LitSealedPayload = z.infer<typeof LitSealedPayload>;

/** A sealed request or answer. The SDK adds the epoch beside it on requests. */
export const LitEnvelope = z.object({
  version: z.literal('1'),
  payload: LitSealedPayload,
  epoch: z.number().int().min(0).optional(),
});
export type LitEnvelope = z.infer<typeof LitEnvelope>;

/** The envelope did not open: not for this key, altered, or malformed. */
export class LitEnvelopeError extends Error {}

const VERSION = 0x01;
const ZERO_PREFIX = 16;
const TAG = 16;
/** From this length on, ciphertext_and_tag carries the 16 zero bytes (the SDK's rule). */
const PREFIXED_FROM = 83;
/** "expand 32-byte k", the Salsa20 constant, as little-endian words. */
const SIGMA = new Uint32Array([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]);

/** NaCl box's shared key: HSalsa20 of the X25519 secret (crypto_box_beforenm). */
function boxKey(mine: LitE2eeKeys, theirPublicKey: Uint8Array): Uint8Array {
  const shared = mine.agree ? mine.agree(theirPublicKey) : x25519.getSharedSecret(mine.secretKey, theirPublicKey);
  const out = new Uint32Array(8);
  hsalsa(SIGMA, new Uint32Array(shared.slice().buffer), new Uint32Array(4), out);
  return new Uint8Array(out.buffer);
}

function nonceFor(random: Uint8Array, createdAtSeconds: number, recipient: Uint8Array, sender: Uint8Array) {
  const time = new Uint8Array(8);
  new DataView(time.buffer).setBigUint64(0, BigInt(createdAtSeconds));
  return sha512(concatBytes(Uint8Array.of(VERSION), random, time, recipient, sender)).slice(0, 24);
}

/** The X25519 public key of a 32-byte secret key. */
export function litE2eePublicKey(secretKey: Uint8Array): Uint8Array {
  return x25519.getPublicKey(secretKey);
}

/** An X25519 key pair; pass the public half along so it is not recomputed (a scalar multiplication). */
export interface LitE2eeKeys {
  secretKey: Uint8Array;
  publicKey?: Uint8Array;
  /**
   * The X25519 shared secret with `theirPublicKey`, computed natively (node:crypto) where the
   * holder can: it is most of the cost of opening a request, and JS X25519 is ten times slower.
   */
  agree?: (theirPublicKey: Uint8Array) => Uint8Array;
}

/** Seals `plaintext` from the holder of `sender` to `recipientPublicKey`. */
export function sealLitEnvelope(
  sender: Uint8Array | LitE2eeKeys,
  recipientPublicKey: Uint8Array,
  plaintext: Uint8Array,
  now = Date.now(),
): LitEnvelope {
  const keys: LitE2eeKeys = sender instanceof Uint8Array ? { secretKey: sender } : sender;
  const { secretKey, publicKey } = keys;
  return sealWith(
    boxKey(keys, recipientPublicKey),
    publicKey ?? litE2eePublicKey(secretKey),
    recipientPublicKey,
    plaintext,
    now,
  );
}

function sealWith(
  key: Uint8Array,
  sender: Uint8Array,
  recipient: Uint8Array,
  plaintext: Uint8Array,
  now: number,
): LitEnvelope {
  const random = randomBytes(16);
  const nonce = nonceFor(random, Math.floor(now / 1000), recipient, sender);
  const sealed = xsalsa20poly1305(key, nonce).encrypt(plaintext);
  return {
    version: '1',
    payload: {
      verification_key: bytesToHex(sender),
      random: bytesToHex(random),
      created_at: new Date(now).toISOString(),
      ciphertext_and_tag: bytesToHex(
        ZERO_PREFIX + sealed.length >= PREFIXED_FROM ? concatBytes(new Uint8Array(ZERO_PREFIX), sealed) : sealed,
      ),
    },
  };
}

/** What an envelope held, who sent it, and how to answer them. */
export interface OpenedLitEnvelope {
  plaintext: Uint8Array;
  senderPublicKey: Uint8Array;
  /** Seals an answer back to the sender, with the key already agreed for the request. */
  reply(answer: Uint8Array, now?: number): LitEnvelope;
}

/**
 * Opens an envelope sealed to the holder of `recipient`. Returns the plaintext, the sender's
 * public key and a way to answer them. Throws LitEnvelopeError.
 */
export function openLitEnvelope(recipient: Uint8Array | LitE2eeKeys, envelope: LitEnvelope): OpenedLitEnvelope {
  const keys: LitE2eeKeys = recipient instanceof Uint8Array ? { secretKey: recipient } : recipient;
  const { secretKey, publicKey } = keys;
  const { payload } = envelope;
  const createdAt = Date.parse(payload.created_at);
  if (!Number.isFinite(createdAt)) throw new LitEnvelopeError('created_at is not an RFC 3339 time');
  const sender = hexToBytes(payload.verification_key);
  const body = hexToBytes(payload.ciphertext_and_tag);
  if (body.length < TAG) throw new LitEnvelopeError('ciphertext_and_tag is shorter than a tag');
  // A tag that starts with 16 zero bytes: chance 2^-128.
  const prefixed = body.length >= ZERO_PREFIX + TAG && body.subarray(0, ZERO_PREFIX).every((b) => b === 0);
  const sealed = prefixed ? body.subarray(ZERO_PREFIX) : body;
  try {
    const me = publicKey ?? litE2eePublicKey(secretKey);
    // The box key of a key pair is the same both ways: the answer reuses it.
    const key = boxKey(keys, sender);
    const nonce = nonceFor(hexToBytes(payload.random), Math.floor(createdAt / 1000), me, sender);
    const plaintext = xsalsa20poly1305(key, nonce).decrypt(sealed);
    return {
      plaintext,
      senderPublicKey: sender,
      reply: (answer, now = Date.now()) => sealWith(key, me, sender, answer, now),
    };
  } catch {
    throw new LitEnvelopeError('the envelope does not open with this node’s key (sealed to another key, or altered)');
  }
}
