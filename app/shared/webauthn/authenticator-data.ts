/**
 * Authenticator data (WebAuthn section 6.1) and the attestation object (section 6.5) a
 * registration returns, parsed far enough to read the RP ID hash, the flags, the signature
 * counter and the attested credential (its id and COSE public key).
 */
import { decodeCbor, decodeCborItem } from './cbor.ts';
import { base64urlToBytes, bytesToBase64url, isBase64url } from './encoding.ts';
import { PasskeyError } from './errors.ts';

export interface AuthenticatorFlags {
  /** User present. */
  up: boolean;
  /** User verified (PIN, biometrics). */
  uv: boolean;
  /** Backup eligible / backed up (a synced, multi-device passkey). */
  be: boolean;
  bs: boolean;
  /** Attested credential data included (registrations). */
  at: boolean;
  /** Extension data included. */
  ed: boolean;
}

export interface AuthenticatorData {
  rpIdHash: Uint8Array;
  flags: AuthenticatorFlags;
  /** The signature counter; 0 on authenticators that keep none (most synced passkeys). */
  counter: number;
  attestedCredential?: {
    aaguid: Uint8Array;
    credentialId: Uint8Array;
    /** The COSE_Key bytes exactly as the authenticator wrote them. */
    cosePublicKey: Uint8Array;
  };
}

function malformed(reason: string): never {
  throw new PasskeyError('malformed_passkey_response', `malformed authenticator data: ${reason}`);
}

/** Parses authenticator data (raw bytes, or base64url as in the response JSON). */
export function parseAuthenticatorData(data: Uint8Array | string): AuthenticatorData {
  let bytes: Uint8Array;
  if (typeof data === 'string') {
    if (!isBase64url(data)) malformed('not base64url');
    bytes = base64urlToBytes(data);
  } else bytes = data;
  if (bytes.length < 37) malformed(`${bytes.length} bytes, at least 37 expected`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const flagsByte = view.getUint8(32);
  const flags: AuthenticatorFlags = {
    up: (flagsByte & 0x01) !== 0,
    uv: (flagsByte & 0x04) !== 0,
    be: (flagsByte & 0x08) !== 0,
    bs: (flagsByte & 0x10) !== 0,
    at: (flagsByte & 0x40) !== 0,
    ed: (flagsByte & 0x80) !== 0,
  };
  const result: AuthenticatorData = {
    rpIdHash: bytes.slice(0, 32),
    flags,
    counter: view.getUint32(33),
  };
  let pos = 37;
  if (flags.at) {
    if (bytes.length < pos + 18) malformed('attested credential data is cut short');
    const aaguid = bytes.slice(pos, pos + 16);
    const idLength = view.getUint16(pos + 16);
    pos += 18;
    if (idLength === 0 || idLength > 1023) malformed(`credential id length ${idLength}`);
    if (bytes.length < pos + idLength) malformed('the credential id is cut short');
    const credentialId = bytes.slice(pos, pos + idLength);
    pos += idLength;
    let end: number;
    try {
      end = decodeCborItem(bytes, pos).end;
    } catch (error) {
      malformed(`the credential public key is not CBOR (${(error as Error).message})`);
    }
    result.attestedCredential = { aaguid, credentialId, cosePublicKey: bytes.slice(pos, end) };
    pos = end;
  }
  if (flags.ed) {
    try {
      pos = decodeCborItem(bytes, pos).end;
    } catch (error) {
      malformed(`the extensions are not CBOR (${(error as Error).message})`);
    }
  }
  if (pos !== bytes.length) malformed(`${bytes.length - pos} unexpected bytes at the end`);
  return result;
}

export interface AttestationObject {
  fmt: string;
  authData: AuthenticatorData;
  /** authData's raw bytes. */
  authDataBytes: Uint8Array;
}

/** Decodes an attestation object (bytes or base64url) and its authenticator data. */
export function parseAttestationObject(attestationObject: Uint8Array | string): AttestationObject {
  let bytes: Uint8Array;
  try {
    bytes = typeof attestationObject === 'string' ? base64urlToBytes(attestationObject) : attestationObject;
  } catch {
    throw new PasskeyError('malformed_passkey_response', 'the attestation object is not base64url');
  }
  let decoded: unknown;
  try {
    decoded = decodeCbor(bytes);
  } catch (error) {
    throw new PasskeyError(
      'malformed_passkey_response',
      `the attestation object is not CBOR (${(error as Error).message})`,
    );
  }
  if (!(decoded instanceof Map))
    throw new PasskeyError('malformed_passkey_response', 'the attestation object is not a map');
  const fmt = decoded.get('fmt');
  const authDataBytes = decoded.get('authData');
  if (typeof fmt !== 'string' || !(authDataBytes instanceof Uint8Array))
    throw new PasskeyError('malformed_passkey_response', 'the attestation object lacks fmt or authData');
  return { fmt, authData: parseAuthenticatorData(authDataBytes), authDataBytes };
}

/**
 * The credential id (base64url) and COSE public key a registration created, read from its
 * attestation object: what Lit's SDK stores on chain as the auth method's userPubkey.
 */
export function credentialFromAttestationObject(attestationObject: Uint8Array | string): {
  credentialId: string;
  cosePublicKey: Uint8Array;
} {
  const { authData } = parseAttestationObject(attestationObject);
  if (!authData.attestedCredential)
    throw new PasskeyError('malformed_passkey_response', 'the registration carries no attested credential data');
  return {
    credentialId: bytesToBase64url(authData.attestedCredential.credentialId),
    cosePublicKey: authData.attestedCredential.cosePublicKey,
  };
}
