/** Builders over the spec test vectors, for the tests of the shared, node and renderer passkey code. */
import { credentialFromAttestationObject } from './authenticator-data.ts';
import { bytesToBase64url, fromHex } from './encoding.ts';
import type { SpecVector } from './spec-test-vectors.ts';

const b64 = (hex: string) => bytesToBase64url(fromHex(hex));

/** The vector's registration as @simplewebauthn/browser would return it. */
export function specRegistrationResponse(vector: SpecVector) {
  const id = b64(vector.registration.credentialId);
  return {
    id,
    rawId: id,
    type: 'public-key' as const,
    response: {
      clientDataJSON: b64(vector.registration.clientDataJSON),
      attestationObject: b64(vector.registration.attestationObject),
    },
    clientExtensionResults: {},
  };
}

/** The vector's login assertion as @simplewebauthn/browser would return it. */
export function specAssertion(vector: SpecVector) {
  const id = b64(vector.registration.credentialId);
  return {
    id,
    rawId: id,
    type: 'public-key' as const,
    response: {
      clientDataJSON: b64(vector.authentication.clientDataJSON),
      authenticatorData: b64(vector.authentication.authenticatorData),
      signature: b64(vector.authentication.signature),
    },
    clientExtensionResults: {},
  };
}

/** The COSE key the vector's registration created (what the chain would hold). */
export function specCosePublicKey(vector: SpecVector): Uint8Array {
  return credentialFromAttestationObject(fromHex(vector.registration.attestationObject)).cosePublicKey;
}
