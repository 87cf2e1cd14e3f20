import { Wallet, computeAddress } from 'ethers';
import { SiweMessage } from 'siwe';
import { describe, expect, it } from 'vitest';
import { LIT_V1_NODE_ROUTES } from '../../shared/lit-sdk/node-routes-v1.ts';
import type { NodeContext } from '../node-context.ts';
import { litSignSessionKeyV1 } from './sign-session-key-v1.ts';
import { requestedSiwe, withResolvedAuthContext } from './sign-session-key.ts';

// The v1 route (v7's getPkpSessionSigs) takes what v7 sends, with no signing set, and makes the
// same checks as v2 (signedPkpSession). The whole route, with the chain and Lit's v7 SDK, is in
// app/host/lit-sdk/lit-sdk-v7-pkp-session.int.test.ts.
describe('a v1 PKP session request', () => {
  const sessionKey = 'ab'.repeat(32);
  const pkpPublicKey = Wallet.createRandom().signingKey.publicKey;
  // What v7 7.4.0 sends (lit-node-client-nodejs signSessionKey): no nodeSet, an epoch.
  const sent = {
    sessionKey: `lit:session:${sessionKey}`,
    authMethods: [{ authMethodType: 1, accessToken: '{}' }],
    pkpPublicKey,
    siweMessage: new SiweMessage({
      domain: 'localhost',
      address: Wallet.createRandom().address,
      uri: `lit:session:${sessionKey}`,
      version: '1',
      chainId: 1,
      nonce: '0x' + 'cd'.repeat(32),
      expirationTime: new Date(Date.now() + 600_000).toISOString(),
    }).prepareMessage(),
    curveType: 'BLS',
    epoch: 1,
  };
  const ctx = { networkKey: { ready: () => ({ publicKey: 'ab'.repeat(48), share: 5n }) } } as unknown as NodeContext;

  it('parses without a signing set, and is refused as v2 refuses it', async () => {
    const request = LIT_V1_NODE_ROUTES.signSessionKey.request.parse(sent);
    await expect(litSignSessionKeyV1(ctx, { ...request, authSig: { sig: '0x' } })).rejects.toMatchObject({
      code: 'bad_request',
      message: expect.stringMatching(/auth method/),
    });
    await expect(litSignSessionKeyV1(ctx, { ...request, code: 'Zm9v' })).rejects.toMatchObject({
      code: 'bad_request',
      message: expect.stringMatching(/custom auth/),
    });
    await expect(litSignSessionKeyV1(ctx, request)).rejects.toMatchObject({
      code: 'bad_request',
      message: expect.stringMatching(/not the PKP/),
    });
  });

  it('refuses a request that is not a PKP session request', () => {
    expect(LIT_V1_NODE_ROUTES.signSessionKey.request.safeParse({ ...sent, curveType: 'ECDSA' }).success).toBe(false);
    expect(
      LIT_V1_NODE_ROUTES.signSessionKey.request.safeParse({ ...sent, sessionKey: 'lit:session:xyz' }).success,
    ).toBe(false);
  });

  it('is signed with a ReCap whose keys are all in order, which v7 (siwe-recap) requires', () => {
    const siwe = new SiweMessage({
      ...new SiweMessage(sent.siweMessage),
      address: computeAddress(pkpPublicKey),
      resources: [
        `urn:recap:${Buffer.from(JSON.stringify({ att: { 'lit-pkp://*': { 'Threshold/Signing': [{}] } }, prf: [] })).toString('base64url')}`,
      ],
    }).prepareMessage();
    const signed = withResolvedAuthContext(requestedSiwe(siwe, sent.sessionKey, computeAddress(pkpPublicKey)), {
      authMethodContexts: [{ authMethodType: 1, id: '0xab', userId: '0xAb', appId: 'lit' }],
    });
    const json = Buffer.from(
      new SiweMessage(signed).resources!.at(-1)!.slice('urn:recap:'.length),
      'base64url',
    ).toString();
    const sorted = (value: unknown): boolean =>
      Array.isArray(value)
        ? value.every(sorted)
        : value === null || typeof value !== 'object'
          ? true
          : Object.keys(value).join() === Object.keys(value).sort().join() && Object.values(value).every(sorted);
    expect(sorted(JSON.parse(json))).toBe(true);
    expect(json).toContain('"authMethodContexts":[{"appId":"lit","authMethodType":1,"id":"0xab","userId":"0xAb"}]');
  });
});
