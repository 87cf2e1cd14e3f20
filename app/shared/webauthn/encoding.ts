/**
 * Byte encodings WebAuthn uses on the wire (base64url without padding, RFC 4648 section 5) and
 * the conversion between a block hash (0x hex) and the challenge a browser puts into
 * clientDataJSON. Strict: anything that is not canonical base64url is refused, so one byte
 * string has exactly one text form (ids are hashed as text).
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { CHALLENGE_BYTES } from './constants.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

/** A base64url string without padding that decodes canonically (unused trailing bits are zero). */
export function isBase64url(text: unknown): text is string {
  if (typeof text !== 'string' || text.length % 4 === 1) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || DECODE[c] === -1) return false;
  }
  const rest = text.length % 4;
  if (rest === 0) return true;
  const last = DECODE[text.charCodeAt(text.length - 1)] ?? 0;
  return rest === 2 ? (last & 0x0f) === 0 : (last & 0x03) === 0;
}

export function bytesToBase64url(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out +=
      ALPHABET.charAt(n >> 18) +
      ALPHABET.charAt((n >> 12) & 63) +
      ALPHABET.charAt((n >> 6) & 63) +
      ALPHABET.charAt(n & 63);
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = (bytes[i] ?? 0) << 16;
    out += ALPHABET.charAt(n >> 18) + ALPHABET.charAt((n >> 12) & 63);
  } else if (rest === 2) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8);
    out += ALPHABET.charAt(n >> 18) + ALPHABET.charAt((n >> 12) & 63) + ALPHABET.charAt((n >> 6) & 63);
  }
  return out;
}

/** Decodes unpadded base64url; throws on any other text. */
export function base64urlToBytes(text: string): Uint8Array {
  if (!isBase64url(text)) throw new TypeError('not canonical base64url (RFC 4648 section 5, no padding)');
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < text.length; i++) {
    acc = (acc << 6) | (DECODE[text.charCodeAt(i)] ?? 0);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

/** 0x-prefixed lower-case hex. */
export function toHex(bytes: Uint8Array): string {
  return `0x${bytesToHex(bytes)}`;
}

/** Hex (with or without 0x, any case) to bytes; throws on odd length or a non-hex digit. */
export function fromHex(hex: string): Uint8Array {
  const body = hex.startsWith('0x') || hex.startsWith('0X') ? hex.slice(2) : hex;
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(body)) throw new TypeError('not hex bytes');
  return hexToBytes(body);
}

/** Bytes given as a Uint8Array or as hex (a contract call returns `bytes` as 0x hex). */
export function bytesFrom(value: Uint8Array | string): Uint8Array {
  return typeof value === 'string' ? fromHex(value) : value;
}

/** A block hash as 0x + 64 lower-case hex digits; throws on anything else. */
export function normalizeBlockHash(blockHash: string | Uint8Array): string {
  const bytes = bytesFrom(blockHash);
  if (bytes.length !== CHALLENGE_BYTES) throw new TypeError(`a block hash is ${CHALLENGE_BYTES} bytes`);
  return toHex(bytes);
}

/** The challenge a browser is given (and echoes in clientDataJSON) for a block hash: base64url of its 32 bytes. */
export function blockHashToChallenge(blockHash: string | Uint8Array): string {
  return bytesToBase64url(fromHex(normalizeBlockHash(blockHash)));
}

/** The block hash a clientDataJSON challenge stands for, or null when it is not 32 base64url bytes. */
export function challengeToBlockHash(challenge: string): string | null {
  if (!isBase64url(challenge)) return null;
  const bytes = base64urlToBytes(challenge);
  return bytes.length === CHALLENGE_BYTES ? toHex(bytes) : null;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}
