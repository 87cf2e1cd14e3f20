import { id as ethersId } from 'ethers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { authMethodId } from '../contracts/ids.ts';
import { webAuthnAuthMethodId, webAuthnAuthMethodIdFromBytes } from './auth-method-id.ts';
import { bytesToBase64url, fromHex } from './encoding.ts';
import { noneEs256 } from './spec-test-vectors.ts';

describe('webAuthnAuthMethodId = keccak256(utf8("<rawId>:lit"))', () => {
  it('matches the "<x>:lit" vector of Lit SDK tests', () => {
    // LIT-Protocol/js-sdk packages/contracts-sdk/src/lib/auth-utils.spec.ts: keccak256("0x123abc:lit").
    // Lit's SDK hashes "<rawId>:lit" for WebAuthn the same way (WebAuthnProvider.authMethodId);
    // "0x123abc" happens to be valid base64url, so it doubles as a rawId here.
    expect(webAuthnAuthMethodId('0x123abc')).toBe('0xfd2f905d807d37105365c450643b6e04c83cf73223d166fb6d63d9b9c974f1a8');
  });

  it('hashes the base64url text of the credential id, not its bytes', () => {
    const credentialId = fromHex(noneEs256.registration.credentialId);
    const rawId = bytesToBase64url(credentialId);
    expect(rawId).toBe('-R85HbTJsv3g6nAYnLo_tj9Xm6YSKzOtlP8-wzAIS-Q');
    expect(webAuthnAuthMethodId(rawId)).toBe(ethersId(`${rawId}:lit`));
    expect(webAuthnAuthMethodIdFromBytes(credentialId)).toBe(webAuthnAuthMethodId(rawId));
  });

  it('agrees with ethers for any credential id', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 128 }), (bytes) => {
        const rawId = bytesToBase64url(bytes);
        expect(webAuthnAuthMethodId(rawId)).toBe(ethersId(`${rawId}:lit`));
      }),
    );
  });

  it('gives the on-chain authMethodId through abi.encode(3, id)', () => {
    const id = webAuthnAuthMethodId('0x123abc');
    expect(authMethodId(3, id)).toBe(authMethodId(3n, fromHex(id)));
    expect(authMethodId(3, id)).not.toBe(authMethodId(6, id));
  });

  it('refuses ids that are not canonical base64url (one credential, one id)', () => {
    for (const bad of ['', 'Zg==', 'a+b/', 'Zh']) expect(() => webAuthnAuthMethodId(bad), bad).toThrow(TypeError);
  });
});
