// Checks of the arguments an action passes to Lit.Actions, run in the host before any binding
// sees them. Values arrive as copies made by isolated-vm (structured clone), so typed arrays
// come from another realm: test them with ArrayBuffer.isView, never instanceof.
import { getAddress, hashMessage, SigningKey } from 'ethers';
import { isCidV0 } from '../../shared/cid/index.ts';

/** A bad argument to a Lit.Actions function; its message reaches the action as a thrown Error. */
export class ActionInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ActionInputError';
  }
}

const MAX_SIG_NAME_LENGTH = 256;
const TWO_256 = 1n << 256n;

/** toSign: exactly 32 bytes, given as a Uint8Array or an array of integers 0..255. */
export function parseToSign(value: unknown, fn: string): Uint8Array {
  const bytes = parseByteArray(value, `${fn}: toSign`);
  if (bytes.length !== 32) {
    throw new ActionInputError(
      `${fn}: toSign must be exactly 32 bytes (a digest such as a keccak256 or sha256 hash); got ${bytes.length} bytes`,
    );
  }
  return bytes;
}

/** publicKey: a 65-byte uncompressed secp256k1 point in hex, with or without 0x; returns "0x04..." lower case. */
export function parsePublicKey(value: unknown, fn: string): string {
  const expected = 'a 65-byte uncompressed secp256k1 public key in hex (0x04 followed by 128 hex digits)';
  if (typeof value !== 'string')
    throw new ActionInputError(`${fn}: publicKey must be ${expected}; got ${describe(value)}`);
  const body = value.startsWith('0x') || value.startsWith('0X') ? value.slice(2) : value;
  if (!/^[0-9a-fA-F]*$/.test(body) || body.length !== 130 || !body.startsWith('04')) {
    throw new ActionInputError(`${fn}: publicKey must be ${expected}; got ${describe(value)}`);
  }
  const hex = body.toLowerCase();
  try {
    // ethers' curve (already loaded here) checks the point is on the curve. @noble/curves'
    // secp256k1 would load Web Crypto as it is made: ~20 ms of each runner process's start.
    SigningKey.computePublicKey(`0x${hex}`);
  } catch {
    throw new ActionInputError(`${fn}: publicKey ${describe(value)} is not a point on secp256k1`);
  }
  return `0x${hex}`;
}

/** sigName: a non-empty string of at most 256 characters. */
export function parseSigName(value: unknown, fn: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_SIG_NAME_LENGTH) {
    throw new ActionInputError(
      `${fn}: sigName must be a non-empty string of at most ${MAX_SIG_NAME_LENGTH} characters; got ${describe(value)}`,
    );
  }
  return value;
}

/** A message for ethPersonalSignMessageEcdsa: a string (UTF-8) or bytes; returns its EIP-191 hash. */
export function personalMessageDigest(value: unknown, fn: string): Uint8Array {
  if (typeof value === 'string') return hexDigest(hashMessage(value));
  if (isByteArrayLike(value)) return hexDigest(hashMessage(parseByteArray(value, `${fn}: message`)));
  throw new ActionInputError(`${fn}: message must be a string or bytes; got ${describe(value)}`);
}

/** A PKP token id: a bigint, a safe integer, a decimal string or a 0x-hex string, below 2^256. */
export function parseTokenId(value: unknown, fn: string): bigint {
  let id: bigint | undefined;
  if (typeof value === 'bigint') id = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) id = BigInt(value);
  else if (typeof value === 'string' && /^(0x[0-9a-fA-F]{1,64}|[0-9]{1,78})$/.test(value)) id = BigInt(value);
  if (id === undefined || id < 0n || id >= TWO_256) {
    throw new ActionInputError(
      `${fn}: tokenId must be a uint256 as a decimal or 0x-hex string (see Lit.Actions.pubkeyToTokenId); got ${describe(value)}`,
    );
  }
  return id;
}

/** An Ethereum address; returns it checksummed. */
export function parseAddress(value: unknown, fn: string): string {
  if (typeof value === 'string') {
    try {
      return getAddress(value);
    } catch {
      // fall through to the message below
    }
  }
  throw new ActionInputError(`${fn}: address must be a 20-byte hex address (0x...); got ${describe(value)}`);
}

/** An IPFS CIDv0 ("Qm..."). */
export function parseIpfsId(value: unknown, fn: string): string {
  if (!isCidV0(value))
    throw new ActionInputError(`${fn}: ipfsId must be an IPFS CIDv0 (Qm...); got ${describe(value)}`);
  return value;
}

/** Bytes given as a Uint8Array, an array of integers 0..255, or a 0x-hex string. */
export function parseBytes(value: unknown, what: string): Uint8Array {
  if (typeof value === 'string' && /^0x([0-9a-fA-F]{2})*$/.test(value)) {
    const out = new Uint8Array((value.length - 2) / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(value.slice(2 + 2 * i, 4 + 2 * i), 16);
    return out;
  }
  return parseByteArray(value, what);
}

/** A small non-negative integer (auth method type). */
export function parseSmallInt(value: unknown, what: string): number {
  const n = typeof value === 'string' && /^[0-9]{1,9}$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new ActionInputError(`${what} must be a non-negative integer; got ${describe(value)}`);
  }
  return n;
}

/** A required string argument. */
export function parseString(value: unknown, what: string, options: { maxLength?: number } = {}): string {
  if (typeof value !== 'string') throw new ActionInputError(`${what} must be a string; got ${describe(value)}`);
  if (options.maxLength !== undefined && value.length > options.maxLength) {
    throw new ActionInputError(`${what} must be at most ${options.maxLength} characters; got ${value.length}`);
  }
  return value;
}

export function isByteArrayLike(value: unknown): boolean {
  return Array.isArray(value) || isUint8Array(value);
}

/** True for a Uint8Array of any realm. */
export function isUint8Array(value: unknown): value is Uint8Array {
  return ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === '[object Uint8Array]';
}

function parseByteArray(value: unknown, what: string): Uint8Array {
  if (isUint8Array(value)) return Uint8Array.from(value);
  if (Array.isArray(value)) {
    const out = new Uint8Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const byte: unknown = value[i];
      if (typeof byte !== 'number' || !Number.isInteger(byte) || byte < 0 || byte > 255) {
        throw new ActionInputError(`${what} must be bytes; element ${i} is ${describe(byte)}, not an integer 0..255`);
      }
      out[i] = byte;
    }
    return out;
  }
  throw new ActionInputError(`${what} must be a Uint8Array or an array of numbers 0..255; got ${describe(value)}`);
}

function hexDigest(hex: string): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(hex.slice(2 + 2 * i, 4 + 2 * i), 16);
  return out;
}

/** A short description of a bad value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string')
    return value.length > 24 ? `"${value.slice(0, 24)}..." (${value.length} characters)` : `"${value}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (isUint8Array(value)) return `a Uint8Array of ${value.length} bytes`;
  return typeof value === 'object' ? 'an object' : typeof value;
}
