import { decodeCredentialPublicKey } from '@simplewebauthn/server/helpers';
import { describe, expect, it } from 'vitest';
import {
  credentialFromAttestationObject,
  parseAttestationObject,
  parseAuthenticatorData,
} from './authenticator-data.ts';
import { encodeCbor } from './cbor.ts';
import {
  COSE_CRV,
  COSE_KTY,
  coseAlgorithmName,
  cosePublicKeyToUserPubkey,
  decodeCosePublicKey,
  encodeCosePublicKey,
  userPubkeyToCosePublicKey,
} from './cose.ts';
import { bytesToBase64url, fromHex, toHex } from './encoding.ts';
import { PasskeyError } from './errors.ts';
import { rpIdHash } from './ceremony-checks.ts';
import { noneEs256, packedEdDsa, packedRs256, SPEC_RP_ID } from './spec-test-vectors.ts';

// WebAuthn Level 3, section 6.5.1.2 "Examples of credentialPublicKey Values Encoded in COSE_Key Format".
const SPEC_X = '65eda5a12577c2bae829437fe338701a10aaa375e1bb5b5de108de439c08551d';
const SPEC_Y = '1e52ed75701163f7f9e40ddf9f341b3dc9ba860af7e0ca7ca7e9eecd0084d19c';
const SPEC_ES256_COSE = `a5010203262001215820${SPEC_X}225820${SPEC_Y}`;

function expectRefused(f: () => unknown, reason: RegExp): void {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(PasskeyError);
    expect((error as PasskeyError).code).toBe('unsupported_key');
    expect((error as Error).message).toMatch(reason);
    return;
  }
  throw new Error('expected a refusal');
}

describe('COSE public keys', () => {
  it('decodes the WebAuthn spec ES256 example and encodes it back to the same bytes', () => {
    const key = decodeCosePublicKey(fromHex(SPEC_ES256_COSE));
    expect(key).toEqual({
      kty: COSE_KTY.EC2,
      alg: -7,
      crv: COSE_CRV.P256,
      x: fromHex(SPEC_X),
      y: fromHex(SPEC_Y),
    });
    expect(toHex(encodeCosePublicKey(key))).toBe(`0x${SPEC_ES256_COSE}`);
  });

  it('round-trips the registration key to userPubkey (hex of the same bytes) and back', () => {
    const cose = fromHex(SPEC_ES256_COSE);
    const userPubkey = cosePublicKeyToUserPubkey(cose);
    expect(userPubkey).toBe(`0x${SPEC_ES256_COSE}`);
    expect(userPubkeyToCosePublicKey(userPubkey)).toEqual(cose);
    expect(userPubkeyToCosePublicKey(cose)).toEqual(cose);
  });

  it.each([
    [noneEs256, 'ES256', COSE_KTY.EC2],
    [packedRs256, 'RS256', COSE_KTY.RSA],
    [packedEdDsa, 'EdDSA', COSE_KTY.OKP],
  ])('reads the key of the spec vector %# (%s) from its attestation object', (vector, alg, kty) => {
    const { credentialId, cosePublicKey } = credentialFromAttestationObject(
      bytesToBase64url(fromHex(vector.registration.attestationObject)),
    );
    expect(credentialId).toBe(bytesToBase64url(fromHex(vector.registration.credentialId)));
    const key = decodeCosePublicKey(cosePublicKey);
    expect(coseAlgorithmName(key.alg)).toBe(alg);
    expect(key.kty).toBe(kty);
    // The authenticator wrote canonical CBOR: re-encoding gives the same bytes.
    expect(encodeCosePublicKey(key)).toEqual(cosePublicKey);
    // And @simplewebauthn/server reads the same key.
    const theirs = decodeCredentialPublicKey(Uint8Array.from(cosePublicKey));
    expect(theirs.get(3)).toBe(key.alg);
    expect(theirs.get(1)).toBe(key.kty);
    if (key.kty === COSE_KTY.RSA) {
      expect(key.n.length).toBe(436); // (2^1279 - 1)(2^2203 - 1) is a 3482-bit modulus
      expect(toHex(key.e)).toBe('0x010001');
    }
  });

  it('parses the spec vector authenticator data', () => {
    const att = parseAttestationObject(fromHex(noneEs256.registration.attestationObject));
    expect(att.fmt).toBe('none');
    expect(att.authData.rpIdHash).toEqual(rpIdHash(SPEC_RP_ID));
    expect(att.authData.flags).toMatchObject({ up: true, uv: false, be: true, bs: true, at: true, ed: false });
    expect(att.authData.counter).toBe(0);
    const login = parseAuthenticatorData(bytesToBase64url(fromHex(noneEs256.authentication.authenticatorData)));
    expect(login.attestedCredential).toBeUndefined();
    expect(login.flags).toMatchObject({ up: true, uv: false, at: false });
  });

  it('refuses keys that are unusable or not supported', () => {
    const map = (entries: [number, unknown][]) => encodeCbor(new Map(entries) as never);
    expectRefused(() => decodeCosePublicKey(new Uint8Array(0)), /empty/);
    expectRefused(() => decodeCosePublicKey('0xzz'), /not bytes or hex/);
    expectRefused(() => decodeCosePublicKey(fromHex('ff')), /not a CBOR/);
    expectRefused(() => decodeCosePublicKey(fromHex(`${SPEC_ES256_COSE}00`)), /after the item/);
    expectRefused(() => decodeCosePublicKey(fromHex('83010203')), /not a CBOR map/);
    expectRefused(() => decodeCosePublicKey(map([[1, 2]])), /no algorithm/);
    // ES384 on P-384: valid COSE, not one Litbox asks for.
    expectRefused(
      () =>
        decodeCosePublicKey(
          map([
            [1, 2],
            [3, -35],
            [-1, 2],
            [-2, new Uint8Array(48)],
            [-3, new Uint8Array(48)],
          ]),
        ),
      /ES|alg -35/,
    );
    expectRefused(
      () =>
        decodeCosePublicKey(
          map([
            [1, 2],
            [3, -7],
            [-1, 8],
            [-2, new Uint8Array(32)],
          ]),
        ),
      /P-256/,
    );
    expectRefused(
      () =>
        decodeCosePublicKey(
          map([
            [1, 1],
            [3, -7],
            [-1, 1],
          ]),
        ),
      /EC2/,
    );
    expectRefused(
      () =>
        decodeCosePublicKey(
          map([
            [1, 2],
            [3, -7],
            [-1, 1],
            [-2, new Uint8Array(31)],
            [-3, new Uint8Array(32)],
          ]),
        ),
      /x is 31 bytes/,
    );
    expectRefused(
      () =>
        decodeCosePublicKey(
          map([
            [1, 2],
            [3, -7],
            [-1, 1],
            [-2, new Uint8Array(32)],
          ]),
        ),
      /y is missing/,
    );
    expectRefused(
      () =>
        decodeCosePublicKey(
          map([
            [1, 3],
            [3, -257],
            [-1, new Uint8Array(128).fill(1)],
            [-2, Uint8Array.of(1, 0, 1)],
          ]),
        ),
      /modulus n is 128 bytes/,
    );
    expectRefused(() => userPubkeyToCosePublicKey('0x'), /empty/);
  });
});
