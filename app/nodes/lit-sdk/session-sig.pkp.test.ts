import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { bytesToHex } from '@noble/hashes/utils.js';
import { Wallet, computeAddress } from 'ethers';
import { SiweMessage } from 'siwe';
import { describe, expect, it } from 'vitest';
import { blsSignShare, combineBlsShares } from '../../shared/threshold/bls.ts';
import { bls12381G1Group } from '../../shared/threshold/groups.ts';
import { splitSecret } from '../../shared/threshold/shamir.ts';
import { NodeRequestError } from '../node-request-error.ts';
import { verifySessionSig, pkpSessionSignedBytes, type SessionNeed } from './session-sig.ts';
import { withResolvedAuthContext } from './sign-session-key.ts';

// PKP sessions with real BLS: a network key dealt to three nodes (degree 2), each node's share
// signing the SIWE the way sign-session-key.ts does, the shares combined as Lit's SDK combines
// them, then the verifier of every later request (session-sig.ts) judging the capability.
const NODE = '127.0.0.1:7471';
const NOW = Date.parse('2026-12-05T12:00:00Z');
const PKP_SIGNING: SessionNeed = { ability: 'pkp-signing', resource: '1234' };
const Fr = bls12381G1Group.Fn;

function networkKey() {
  const secret = Fr.create(BigInt(`0x${randomBytes(32).toString('hex')}`)) || 1n;
  return {
    shares: splitSecret(Fr, secret, 2, 3),
    publicKey: bytesToHex(bls12381G1Group.Point.BASE.multiply(secret).toBytes(true)),
  };
}
const NETWORK = networkKey();

function recap(att: Record<string, Record<string, unknown[]>>): string {
  return `urn:recap:${Buffer.from(JSON.stringify({ att, prf: [] })).toString('base64url')}`;
}

const PKP_PUBLIC_KEY = Wallet.createRandom().signingKey.publicKey;
const PKP_ADDRESS = computeAddress(PKP_PUBLIC_KEY);
const WALLET_CONTEXT = {
  authMethodContexts: [{ authMethodType: 1, id: '0x' + 'ab'.repeat(20), userId: '0xAb', appId: 'lit' }],
};

interface Options {
  grants?: Record<string, Record<string, unknown[]>>;
  siweExpiresInMs?: number;
  sessionExpiresInMs?: number;
  network?: typeof NETWORK;
  /** Change the SIWE after the network signed it. */
  tamper?: (siwe: string) => string;
  context?: typeof WALLET_CONTEXT | null;
  uriKey?: string;
  tamperCapability?: (capability: Record<string, string>) => Record<string, string>;
}

/** A PKP session as the SDK holds it after createPkpAuthContext, and one node's session signature made with it. */
function pkpSession(options: Options = {}) {
  const session = generateKeyPairSync('ed25519');
  const sessionKey = Buffer.from(session.publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('hex');
  const siwe = new SiweMessage({
    domain: 'localhost',
    address: PKP_ADDRESS,
    statement: 'Lit Protocol PKP session signature',
    uri: `lit:session:${options.uriKey ?? sessionKey}`,
    version: '1',
    chainId: 1,
    nonce: '0x' + 'cd'.repeat(32),
    issuedAt: new Date(NOW - 1000).toISOString(),
    expirationTime: new Date(NOW + (options.siweExpiresInMs ?? 600_000)).toISOString(),
    resources: [recap(options.grants ?? { 'lit-pkp://*': { 'Threshold/Signing': [{}] } })],
  });
  const signedText =
    options.context === null ? siwe.prepareMessage() : withResolvedAuthContext(siwe, options.context ?? WALLET_CONTEXT);
  const network = options.network ?? NETWORK;
  const bytes = pkpSessionSignedBytes(signedText);
  const shares = network.shares.map((s) => ({ index: s.index, signature: blsSignShare(bytes, s.value) }));
  const combined = bytesToHex(combineBlsShares(shares, 3).toBytes(true));
  const capability = {
    sig: JSON.stringify({ ProofOfPossession: combined }),
    algo: 'LIT_BLS',
    derivedVia: 'lit.bls',
    signedMessage: options.tamper ? options.tamper(signedText) : signedText,
    address: PKP_ADDRESS,
  };
  const signedMessage = JSON.stringify({
    sessionKey,
    resourceAbilityRequests: [{ resource: { resourcePrefix: 'lit-pkp', resource: '*' }, ability: 'pkp-signing' }],
    capabilities: [options.tamperCapability ? options.tamperCapability(capability) : capability],
    issuedAt: new Date(NOW - 1000).toISOString(),
    expiration: new Date(NOW + (options.sessionExpiresInMs ?? 600_000)).toISOString(),
    nodeAddress: `http://${NODE}`,
    maxPrice: '0x0',
  });
  const sig = sign(null, Buffer.from(signedMessage), session.privateKey).toString('hex');
  return { sig, derivedVia: 'litSessionSignViaNacl', signedMessage, address: sessionKey, algo: 'ed25519' };
}

const ME = { address: NODE, networkPublicKey: NETWORK.publicKey };

function refusal(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(NodeRequestError);
    return { code: (err as NodeRequestError).code, message: (err as NodeRequestError).message };
  }
  throw new Error('expected a refusal');
}

describe('PKP sessions, verified by the node', () => {
  it('accepts the network’s signature over the PKP session: the PKP is the requester, with the auth methods the nodes verified', () => {
    const verified = verifySessionSig(pkpSession(), ME, PKP_SIGNING, NOW);
    expect(verified.requester).toBe(PKP_ADDRESS);
    expect(verified.authMethods).toEqual(WALLET_CONTEXT.authMethodContexts);
    // Again (cached after the first pairing check), still checked against the time.
    expect(verifySessionSig(pkpSession(), ME, PKP_SIGNING, NOW + 1000).requester).toBe(PKP_ADDRESS);
  });

  it('refuses a PKP session whose SIWE was changed after the network signed it', () => {
    const laterExpiry = pkpSession({
      tamper: (siwe) => siwe.replace(/Expiration Time: .*/, 'Expiration Time: 2030-01-01T00:00:00.000Z'),
    });
    expect(refusal(() => verifySessionSig(laterExpiry, ME, PKP_SIGNING, NOW))).toMatchObject({
      code: 'invalid_session',
      message: expect.stringMatching(/not signed by this network/),
    });
    const otherContext = pkpSession({
      tamper: (siwe) =>
        withResolvedAuthContext(new SiweMessage(siwe), {
          authMethodContexts: [{ authMethodType: 1, id: '0x' + 'ef'.repeat(20), userId: '0xEf', appId: 'lit' }],
        }),
    });
    expect(refusal(() => verifySessionSig(otherContext, ME, PKP_SIGNING, NOW)).message).toMatch(
      /not signed by this network/,
    );
  });

  it('refuses a PKP session signed by another network key, or when the node has no key to check it with', () => {
    const elsewhere = pkpSession({ network: networkKey() });
    expect(refusal(() => verifySessionSig(elsewhere, ME, PKP_SIGNING, NOW)).message).toMatch(
      /not signed by this network/,
    );
    expect(refusal(() => verifySessionSig(pkpSession(), NODE, PKP_SIGNING, NOW)).message).toMatch(/no network key/);
  });

  it('refuses an expired PKP session, one for another session key, and one that grants something else', () => {
    const expired = pkpSession({ siweExpiresInMs: 60_000, sessionExpiresInMs: 600_000 });
    expect(verifySessionSig(expired, ME, PKP_SIGNING, NOW).requester).toBe(PKP_ADDRESS);
    expect(refusal(() => verifySessionSig(expired, ME, PKP_SIGNING, NOW + 120_000))).toMatchObject({
      code: 'invalid_session',
      message: expect.stringMatching(/expired/),
    });
    const otherKey = pkpSession({ uriKey: 'ab'.repeat(32) });
    expect(refusal(() => verifySessionSig(otherKey, ME, PKP_SIGNING, NOW)).message).toMatch(/lit:session/);
    const decryptOnly = pkpSession({
      grants: { 'lit-accesscontrolcondition://*': { 'Threshold/Decryption': [{}] } },
    });
    expect(refusal(() => verifySessionSig(decryptOnly, ME, PKP_SIGNING, NOW)).code).toBe('resource_not_granted');
  });

  it('refuses a network-signed PKP session that carries no auth context', () => {
    const bare = pkpSession({ context: null });
    expect(refusal(() => verifySessionSig(bare, ME, PKP_SIGNING, NOW)).message).toMatch(/no resolved auth context/);
  });

  it('refuses a malformed BLS signature, or one that is no point', () => {
    for (const sig of [
      '"ab"',
      JSON.stringify({ ProofOfPossession: 'ab'.repeat(96) }),
      JSON.stringify({ ProofOfPossession: 'zz' }),
    ]) {
      const session = pkpSession({ tamperCapability: (c) => ({ ...c, sig }) });
      expect(refusal(() => verifySessionSig(session, ME, PKP_SIGNING, NOW)).code).toBe('invalid_session');
    }
  });
});
