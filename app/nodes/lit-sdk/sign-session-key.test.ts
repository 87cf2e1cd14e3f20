import { Wallet, computeAddress } from 'ethers';
import { SiweMessage } from 'siwe';
import { describe, expect, it } from 'vitest';
import type { NodeContext } from '../node-context.ts';
import { NodeRequestError } from '../node-request-error.ts';
import {
  litSignSessionKey,
  requestedSiwe,
  verifyWalletAuthMethod,
  withResolvedAuthContext,
} from './sign-session-key.ts';

// The checks a node makes before it gives its share of a PKP session (sign-session-key.ts) that
// need no chain: the SIWE it is asked to sign, the auth methods, and the requests it refuses
// outright. The whole route, with the chain's permissions and Lit's SDK, is in
// app/host/lit-sdk/lit-sdk-pkp-session.int.test.ts.
const PKP_PUBLIC_KEY = Wallet.createRandom().signingKey.publicKey;
const PKP_ADDRESS = computeAddress(PKP_PUBLIC_KEY);
const WALLET_CONTEXT = {
  authMethodContexts: [{ authMethodType: 1, id: '0x' + 'ab'.repeat(20), userId: '0xAb', appId: 'lit' }],
};

function recap(att: Record<string, Record<string, unknown[]>>): string {
  return `urn:recap:${Buffer.from(JSON.stringify({ att, prf: [] })).toString('base64url')}`;
}

function refusal(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(NodeRequestError);
    return { code: (err as NodeRequestError).code, message: (err as NodeRequestError).message };
  }
  throw new Error('expected a refusal');
}

describe('what a node signs a PKP session on', () => {
  const sessionKey = 'ab'.repeat(32);
  const base = {
    domain: 'localhost',
    address: PKP_ADDRESS,
    statement: 'Lit Protocol PKP session signature',
    uri: `lit:session:${sessionKey}`,
    version: '1',
    chainId: 1,
    nonce: '0x' + 'cd'.repeat(32),
    issuedAt: new Date().toISOString(),
    expirationTime: new Date(Date.now() + 600_000).toISOString(),
    resources: [recap({ 'lit-pkp://*': { 'Threshold/Signing': [{}] } })],
  };
  const text = (fields: Partial<typeof base>) => new SiweMessage({ ...base, ...fields }).prepareMessage();

  it('takes the SDK’s SIWE and adds the verified auth methods to its ReCap, the same text every time', () => {
    const siwe = requestedSiwe(text({}), `lit:session:${sessionKey}`, PKP_ADDRESS);
    const signed = withResolvedAuthContext(siwe, WALLET_CONTEXT);
    expect(signed).toBe(
      withResolvedAuthContext(requestedSiwe(text({}), `lit:session:${sessionKey}`, PKP_ADDRESS), WALLET_CONTEXT),
    );
    const recapJson = JSON.parse(
      Buffer.from(new SiweMessage(signed).resources!.at(-1)!.slice('urn:recap:'.length), 'base64url').toString(),
    ) as { att: Record<string, unknown> };
    expect(recapJson.att).toEqual({
      'lit-pkp://*': { 'Threshold/Signing': [{}] },
      'lit-resolvedauthcontext://*': { 'Auth/Auth': [WALLET_CONTEXT] },
    });
  });

  it('refuses a SIWE for another session key, another address, another site, an expired one, or one naming its own auth context', () => {
    const check = (siwe: string) => () => requestedSiwe(siwe, `lit:session:${sessionKey}`, PKP_ADDRESS);
    expect(check(text({ uri: `lit:session:${'cd'.repeat(32)}` }))).toThrow(/not the session key/);
    expect(check(text({ address: Wallet.createRandom().address }))).toThrow(/not the PKP/);
    expect(check(text({ domain: 'evil.example' }))).toThrow(/evil\.example/);
    expect(check(text({ expirationTime: new Date(Date.now() - 1000).toISOString() }))).toThrow(/expired/);
    expect(
      check(text({ resources: [recap({ 'lit-resolvedauthcontext://*': { 'Auth/Auth': [WALLET_CONTEXT] } })] })),
    ).toThrow(/auth context/);
    expect(check('not a siwe')).toThrow(/not a SIWE/);
  });
});

describe('an EthWallet auth method as Lit’s SDK sends it', () => {
  async function authSig(
    fields: { domain?: string; uri?: string; expiresInMs?: number; signer?: Pick<Wallet, 'signMessage'> } = {},
  ) {
    const wallet = Wallet.createRandom();
    const message = new SiweMessage({
      domain: fields.domain ?? 'localhost',
      address: wallet.address,
      statement: 'This is a test statement.  You can put anything you want here.',
      uri: fields.uri ?? 'https://localhost/login',
      version: '1',
      chainId: 1,
      nonce: '0x' + 'cd'.repeat(32),
      issuedAt: new Date().toISOString(),
      expirationTime: new Date(Date.now() + (fields.expiresInMs ?? 600_000)).toISOString(),
    }).prepareMessage();
    const sig = await (fields.signer ?? wallet).signMessage(message);
    return {
      wallet,
      token: JSON.stringify({
        sig,
        derivedVia: 'web3.eth.personal.sign',
        signedMessage: message,
        address: wallet.address,
      }),
    };
  }

  it('is the wallet that signed it', async () => {
    const { wallet, token } = await authSig();
    expect(verifyWalletAuthMethod(token)).toEqual({
      authMethodType: 1,
      id: wallet.address.toLowerCase(),
      userId: wallet.address,
      appId: 'lit',
    });
  });

  it('is refused when forged, expired, for another site, a session’s capability, or not an auth sig', async () => {
    const code = (token: string) => refusal(() => verifyWalletAuthMethod(token)).code;
    expect(code((await authSig({ signer: Wallet.createRandom() })).token)).toBe('invalid_auth_method');
    expect(code('null')).toBe('invalid_auth_method');
    expect(refusal(() => verifyWalletAuthMethod('{"sig":"0x"}')).message).toMatch(/JSON of an auth sig/);
    const expired = await authSig({ expiresInMs: -1000 });
    expect(refusal(() => verifyWalletAuthMethod(expired.token)).message).toMatch(/expired/);
    const elsewhere = await authSig({ domain: 'evil.example' });
    expect(refusal(() => verifyWalletAuthMethod(elsewhere.token)).message).toMatch(/evil\.example/);
    const capability = await authSig({ uri: `lit:session:${'ab'.repeat(32)}` });
    expect(refusal(() => verifyWalletAuthMethod(capability.token)).message).toMatch(/capability/);
  });
});

describe('requests a node refuses before it reads anything', () => {
  const sessionKey = 'ab'.repeat(32);
  const ctx = { networkKey: { ready: () => ({ publicKey: 'ab'.repeat(48), share: 5n }) } } as unknown as NodeContext;
  const request = {
    sessionKey: `lit:session:${sessionKey}`,
    authMethods: [{ authMethodType: 1, accessToken: '{}' }],
    pkpPublicKey: PKP_PUBLIC_KEY,
    siweMessage: new SiweMessage({
      domain: 'localhost',
      address: Wallet.createRandom().address,
      uri: `lit:session:${sessionKey}`,
      version: '1',
      chainId: 1,
      nonce: '0x' + 'cd'.repeat(32),
      expirationTime: new Date(Date.now() + 600_000).toISOString(),
    }).prepareMessage(),
    curveType: 'BLS' as const,
    nodeSet: [{ socketAddress: '127.0.0.1:7471', value: 1 }],
  };

  it('refuses an auth sig, custom auth, and a SIWE for another address, saying which', async () => {
    await expect(litSignSessionKey(ctx, { ...request, authSig: { sig: '0x' } })).rejects.toMatchObject({
      code: 'bad_request',
      message: expect.stringMatching(/auth method/),
    });
    await expect(litSignSessionKey(ctx, { ...request, code: 'Zm9v' })).rejects.toMatchObject({
      code: 'bad_request',
      message: expect.stringMatching(/custom auth/),
    });
    await expect(litSignSessionKey(ctx, request)).rejects.toMatchObject({
      code: 'bad_request',
      message: expect.stringMatching(/not the PKP/),
    });
  });
});
