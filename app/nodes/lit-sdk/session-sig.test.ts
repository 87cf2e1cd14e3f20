import { generateKeyPairSync, sign } from 'node:crypto';
import { Wallet } from 'ethers';
import { SiweMessage } from 'siwe';
import { describe, expect, it } from 'vitest';
import { NodeRequestError } from '../node-request-error.ts';
import { normaliseNodeAddress, verifySessionSig, type SessionNeed } from './session-sig.ts';

// Session signatures made here the way Lit's v8 SDK makes them (docs of the wire:
// ../shared/reviews/lit-sdk-wire.md §3.4): a wallet's SIWE + ReCap for an Ed25519 session key,
// then one message per node signed with that key.
const NODE = '127.0.0.1:7471';
const NOW = Date.parse('2026-12-05T12:00:00Z');
const PKP_SIGNING: SessionNeed = { ability: 'pkp-signing', resource: '1234' };

function recap(att: Record<string, Record<string, unknown[]>>): string {
  return `urn:recap:${Buffer.from(JSON.stringify({ att, prf: [] })).toString('base64url')}`;
}

const ALL_ABILITIES = recap({
  'lit-pkp://*': { 'Threshold/Signing': [{}] },
  'lit-litaction://*': { 'Threshold/Execution': [{}] },
  'lit-accesscontrolcondition://*': { 'Threshold/Decryption': [{}] },
});

type WalletLike = Pick<Wallet, 'address' | 'signMessage'>;

interface Options {
  wallet?: WalletLike;
  signer?: WalletLike;
  uriKey?: string;
  domain?: string;
  resources?: string[];
  siweExpiresInMs?: number;
  nodeAddress?: string;
  issuedAt?: number;
  expiresInMs?: number;
  requests?: { resource: { resourcePrefix: string; resource: string }; ability: string }[];
  tamper?: (message: string) => string;
  derivedVia?: string;
}

async function sessionSig(options: Options = {}) {
  const session = generateKeyPairSync('ed25519');
  const sessionKey = Buffer.from(session.publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('hex');
  const wallet = options.wallet ?? Wallet.createRandom();
  const siwe = new SiweMessage({
    domain: options.domain ?? 'localhost',
    address: wallet.address,
    statement: 'Lit session',
    uri: `lit:session:${options.uriKey ?? sessionKey}`,
    version: '1',
    chainId: 1,
    nonce: '0x' + 'ab'.repeat(32),
    issuedAt: new Date(NOW - 1000).toISOString(),
    expirationTime: new Date(NOW + (options.siweExpiresInMs ?? 600_000)).toISOString(),
    resources: options.resources ?? [ALL_ABILITIES],
  }).prepareMessage();
  const capability = {
    sig: await (options.signer ?? wallet).signMessage(siwe),
    derivedVia: options.derivedVia ?? 'web3.eth.personal.sign',
    signedMessage: siwe,
    address: wallet.address,
  };
  let signedMessage = JSON.stringify({
    sessionKey,
    resourceAbilityRequests: options.requests ?? [
      { resource: { resourcePrefix: 'lit-pkp', resource: '*' }, ability: 'pkp-signing' },
    ],
    capabilities: [capability],
    issuedAt: new Date(options.issuedAt ?? NOW - 1000).toISOString(),
    expiration: new Date(NOW + (options.expiresInMs ?? 600_000)).toISOString(),
    nodeAddress: options.nodeAddress ?? `http://${NODE}`,
    maxPrice: '0x0',
  });
  const sig = sign(null, Buffer.from(signedMessage), session.privateKey).toString('hex');
  if (options.tamper) signedMessage = options.tamper(signedMessage);
  return {
    authSig: { sig, derivedVia: 'litSessionSignViaNacl', signedMessage, address: sessionKey, algo: 'ed25519' },
    wallet,
    sessionKey,
  };
}

function refusal(run: () => unknown): { code: string; status: number; message: string } {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(NodeRequestError);
    const e = err as NodeRequestError;
    return { code: e.code, status: e.status, message: e.message };
  }
  throw new Error('expected a refusal');
}

describe('Lit session signatures, verified by the node', () => {
  it('accepts a wallet session for this node and names the wallet', async () => {
    const { authSig, wallet, sessionKey } = await sessionSig();
    const verified = verifySessionSig(authSig, NODE, PKP_SIGNING, NOW);
    expect(verified).toMatchObject({ requester: wallet.address, sessionKey });
    // localhost and 127.0.0.1 are the same node, with or without the scheme.
    expect(
      verifySessionSig((await sessionSig({ nodeAddress: 'localhost:7471' })).authSig, NODE, PKP_SIGNING, NOW),
    ).toBeTruthy();
  });

  it('refuses a session signed for another node', async () => {
    const { authSig } = await sessionSig({ nodeAddress: 'http://127.0.0.1:7472' });
    expect(refusal(() => verifySessionSig(authSig, NODE, PKP_SIGNING, NOW))).toMatchObject({
      code: 'session_for_other_node',
      status: 401,
    });
  });

  it('refuses an expired session, an expired capability, and one issued in the future', async () => {
    const expired = (await sessionSig({ expiresInMs: -1 })).authSig;
    expect(refusal(() => verifySessionSig(expired, NODE, PKP_SIGNING, NOW)).code).toBe('expired_session');
    const stale = (await sessionSig({ siweExpiresInMs: -1 })).authSig;
    expect(refusal(() => verifySessionSig(stale, NODE, PKP_SIGNING, NOW)).message).toMatch(/expired/);
    const future = (await sessionSig({ issuedAt: NOW + 120_000 })).authSig;
    expect(refusal(() => verifySessionSig(future, NODE, PKP_SIGNING, NOW)).message).toMatch(/future/);
  });

  it('refuses a message changed after the session key signed it, or signed by another key', async () => {
    const { authSig } = await sessionSig({ tamper: (m) => m.replace('7471', '7479') });
    expect(refusal(() => verifySessionSig(authSig, '127.0.0.1:7479', PKP_SIGNING, NOW)).code).toBe('invalid_session');
    const other = await sessionSig();
    const swapped = { ...(await sessionSig()).authSig, address: other.sessionKey };
    expect(refusal(() => verifySessionSig(swapped, NODE, PKP_SIGNING, NOW)).code).toBe('invalid_session');
  });

  it('refuses a resource or ability the session or the wallet did not grant', async () => {
    const onlyAction = await sessionSig({
      requests: [{ resource: { resourcePrefix: 'lit-litaction', resource: '*' }, ability: 'lit-action-execution' }],
    });
    expect(refusal(() => verifySessionSig(onlyAction.authSig, NODE, PKP_SIGNING, NOW))).toMatchObject({
      code: 'resource_not_granted',
      status: 403,
    });
    const onePkp = await sessionSig({
      requests: [{ resource: { resourcePrefix: 'lit-pkp', resource: '99' }, ability: 'pkp-signing' }],
    });
    expect(refusal(() => verifySessionSig(onePkp.authSig, NODE, PKP_SIGNING, NOW)).code).toBe('resource_not_granted');
    expect(verifySessionSig(onePkp.authSig, NODE, { ability: 'pkp-signing', resource: '99' }, NOW)).toBeTruthy();
    const walletGrantsDecryptOnly = await sessionSig({
      resources: [recap({ 'lit-accesscontrolcondition://*': { 'Threshold/Decryption': [{}] } })],
    });
    expect(refusal(() => verifySessionSig(walletGrantsDecryptOnly.authSig, NODE, PKP_SIGNING, NOW)).code).toBe(
      'resource_not_granted',
    );
  });

  it("refuses a wallet capability for another session key, another site, or someone else's signature", async () => {
    const otherKey = await sessionSig({ uriKey: 'cd'.repeat(32) });
    expect(refusal(() => verifySessionSig(otherKey.authSig, NODE, PKP_SIGNING, NOW)).message).toMatch(/lit:session/);
    const otherSite = await sessionSig({ domain: 'evil.example' });
    expect(refusal(() => verifySessionSig(otherSite.authSig, NODE, PKP_SIGNING, NOW)).message).toMatch(/evil\.example/);
    const forged = await sessionSig({ signer: Wallet.createRandom() });
    expect(refusal(() => verifySessionSig(forged.authSig, NODE, PKP_SIGNING, NOW)).message).toMatch(/not signed by/);
    const pkpSession = await sessionSig({ derivedVia: 'lit.bls' });
    expect(refusal(() => verifySessionSig(pkpSession.authSig, NODE, PKP_SIGNING, NOW)).message).toMatch(/LIT_BLS/);
  });

  it('checks time and grants on every use of a wallet capability it has verified before', async () => {
    const { authSig, wallet } = await sessionSig({
      siweExpiresInMs: 60_000,
      resources: [recap({ 'lit-pkp://*': { 'Threshold/Signing': [{}] } })],
      requests: [
        { resource: { resourcePrefix: 'lit-pkp', resource: '*' }, ability: 'pkp-signing' },
        { resource: { resourcePrefix: 'lit-litaction', resource: '*' }, ability: 'lit-action-execution' },
      ],
    });
    expect(verifySessionSig(authSig, NODE, PKP_SIGNING, NOW).requester).toBe(wallet.address);
    expect(verifySessionSig(authSig, NODE, PKP_SIGNING, NOW + 1000).requester).toBe(wallet.address);
    // The same capability, known to be signed: still not for another ability, nor once expired.
    const execution: SessionNeed = { ability: 'lit-action-execution', resource: 'Qm' };
    expect(refusal(() => verifySessionSig(authSig, NODE, execution, NOW)).code).toBe('resource_not_granted');
    expect(refusal(() => verifySessionSig(authSig, NODE, PKP_SIGNING, NOW + 61_000)).message).toMatch(/expired/);
  });

  it('refuses what is not a session signature at all', () => {
    for (const bad of [null, {}, { sig: 'zz', address: 'x' }, 'a string'])
      expect(refusal(() => verifySessionSig(bad, NODE, PKP_SIGNING, NOW)).code).toBe('invalid_session');
  });

  it('compares node addresses the way Lit nodes do', () => {
    expect(normaliseNodeAddress('http://localhost:7471/')).toBe('127.0.0.1:7471');
    expect(normaliseNodeAddress('https://127.0.0.1:7471')).toBe('127.0.0.1:7471');
    expect(normaliseNodeAddress('http://localhost.evil:7471')).toBe('localhost.evil:7471');
  });
});
